"""Content files that are empty, start with a byte-order mark or are indented with tabs: the
message names file, line and field, the assistant refuses to start, and no file is changed.
(The same cases for the config file are in tests/service/test_config_errors.py.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.cli import main
from voice_helper.content import load_content
from voice_helper.errors import ContentError

FILES = (
    "troubleshooting.yaml",
    "prompts.yaml",
    "intents.yaml",
    "breathing.yaml",
    "relaxation.yaml",
    "sources.yaml",
)
BOM = b"\xef\xbb\xbf"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _refused(folder: Path) -> str:
    before = _snapshot(folder)
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    assert _snapshot(folder) == before  # nothing rewritten, nothing added
    return str(caught.value)


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("body", [b"", b"\n  \n", BOM])
def test_an_empty_file_is_named_with_its_line(content: Path, name: str, body: bytes) -> None:
    (content / name).write_bytes(body)
    assert f"{content / name}:1: (file): is empty" in _refused(content)


@pytest.mark.parametrize("name", FILES)
def test_a_file_of_only_comments_is_named(content: Path, name: str) -> None:
    (content / name).write_bytes(b"# nothing here yet\n")
    assert f"{content / name}:1: (top): should be a mapping of keys, got nothing" in _refused(
        content
    )


def test_byte_order_marks_are_read_and_left_in_place(content: Path) -> None:
    for name in FILES:
        path = content / name
        path.write_bytes(BOM + path.read_bytes())
    before = _snapshot(content)
    loaded = load_content(content)
    assert loaded.causes[0].id == "pump_setup"
    assert _snapshot(content) == before


def test_a_byte_order_mark_does_not_shift_line_numbers(content: Path) -> None:
    path = content / "prompts.yaml"
    text = path.read_bytes().replace(b"\nmoved_on:", b"\nmoved_onn:", 1)
    path.write_bytes(BOM + text)
    line = text.split(b"\n").index(next(x for x in text.split(b"\n") if x.startswith(b"moved_onn")))
    assert f"prompts.yaml:{line + 1}: moved_onn: unknown key" in _refused(content)


@pytest.mark.parametrize(
    ("name", "indented"),
    [
        ("troubleshooting.yaml", b"    name: stress\n"),
        ("breathing.yaml", b"    name: "),
        ("intents.yaml", b"    pump: [pump"),
        ("sources.yaml", b"  seed: >-"),
    ],
)
def test_tabs_name_the_line_and_say_to_use_spaces(
    content: Path, name: str, indented: bytes
) -> None:
    path = content / name
    raw = path.read_bytes()
    assert indented in raw
    tabbed = raw.replace(indented, b"\t" + indented.lstrip(b" "), 1)
    path.write_bytes(tabbed)
    line = tabbed[: tabbed.index(b"\t")].count(b"\n") + 1
    message = _refused(content)
    assert f"{path}:{line}: (syntax): malformed YAML" in message
    assert "spaces, not tabs" in message


def test_the_cli_refuses_with_one_message_and_run_does_not_start(
    content: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("VOICE_HELPER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    (content / "prompts.yaml").write_bytes(b"")
    before = _snapshot(content)
    assert main(["content", "check", str(content)]) == 2
    checked = capsys.readouterr().err
    assert checked.startswith(f"voice-helper: content in {content} is not valid:")
    assert f"{content / 'prompts.yaml'}:1: (file): is empty" in checked
    assert (
        main(
            [
                "--content",
                str(content),
                "run",
                "--input",
                str(tmp_path / "any.wav"),
                "--output",
                str(tmp_path / "out"),
                "--no-reminders",
            ]
        )
        == 2
    )
    assert capsys.readouterr().err == checked  # the same message; nothing was started
    assert not (tmp_path / "out").exists() and not (tmp_path / "data").exists()
    assert _snapshot(content) == before
