"""The dialogue's side of the reminders: which port method an intent calls, the log's
"How much did you get?", and what is said when no reminders are running."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from voice_helper.content import Content
from voice_helper.remind.contract import LogFacts, ReminderPort

_LOGGER = logging.getLogger(__name__)

REMINDER_INTENTS = (
    "set_reminder",
    "list_reminders",
    "cancel_reminders",
    "snooze",
    "start_session",
    "end_session",
    "last_session",
    "missed",
    "log_amount",
    "correct_amount",
    "log_past_session",
    "ask_log",
)
LOG_ONLY_INTENTS = ("log_amount", "answer_amount", "correct_amount", "log_past_session", "ask_log")
"""The pumping log's own intents: listened for outside the troubleshooting."""
LOG_INTENTS = ("end_session", "log_amount", "answer_amount", "correct_amount", "log_past_session")
"""After these the pumping log may still want the session's amount ("How much did you get?")."""


def _calls(port: ReminderPort) -> dict[str, Callable[..., str]]:
    """The port method each reminder intent (and start_breathing) calls with its slots."""
    return {
        "set_reminder": port.set_reminder,
        "list_reminders": port.list_reminders,
        "cancel_reminders": port.cancel_reminders,
        "snooze": port.snooze,
        "start_session": port.start_session,
        "end_session": port.end_session,
        "last_session": port.last_session,
        "missed": port.missed,
        "start_breathing": port.start_breathing,
        "log_amount": port.log_amount,
        "correct_amount": port.correct_amount,
        "log_past_session": port.log_past_session,
        "ask_log": port.ask_log,
    }


class ReminderTalk:
    """Calls on the reminders for the dialogue; without reminders, says they are not running."""

    def __init__(self, content: Content, reminders: ReminderPort | None):
        self.content = content
        self.reminders = reminders

    def call(self, name: str, slots: dict[str, Any]) -> str:
        """The reply of the reminder intent `name`, called with the intent's slots."""
        if self.reminders is None:
            return self.content.prompt("remind_not_running")
        return str(_calls(self.reminders)[name](**slots))

    def log_call(self, name: str, slots: dict[str, Any]) -> tuple[str, bool]:
        """A session end or an amount; and whether the log still wants the amount."""
        method = "log_amount" if name == "answer_amount" else name
        text = self.call(method, slots)
        wanted = self.reminders is not None and self.reminders.amount_wanted()
        if wanted and name in ("end_session", "log_past_session"):
            text = f"{text} {self.content.prompt('log_ask_amount')}"
        return text, wanted

    def log_facts(self, cause_id: str) -> LogFacts | None:
        """What the pumping log shows about a cause, when the reminders can tell."""
        return self.reminders.log_facts(cause_id) if self.reminders is not None else None

    def stop_breathing(self) -> None:
        """Stop a breathing exercise, if reminders are running."""
        if self.reminders is not None:
            self.reminders.stop_breathing()
