"""Content validation: every error names file, line and field; valid content loads."""

import shutil
from pathlib import Path

import pytest

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.cli import main
from voice_helper.content import REQUIRED_CAUSES, load_content
from voice_helper.content.reply_length import (
    INTRO_SECONDS,
    QUESTION_SECONDS,
    REPLY_SECONDS,
    SPEECH_MARGIN_SECONDS,
)
from voice_helper.errors import ContentError
from voice_helper.speech_time import estimate_seconds


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
    _break(
        path, "    - (tell me|talk) about [my] {cause}", "    - (tell me|talk) about [my] {cause"
    )
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
    _break(path, "      - say: Eat regular meals, even small ones.", f"      - say: {long_step}")
    line = _line_of(path, long_step)
    assert (
        f"troubleshooting.yaml:{line}: causes[8].remedy[0].say: sentence too long to follow by"
        " ear (40 words"
    ) in _error(content_copy)


def test_content_check_command(content_copy, capsys):
    assert main(["content", "check", str(content_copy)]) == 0
    assert capsys.readouterr().out.startswith("OK:")
    _break(content_copy / "troubleshooting.yaml", "    name: stress\n", "    name: 3\n")
    assert main(["content", "check", str(content_copy)]) == 2
    assert "causes[3].name: should be text" in capsys.readouterr().err


def test_sentence_group_without_sentences_is_named(content_copy):
    path = content_copy / "intents.yaml"
    _break(
        path,
        "    - sentences:\n        - it hurts when i pump\n",
        "    - sentence:\n        - it hurts when i pump\n",
    )
    message = _error(content_copy)
    assert "intents.ask_cause[" in message and "unknown key" in message
    assert "sentences: missing required field" in message


def test_every_advice_line_names_a_listed_source():
    content = load_content(DEFAULT_CONTENT_DIR)
    for cause in content.causes:
        expected = {"explanation", "professional_help"} | {
            f"remedy[{i}]" for i in range(len(cause.remedy))
        }
        assert set(cause.sources) == expected
        assert all(keys for keys in cause.sources.values())


def test_a_remedy_step_without_a_source_is_refused(content_copy):
    path = content_copy / "troubleshooting.yaml"
    step = "      - say: Keep a snack near the place where you pump.\n"
    _break(path, f"{step}        source: nhs_diet\n", step)
    line = _line_of(path, "Keep a snack near")
    message = _error(content_copy)
    assert f"troubleshooting.yaml:{line}: causes[8].remedy[2].source: missing required field" in (
        message
    )
    assert "unknown cause id" not in message  # one problem, told once


def test_a_plain_remedy_line_is_refused_with_its_line(content_copy):
    path = content_copy / "troubleshooting.yaml"
    _break(
        path,
        "      - say: Eat regular meals, even small ones.\n        source: nhs_diet\n",
        "      - Eat regular meals, even small ones.\n",
    )
    line = _line_of(path, "- Eat regular meals")
    assert (
        f"troubleshooting.yaml:{line}: causes[8].remedy[0]: should be a mapping of keys"
        in _error(content_copy)
    )


def test_an_unknown_source_key_is_refused(content_copy):
    path = content_copy / "troubleshooting.yaml"
    _break(path, "        source: lll_menstruation\n", "        source: [seed, my_aunt]\n")
    line = _line_of(path, "source: [seed, my_aunt]")
    message = _error(content_copy)
    where = f"troubleshooting.yaml:{line}: causes[9].remedy[2].source"
    assert f"{where}: 'my_aunt' is not in" in message


def test_sources_file_is_required_and_checked(content_copy):
    path = content_copy / "sources.yaml"
    _break(path, "  seed: >-", "  Seed: >-")
    message = _error(content_copy)
    assert f"sources.yaml:{_line_of(path, 'Seed:')}: sources.Seed: use lower-case" in message
    assert "missing the key 'seed'" in message
    path.unlink()
    assert "sources.yaml:0: (file): cannot read" in _error(content_copy)


def test_shipped_replies_fit_the_timing_rules():
    content = load_content(DEFAULT_CONTENT_DIR)

    def seconds(text: str) -> float:
        return estimate_seconds(text) + SPEECH_MARGIN_SECONDS

    assert seconds(content.intro) <= INTRO_SECONDS
    for cause in content.causes:
        assert seconds(cause.question) <= QUESTION_SECONDS
        chunks = cause.remedy_chunks()
        assert len(chunks) >= 1 and sum(len(c) for c in chunks) == len(cause.remedy)
        first = " ".join((cause.explanation, *chunks[0]))
        assert seconds(first) <= REPLY_SECONDS


def test_a_long_intro_is_a_content_error_with_its_line(content_copy):
    path = content_copy / "troubleshooting.yaml"
    _break(
        path,
        "intro: Let's find out why. Just say yes or no.",
        "intro: Let's work out why the milk isn't coming. I'll ask a few yes or no questions.",
    )
    line = _line_of(path, "intro: Let's work out")
    message = _error(content_copy)
    assert f"troubleshooting.yaml:{line}: intro: the intro before the first question" in message
    assert f"more than {INTRO_SECONDS:.0f} s" in message


def test_a_long_remedy_reply_is_a_content_error_naming_its_steps(content_copy):
    path = content_copy / "troubleshooting.yaml"
    long = (
        "Check the flange size, the valves, the membranes, the tubing, the connectors, the "
        "bottle, the motor, the charger, the settings, the programme and the instructions."
    )
    _break(
        path,
        "      - say: If the flange pinches, or pulls in a lot of the areola, try another size.",
        f"      - say: {long}",
    )
    line = _line_of(path, "Check the flange size. Your nipple")
    message = _error(content_copy)
    where = f"troubleshooting.yaml:{line}: causes[0].remedy[0:2]"
    assert f"{where}: remedy reply 1 of 5 takes" in message


def test_a_long_prompt_is_a_content_error(content_copy):
    path = content_copy / "prompts.yaml"
    long = " ".join(["Say next for more, or repeat, or back."] * 10)
    _break(path, "more_remedy: Say next for more.", f"more_remedy: {long}")
    line = _line_of(path, "more_remedy:")
    assert f"prompts.yaml:{line}: more_remedy: the prompt takes about" in _error(content_copy)


def test_warmth_without_the_mastitis_caveat_is_refused(content_copy):
    path = content_copy / "troubleshooting.yaml"
    _break(
        path,
        "      - say: Do not pump through strong pain.\n        source: lll_pumping\n",
        "      - say: A warm cloth before pumping can ease a tender spot.\n        source: seed\n",
    )
    line = _line_of(path, "A warm cloth")
    message = _error(content_copy)
    assert f"troubleshooting.yaml:{line}: causes[2].remedy[1].say: suggests warmth or massage" in (
        message
    )
    assert "cite abm_36_2022" in message
