"""Content validation: every error names file, line and field; valid content loads."""

import shutil
from pathlib import Path

import pytest

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.cli import main
from voice_helper.content import REQUIRED_CAUSES, load_content
from voice_helper.errors import ContentError


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def _error(directory: Path) -> str:
    with pytest.raises(ContentError) as info:
        load_content(directory)
    return str(info.value)


def test_shipped_content_is_valid_and_complete():
    content = load_content(DEFAULT_CONTENT_DIR)
    assert content.causes[0].id == "pump_setup"
    assert set(REQUIRED_CAUSES) <= {c.id for c in content.causes}
    infection = next(g for g in content.safety.groups if g.id == "infection")
    assert "doctor or midwife today" in infection.advice
    assert all(len(step.split()) <= 30 for c in content.causes for step in c.remedy)


def test_unknown_key_names_file_line_and_field(content_copy):
    path = content_copy / "troubleshooting.yaml"
    _break(path, "    name: stress\n", "    name: stress\n    colour: blue\n")
    line = _line_of(path, "colour: blue")
    assert f"troubleshooting.yaml:{line}: causes[3].colour: unknown key" in _error(content_copy)


def test_missing_field_is_named(content_copy):
    path = content_copy / "troubleshooting.yaml"
    _break(path, "    question: Are you feeling stressed or anxious right now?\n", "")
    assert "causes[3].question: missing required field" in _error(content_copy)


def test_wrong_type_is_named(content_copy):
    path = content_copy / "troubleshooting.yaml"
    _break(path, "    name: stress\n", "    name: [stress]\n")
    line = _line_of(path, "name: [stress]")
    assert f":{line}: causes[3].name: should be text, got a list" in _error(content_copy)


def test_duplicate_id_is_named(content_copy):
    path = content_copy / "troubleshooting.yaml"
    _break(path, "  - id: diet\n", "  - id: latch\n")
    message = _error(content_copy)
    assert "causes[8].id: duplicate id 'latch' (first used on line" in message
    assert "missing the cause with id 'diet'" in message


def test_malformed_yaml_names_the_line(content_copy):
    path = content_copy / "prompts.yaml"
    _break(path, "goodbye: Okay.", "goodbye: [Okay.")
    assert "prompts.yaml:" in _error(content_copy)
    assert "malformed YAML" in _error(content_copy)


def test_bad_template_is_named(content_copy):
    path = content_copy / "intents.yaml"
    _break(path, "    - (tell me|talk) about [my] {cause}", "    - (tell me|talk) about [my] {cause")
    line = _line_of(path, "talk) about [my] {cause")
    assert f"intents.yaml:{line}: intents.ask_cause[0]: bad template" in _error(content_copy)


def test_unknown_slot_and_intent_are_named(content_copy):
    path = content_copy / "intents.yaml"
    _break(path, "  missed:\n", "  dance:\n    - let us dance\n  missed:\n")
    _break(path, "    - snooze\n", "    - snooze {color}\n")
    message = _error(content_copy)
    assert "intents.dance: unknown intent" in message
    assert "unknown slot {color}" in message


def test_yes_without_quotes_is_caught(content_copy):
    path = content_copy / "prompts.yaml"
    _break(path, "goodbye: Okay. I'll be here if you need me.", "goodbye: yes")
    assert "goodbye: should be text, got true" in _error(content_copy)


def test_long_sentence_is_refused(content_copy):
    path = content_copy / "troubleshooting.yaml"
    long_step = " ".join(["word"] * 40) + "."
    _break(path, "      - Eat regular meals, even small ones.", f"      - {long_step}")
    assert "too long to follow by ear (40 words" in _error(content_copy)


def test_content_check_command(content_copy, capsys):
    assert main(["content", "check", str(content_copy)]) == 0
    assert capsys.readouterr().out.startswith("OK:")
    _break(content_copy / "troubleshooting.yaml", "    name: stress\n", "    name: 3\n")
    assert main(["content", "check", str(content_copy)]) == 2
    assert "causes[3].name: should be text" in capsys.readouterr().err


def test_sentence_group_without_sentences_is_named(content_copy):
    path = content_copy / "intents.yaml"
    _break(path, "    - sentences:\n        - it hurts when i pump\n",
           "    - sentence:\n        - it hurts when i pump\n")
    message = _error(content_copy)
    assert "intents.ask_cause[" in message and "unknown key" in message
    assert "sentences: missing required field" in message
