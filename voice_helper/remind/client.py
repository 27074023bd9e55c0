"""The dialogue's reminder port answered by the running assistant, over its control socket
(the `chat` command while the assistant runs)."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.remind.contract import LogFacts
from voice_helper.remind.control import NotRunning, answer_wait, send_request
from voice_helper.remind.phrases import Phrases

_LOGGER = logging.getLogger(__name__)


class RemoteReminders:
    """Every method of ReminderPort, each one call on the running assistant's socket."""

    def __init__(self, socket_path: Path, content_dir: Path | None = None):
        self.socket_path = socket_path
        self.phrases = Phrases(content_dir or DEFAULT_CONTENT_DIR)

    def _call(self, method: str, **slots: Any) -> str:
        request = {"op": "call", "method": method, "slots": slots, "request_id": uuid.uuid4().hex}
        try:
            try:
                reply = send_request(self.socket_path, request, timeout=answer_wait())
            except TimeoutError:  # once more, same id: answered as before if it was done
                reply = send_request(self.socket_path, request, timeout=answer_wait())
        except (NotRunning, OSError) as exc:
            _LOGGER.warning("the assistant stopped answering: %s", exc)
            return self.phrases.say("not_running")
        return str(reply.get("reply") if reply.get("ok") else reply.get("error"))

    def _call_value(self, method: str, **slots: Any) -> Any:
        """The reply of a call as it came (a bool, a dict), None when it failed."""
        try:
            reply = send_request(self.socket_path, {"op": "call", "method": method, "slots": slots})
        except (NotRunning, OSError) as exc:
            _LOGGER.warning("the assistant stopped answering: %s", exc)
            return None
        return reply.get("reply") if reply.get("ok") else None

    def set_reminder(
        self,
        kind: str,
        every_minutes: float | None = None,
        in_minutes: float | None = None,
        at: str | None = None,
    ) -> str:
        """Add a pump, relax or breathing reminder."""
        return self._call(
            "set_reminder", kind=kind, every_minutes=every_minutes, in_minutes=in_minutes, at=at
        )

    def list_reminders(self) -> str:
        """Say when the next reminders are."""
        return self._call("list_reminders")

    def cancel_reminders(self) -> str:
        """Remove the reminders."""
        return self._call("cancel_reminders")

    def snooze(self, minutes: float | None = None) -> str:
        """Re-announce the last reminder later."""
        return self._call("snooze", minutes=minutes)

    def start_session(self) -> str:
        """Log the start of a pumping session."""
        return self._call("start_session")

    def end_session(self) -> str:
        """Log the end of a pumping session."""
        return self._call("end_session")

    def last_session(self) -> str:
        """Say how long ago the last session was."""
        return self._call("last_session")

    def missed(self) -> str:
        """Summarise what came due unheard."""
        return self._call("missed")

    def start_breathing(self, exercise_id: str | None = None) -> str:
        """Start a breathing exercise in the assistant (its cues are spoken there)."""
        return self._call("start_breathing", exercise_id=exercise_id)

    def stop_breathing(self) -> str:
        """Stop the assistant's breathing exercise."""
        return self._call("stop_breathing")

    def log_amount(self, **slots: Any) -> str:
        """Log an amount."""
        return self._call("log_amount", **slots)

    def correct_amount(self, **slots: Any) -> str:
        """Change the amount said last."""
        return self._call("correct_amount", **slots)

    def log_past_session(self, **slots: Any) -> str:
        """Log a session said afterwards."""
        return self._call("log_past_session", **slots)

    def ask_log(self, question: str, period: str | None = None) -> str:
        """Answer a question about the log."""
        return self._call("ask_log", question=question, period=period)

    def amount_wanted(self) -> bool:
        """Whether the last session still needs its amount."""
        return self._call_value("amount_wanted") is True

    def log_facts(self, cause_id: str) -> LogFacts | None:
        """What the log shows about a cause."""
        return LogFacts.from_json(self._call_value("log_facts", cause_id=cause_id))
