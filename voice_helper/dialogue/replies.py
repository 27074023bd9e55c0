"""What the dialogue hands to the speaker; what it needs from the reminders is the contract in
voice_helper/remind/contract.py (re-exported here for the dialogue's callers)."""

from __future__ import annotations

from dataclasses import dataclass

from voice_helper.remind.contract import LogFacts, ReminderPort

__all__ = ["LogFacts", "ReminderPort", "Reply"]


@dataclass(frozen=True)
class Reply:
    """One thing to say."""

    text: str
    """The words, as short speakable sentences."""
    safety: bool = False
    """A safety message: spoken before anything else that is queued."""
