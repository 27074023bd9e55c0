"""Every test sentence in content/sentences/ is understood as its intent and slots."""

from pathlib import Path

import pytest
import yaml

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.understand.matcher import IntentMatcher

CASES = yaml.safe_load((DEFAULT_CONTENT_DIR / "sentences" / "intents.yaml").read_text())


def _cases() -> list[tuple[str, str, dict]]:
    return [(text, group["intent"], group.get("slots", {}))
            for group in CASES["tests"] for text in group["sentences"]]


@pytest.fixture(scope="module")
def matcher() -> IntentMatcher:
    return IntentMatcher.from_content(DEFAULT_CONTENT_DIR)


@pytest.mark.parametrize(("text", "intent", "slots"), _cases())
def test_sentence_gives_intent_and_slots(matcher, text, intent, slots):
    match = matcher.match(text)
    assert match.intent is not None, f"{text!r} was rejected"
    assert (match.intent.name, match.intent.slots) == (intent, slots)


@pytest.mark.parametrize("text", CASES["rejects"])
def test_non_command_is_rejected(matcher, text):
    assert matcher.match(text).intent is None


def test_every_intent_has_test_sentences():
    from voice_helper.understand.intent import INTENT_NAMES

    tested = {group["intent"] for group in CASES["tests"]}
    assert tested == set(INTENT_NAMES)


def test_allowed_intents_narrow_the_match(matcher):
    assert matcher.match("yes", allowed={"no", "stop"}).intent is None
    assert matcher.match("stop", allowed={"no", "stop"}).intent.name == "stop"


def test_sentence_file_is_beside_the_templates():
    assert (Path(DEFAULT_CONTENT_DIR) / "intents.yaml").exists()
