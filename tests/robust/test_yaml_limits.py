"""Config and content files nested hundreds of levels deep, full of aliases or huge: a short
file:line message and exit status 2 from every command that reads them, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.cli import main
from voice_helper.yamlfile import MAX_BYTES, YamlProblems, load_yaml

DEEP_FLOW = "timezone: " + "[" * 600 + "]" * 600 + "\n"
DEEP_BLOCK = "quiet_hours:\n" + "".join("  " * (i + 1) + "x:\n" for i in range(520)) + "  y: 1\n"


@pytest.mark.parametrize("text", [DEEP_FLOW, DEEP_BLOCK])
@pytest.mark.parametrize(
    "command", [["config", "check"], ["reminders", "list"], ["sessions", "list"]]
)
def test_deep_config_is_refused_by_every_command(
    private_home: Path, capsys: pytest.CaptureFixture[str], text: str, command: list[str]
) -> None:
    config = private_home / "config.yaml"
    config.write_text(text)
    assert main(["--config", str(config), *command]) == 2
    said = capsys.readouterr()
    err = said.out + said.err
    assert f"{config}:" in err and "nested more than 32 levels deep" in err
    assert "Traceback" not in err and "RecursionError" not in err


def test_deep_content_is_refused_with_its_line(
    private_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = private_home / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, folder)
    path = folder / "relaxation.yaml"
    path.write_text(path.read_text() + "deep: " + "{a: " * 700 + "1" + "}" * 700 + "\n")
    assert main(["--content", str(folder), "content", "check"]) == 2
    said = capsys.readouterr()
    err = said.out + said.err
    line = path.read_text().count("\n")
    assert f"{path}:{line}: (syntax): nested more than 32 levels deep" in err
    assert "Traceback" not in err


def test_alias_bombs_and_huge_files_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 20)]
    bomb.write_text("\n".join(lines) + "\n")
    with pytest.raises(YamlProblems, match="more than 100 aliases"):
        load_yaml(bomb)
    huge = tmp_path / "huge.yaml"
    huge.write_text("a: '" + "x" * MAX_BYTES + "'\n")
    with pytest.raises(YamlProblems, match=f"{huge}:0: \\(file\\): is {MAX_BYTES + 6} bytes"):
        load_yaml(huge)
