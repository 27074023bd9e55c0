"""The Intent dataclass: what the user asked for, independent of how it was said."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

INTENT_NAMES = (
    "crisis",
    "troubleshoot",
    "ask_cause",
    "urgent_symptom",
    "safety_check",
    "yes",
    "no",
    "unsure",
    "repeat",
    "next",
    "back",
    "stop",
    "help",
    "start_breathing",
    "set_reminder",
    "list_reminders",
    "cancel_reminders",
    "snooze",
    "start_session",
    "end_session",
    "last_session",
    "missed",
    "log_amount",
    "answer_amount",
    "correct_amount",
    "log_past_session",
    "ask_log",
)
"""Every intent name; a contract shared with the dialogue, the reminders and the tests."""


@dataclass(frozen=True)
class Intent:
    """A recognised command."""

    name: str
    """One of INTENT_NAMES."""
    slots: dict[str, Any] = field(default_factory=dict)
    """Values picked out of the sentence, e.g. {"cause": "stress"} or {"every_minutes": 180}."""

    def key(self) -> tuple[str, tuple[tuple[str, Any], ...]]:
        """A hashable value equal for intents that would do the same thing."""
        return self.name, tuple(sorted(self.slots.items()))

    def to_json(self) -> dict[str, Any]:
        """The intent as the JSON fields printed by `understand` and `hear`."""
        return {"intent": self.name, "slots": dict(self.slots)}
