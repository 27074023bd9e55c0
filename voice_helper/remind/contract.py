"""The one reminder contract: what the dialogue calls, what the service and its socket client
answer. `ReminderPort` is checked by mypy against both (see voice_helper/reminder_service.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class LogFacts:
    """What the pumping log says about a troubleshooting cause."""

    text: str
    """The sentences to say."""
    answer: bool | None = None
    """The cause's yes/no question answered by the log (None: still ask it)."""

    def to_json(self) -> dict[str, Any]:
        """For the control socket."""
        return {"text": self.text, "answer": self.answer}

    @classmethod
    def from_json(cls, raw: Any) -> LogFacts | None:
        """Inverse of to_json (None stays None)."""
        if not isinstance(raw, dict) or not raw.get("text"):
            return None
        answer = raw.get("answer")
        return cls(str(raw["text"]), answer if isinstance(answer, bool) else None)


class ReminderPort(Protocol):
    """The reminders as the dialogue sees them: each call returns a spoken reply (except
    amount_wanted and log_facts, which tell the dialogue what to ask next)."""

    def set_reminder(
        self,
        kind: str,
        every_minutes: float | None = None,
        in_minutes: float | None = None,
        at: str | None = None,
    ) -> str:
        """Add a pump, relax or breathing reminder; the reply says when it comes."""

    def list_reminders(self) -> str:
        """Say when the next reminders are."""

    def cancel_reminders(self) -> str:
        """Remove the reminders."""

    def snooze(self, minutes: float | None = None) -> str:
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

    def log_amount(self, **slots: Any) -> str:
        """Log how much a session gave (amount or left and right, unit, half)."""

    def correct_amount(self, **slots: Any) -> str:
        """Change the amount logged last."""

    def log_past_session(self, **slots: Any) -> str:
        """Log a session said afterwards (hour, minute, day_part or ago; an amount)."""

    def ask_log(self, question: str, period: str | None = None) -> str:
        """Answer total, count, average or biggest about the log."""

    def amount_wanted(self) -> bool:
        """Whether the session just ended or logged still needs its amount."""

    def log_facts(self, cause_id: str) -> LogFacts | None:
        """What the log shows about a troubleshooting cause, or None."""


PORT_METHODS: tuple[str, ...] = tuple(
    name for name, value in vars(ReminderPort).items() if callable(value) and name[0] != "_"
)
"""The contract's methods, in order: the only ones the control socket's `call` runs."""
