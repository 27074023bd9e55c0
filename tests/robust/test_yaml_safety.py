"""YAML is only ever loaded safely: a Python object tag in any file we read is refused with the
file and line, and nothing it names is run."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest
import yaml

from voice_helper import DEFAULT_CONTENT_DIR, PROJECT_ROOT
from voice_helper.config import load_settings
from voice_helper.content import load_content
from voice_helper.errors import ConfigError, ContentError, ModelMissing
from voice_helper.listen.model_manifest import load_manifest
from voice_helper.yamlfile import _LineLoader

PACKAGE = PROJECT_ROOT / "voice_helper"


def _payloads(marker: Path) -> list[str]:
    command = f"touch {marker}"
    return [
        f'!!python/object/apply:os.system ["{command}"]',
        f'!!python/object/new:subprocess.Popen [["sh", "-c", "{command}"]]',
        "!!python/name:os.system",
        f'!!python/object/apply:subprocess.check_call [["sh", "-c", "{command}"]]',
    ]


@pytest.mark.parametrize("which", range(4))
def test_object_tags_in_content_are_refused_and_nothing_runs(tmp_path: Path, which: int) -> None:
    marker = tmp_path / "pwned"
    folder = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, folder)
    path = folder / "prompts.yaml"
    lines = path.read_text().splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("goodbye:"))
    lines[number - 1] = f"goodbye: {_payloads(marker)[which]}"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    assert f"{path}:{number}: (syntax): malformed YAML" in str(caught.value)
    assert "could not determine a constructor for the tag" in str(caught.value)
    assert not marker.exists()


@pytest.mark.parametrize("name", ["breathing.yaml", "intents.yaml", "troubleshooting.yaml"])
def test_an_object_tag_as_a_whole_document_is_refused(tmp_path: Path, name: str) -> None:
    marker = tmp_path / "pwned"
    folder = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, folder)
    (folder / name).write_text(f"# a comment\n{_payloads(marker)[0]}\n")
    with pytest.raises(ContentError, match=f"{folder / name}:2: "):
        load_content(folder)
    assert not marker.exists()


def test_object_tags_in_the_config_and_manifest_are_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    config = tmp_path / "config.yaml"
    config.write_text(f"rate: 150\nvoice: {_payloads(marker)[0]}\n")
    with pytest.raises(ConfigError, match=f"{config}:2: "):
        load_settings(config)
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(f"models:\n  - {_payloads(marker)[1]}\n")
    with pytest.raises(ModelMissing, match=f"{manifest}:2: "):
        load_manifest(manifest)
    assert not marker.exists()


def test_the_one_yaml_loader_is_safe() -> None:
    assert issubclass(_LineLoader, yaml.SafeLoader)
    assert not any(tag and "python" in tag for tag in _LineLoader.yaml_constructors)
    assert not any(tag and "python" in tag for tag in _LineLoader.yaml_multi_constructors)


UNSAFE_NAMES = {
    "unsafe_load",
    "unsafe_load_all",
    "full_load",
    "full_load_all",
    "Loader",
    "FullLoader",
    "UnsafeLoader",
    "CLoader",
    "CFullLoader",
    "CUnsafeLoader",
}


def test_the_package_loads_yaml_only_through_the_safe_loader() -> None:
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "yaml"
            ):
                assert node.attr not in UNSAFE_NAMES, f"{path}:{node.lineno}: yaml.{node.attr}"
                if node.attr in ("load", "load_all"):
                    calls.append((path, node.lineno))
            if isinstance(node, ast.ImportFrom) and node.module == "yaml":
                names = {alias.name for alias in node.names}
                assert not names & (UNSAFE_NAMES | {"load", "load_all"}), f"{path}:{node.lineno}"
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("load", "load_all")
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "yaml"
            ):
                loader = next((k.value for k in node.keywords if k.arg == "Loader"), None)
                if loader is None and len(node.args) > 1:
                    loader = node.args[1]
                assert isinstance(loader, ast.Name) and loader.id == "_LineLoader", (
                    f"{path}:{node.lineno}: yaml.{node.func.attr} without the safe loader"
                )
    assert calls == [(PACKAGE / "yamlfile.py", calls[0][1])]  # one place loads YAML
