"""Slots by rule for a meaning the meaning layer found: durations and numbers, never guessed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from voice_helper.words.numbers import find_spans

REPEAT_WORDS = frozenset({"every", "each", "regularly", "always"})
"""Words before a duration that make a reminder repeat ("every three hours")."""
ONCE_WORDS = frozenset({"in", "after", "within"})
"""Words before a duration that make a one-off reminder ("in half an hour")."""
PERIOD_WORDS = {
    "today": ("today",),
    "yesterday": ("yesterday",),
    "week": ("this week", "last week", "seven days", "past week"),
}
"""Words that set the period of a question about the pumping log ("how much today")."""
_WINDOW = 3
"""How far before the duration those words may stand ("every, um, three hours")."""


@dataclass(frozen=True)
class Filled:
    """The slots found for one meaning, or what is missing."""

    slots: dict[str, Any] = field(default_factory=dict)
    missing: str | None = None
    """The slot to ask for again ("every_minutes"), when the words did not give it."""


def fill_slots(intent: str, fixed: dict[str, Any], tokens: list[str]) -> Filled:
    """The slots of `intent` from the words heard; durations and numbers by rule only."""
    slots = dict(fixed)
    spans = find_spans(tokens)
    if intent == "set_reminder":
        durations = [s for s in spans if s.is_duration]
        if len(durations) != 1 or spans != durations:
            return Filled(slots, missing="duration")  # none, or several: ask, never guess
        span = durations[0]
        if span.value <= 0:
            return Filled(slots, missing="duration")  # "every zero minutes": ask again
        before = set(tokens[max(0, span.start - _WINDOW) : span.start])
        if before & REPEAT_WORDS:
            slots["every_minutes"] = round(span.value)
        elif before & ONCE_WORDS or "from now" in " ".join(tokens[span.end :]):
            slots["in_minutes"] = round(span.value)
        else:
            return Filled(slots, missing="duration")
        return Filled(slots)
    if intent == "ask_log":
        said = " ".join(tokens)
        for period, words in PERIOD_WORDS.items():
            if any(f" {word} " in f" {said} " for word in words):
                slots["period"] = period
                break
        return Filled(slots)
    if intent == "snooze":
        if len(spans) > 1:
            return Filled(slots, missing="minutes")
        if spans:
            span = spans[0]
            slots["minutes"] = round(span.value)
        return Filled(slots)
    return Filled(slots)
