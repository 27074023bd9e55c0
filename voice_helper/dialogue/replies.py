"""What the dialogue hands to the speaker, and what it needs from the reminders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Reply:
    """One thing to say."""

    text: str
    """The words, as short speakable sentences."""
    safety: bool = False
    """A safety message: spoken before anything else that is queued."""


class ReminderPort(Protocol):
    """The reminder service as the dialogue sees it: each call returns a spoken reply."""

    def set_reminder(self, kind: str, every_minutes: int | None = None,
                     in_minutes: int | None = None) -> str:
        """Add a pump or relax reminder."""

    def list_reminders(self) -> str:
        """Say when the next reminders are."""

    def cancel_reminders(self) -> str:
        """Remove the reminders."""

    def snooze(self, minutes: int | None) -> str:
        """Re-announce the last reminder later."""

    def start_session(self) -> str:
        """Log the start of a pumping session."""

    def end_session(self) -> str:
        """Log the end of a pumping session."""

    def last_session(self) -> str:
        """Say how long ago the last session was."""

    def missed(self) -> str:
        """Summarise what came due while nobody heard it."""

    def start_breathing(self, exercise_id: str | None = None) -> str:
        """Start a guided breathing exercise; return its introduction."""

    def stop_breathing(self) -> str:
        """Stop a breathing exercise that is running."""
