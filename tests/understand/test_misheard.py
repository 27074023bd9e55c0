"""Transcripts with misheard words: near-sounding words count, guesses between meanings do not."""

import pytest

from voice_helper.understand.matcher import IntentMatcher
from voice_helper.words.sounds import sound_key


@pytest.fixture(scope="module")
def matcher() -> IntentMatcher:
    return IntentMatcher.from_content()


@pytest.mark.parametrize(
    ("word", "key"), [("snooze", "snus"), ("phone", "fon"), ("knight", "nit"), ("pump", "pump")]
)
def test_sound_key(word: str, key: str) -> None:
    assert sound_key(word) == key


@pytest.mark.parametrize(
    ("heard", "intent", "slots"),
    [
        ("When is my next remainder?", "list_reminders", {}),  # sound-alike of "reminder"
        ("sooze ten minutes", "snooze", {"minutes": 10}),
        (
            "Remind me to pump every two point five hours.",
            "set_reminder",
            {"kind": "pump", "every_minutes": 150},
        ),
        ("go back one", "back", {}),  # "one" is a word of the sentence here, not a number
    ],
)
def test_near_miss_is_understood(
    matcher: IntentMatcher, heard: str, intent: str, slots: dict
) -> None:
    match = matcher.match(heard)
    assert match.intent is not None
    assert (match.intent.name, match.intent.slots) == (intent, slots)


@pytest.mark.parametrize(
    "heard",
    [
        "snooze four ten minutes",  # two numbers where the sentence has room for one
        "remind me to pump every two under half hours",  # a bare number where a duration belongs
        "remind me to come every three hours",  # the slot word does not sound like "pump"
        "pass me the remote",
    ],
)
def test_guess_is_rejected(matcher: IntentMatcher, heard: str) -> None:
    assert matcher.match(heard).intent is None


def test_a_misheard_word_near_two_meanings_is_asked_again(matcher: IntentMatcher) -> None:
    # "mindors" sounds a little like "reminders", but "what about my ..." questions are as near:
    # with a 0.15 margin required between meanings, the assistant asks again instead of guessing.
    assert matcher.match("What are my mindors?").intent is None
