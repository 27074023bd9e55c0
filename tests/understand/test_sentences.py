"""Every test sentence in content/sentences/ is understood as its intent and slots."""

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.content import load_content
from voice_helper.understand.understander import QUESTION, Understander
from voice_helper.words.normalize import normalize

CASES = yaml.safe_load((DEFAULT_CONTENT_DIR / "sentences" / "intents.yaml").read_text())


def _cases() -> list[tuple[str, str, dict]]:
    return [
        (text, group["intent"], group.get("slots", {}))
        for group in CASES["tests"]
        for text in group["sentences"]
    ]


SAFETY = ("crisis", "urgent_symptom")
ANSWERS = ("yes", "no", "next", "back")


@pytest.fixture(scope="module")
def matcher(shared_cache) -> Understander:
    return Understander.from_content(load_content(DEFAULT_CONTENT_DIR), cache_dir=shared_cache)


@pytest.mark.parametrize(("text", "intent", "slots"), _cases())
def test_sentence_gives_intent_and_slots(matcher, text, intent, slots):
    match = matcher.match(text, context=QUESTION if intent in ANSWERS else None)
    assert match.intent is not None, f"{text!r} was rejected"
    if intent in SAFETY:  # the slots say which symptom was heard
        assert match.intent.name == intent and match.source == "safety"
    else:
        assert (match.intent.name, match.intent.slots) == (intent, slots)
        assert not match.doubtful and match.missing is None


@pytest.mark.parametrize("text", CASES["rejects"])
def test_non_command_is_rejected(matcher, text):
    assert matcher.match(text).intent is None


@pytest.mark.parametrize("text", CASES["ask_again"])
def test_a_missing_number_is_asked_for_again(matcher, text):
    match = matcher.match(text)
    assert match.intent is not None and match.intent.name == "set_reminder"
    assert match.missing == "duration"
    assert "every_minutes" not in match.intent.slots and "in_minutes" not in match.intent.slots


def test_every_intent_has_test_sentences():
    from voice_helper.intent import INTENT_NAMES

    tested = {group["intent"] for group in CASES["tests"]}
    # The safety check is asked by the safety layer alone (tests/understand/test_safety.py).
    assert tested | {"safety_check"} == set(INTENT_NAMES)


def test_allowed_intents_narrow_the_match(matcher):
    assert matcher.match("yes", allowed={"no", "stop"}).intent is None
    assert matcher.match("stop", allowed={"no", "stop"}).intent.name == "stop"


def test_sentence_file_is_beside_the_templates():
    assert (Path(DEFAULT_CONTENT_DIR) / "intents.yaml").exists()


@pytest.mark.parametrize(
    "text", ["I know", "That's it.", "I've got a fever", "Okay, next!", "How much did I get?"]
)
def test_capitals_punctuation_and_contractions_do_not_change_the_meaning(matcher, text):
    # The live loop hands over the recogniser's "I know." as typed text never is: lower-cased,
    # contractions spelled out. Both spellings must mean the same.
    plain = " ".join(normalize(text))
    for context in (None, QUESTION):
        assert matcher.match(text, context=context) == replace(
            matcher.match(plain, context=context), text=text
        )
        assert matcher.model is not None
        assert matcher.model.guess(text) == matcher.model.guess(plain)


@pytest.mark.parametrize("text", ["i know", "I know.", "mm"])
def test_a_short_answer_only_near_yes_or_no_is_asked_again(matcher, text):
    # "I know" is near "I do" and is what a "no" over the pump is often heard as.
    assert matcher.match(text, context=QUESTION).intent is None


@pytest.mark.parametrize(("text", "intent"), [("oh definitely", "yes"), ("well not really", "no")])
def test_an_answer_after_an_interjection_counts(matcher, text, intent):
    assert matcher.match(text, context=QUESTION).intent.name == intent
