"""Recogniser grammars (vosk phrase lists) generated from the same templates as the intents."""

from __future__ import annotations

from voice_helper.understand.numbers import duration_phrases
from voice_helper.understand.templates import DURATION, NUMBER, IntentTemplates

_BARE_NUMBERS = ("five", "ten", "fifteen", "twenty", "thirty", "forty five", "sixty")


def grammar_phrases(templates: IntentTemplates, allowed: set[str] | None = None) -> list[str]:
    """Unique phrases for the allowed intents; number placeholders split the sentence.

    vosk decodes any sequence of the listed phrases, so "remind me to pump every" plus
    "three hours" covers every duration without multiplying the sentences by each one.
    """
    phrases: dict[str, None] = {}
    needs_durations = needs_numbers = False
    for sentence in templates.for_intents(allowed):
        part: list[str] = []
        for token in sentence.tokens:
            if token in (DURATION, NUMBER):
                needs_durations |= token == DURATION
                needs_numbers |= token == NUMBER
                if part:
                    phrases[" ".join(part)] = None
                part = []
            else:
                part.append(token)
        if part:
            phrases[" ".join(part)] = None
    if needs_durations:
        phrases.update(dict.fromkeys(duration_phrases()))
    if needs_numbers:
        phrases.update(dict.fromkeys(_BARE_NUMBERS))
    return list(phrases)
