"""The pumping log's part of the dialogue's reminder port: methods of the reminder service (in
this process) and of its socket client (the `chat` command talking to a running assistant)."""

from __future__ import annotations

import functools
import logging
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from voice_helper.config import Settings
from voice_helper.dialogue.replies import LogFacts
from voice_helper.errors import VoiceHelperError
from voice_helper.pumplog.store import Entry, PumpLogStore
from voice_helper.pumplog.talk import PumpLog, load_log_prompts

_LOGGER = logging.getLogger(__name__)

LOG_METHODS = (
    "log_amount",
    "correct_amount",
    "log_past_session",
    "ask_log",
    "amount_wanted",
    "log_facts_json",
)
"""Service methods the control socket's `call` may run for the log."""
NOT_SAVED = "Sorry, I couldn't write that to your pumping log just now. Please say it again."


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """A storage failure becomes a spoken apology, nothing is half written (one transaction)."""

    @functools.wraps(method)
    def guarded(self: PumpLogCalls, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.Error, OSError):
            _LOGGER.exception("%s failed", method.__name__)
            return NOT_SAVED
        except VoiceHelperError as exc:
            _LOGGER.error("%s: %s", method.__name__, exc)
            return "Reminders are not running right now."

    return guarded


class PumpLogCalls:
    """Mixed into ReminderService: the log's spoken methods, under the service's lock."""

    settings: Settings
    zone: Any
    content_dir: Path
    _lock: threading.RLock
    _log: PumpLog | None = None

    def now(self) -> datetime:  # provided by the service
        raise NotImplementedError

    def _ledger(self) -> Any:  # provided by the service
        raise NotImplementedError

    def _sessions(self) -> Any:  # provided by the service
        raise NotImplementedError

    def _pumplog(self) -> PumpLog:
        conn = self._ledger().conn
        if self._log is None or self._log.store.conn is not conn:
            self._log = PumpLog(
                PumpLogStore(conn),
                load_log_prompts(self.content_dir),
                self.settings.volume_unit,
                self.zone,
            )
        return self._log

    def _last_ended(self, log: PumpLog) -> Entry | None:
        last = self._sessions().last_ended()
        return log.store.entry(last.id) if last is not None and last.id >= 0 else None

    @_guarded
    def log_amount(self, **slots: Any) -> str:
        """Log how much came: on the running session (ending it), the one just ended or asked
        about, or else a new session just now."""
        with self._lock:
            now, log, sessions = self.now(), self._pumplog(), self._sessions()
            if sessions.running is not None:
                running = sessions.running.id
                ended = sessions.end(now)
                target = running if running >= 0 else None
                return f"{ended} {log.log_amount(target, slots, now)}"
            return log.log_amount(log.target(self._last_ended(log), now), slots, now)

    @_guarded
    def correct_amount(self, **slots: Any) -> str:
        """Change the amount said last."""
        with self._lock:
            return self._pumplog().correct(slots, self.now())

    @_guarded
    def log_past_session(self, **slots: Any) -> str:
        """Log a session said afterwards."""
        with self._lock:
            return self._pumplog().log_past(slots, self.now())

    @_guarded
    def ask_log(self, question: str, period: str | None = None) -> str:
        """Answer a question about the log."""
        with self._lock:
            return self._pumplog().ask(question, period, self.now())

    def amount_wanted(self) -> bool:
        """Whether the session that just ended (or was logged) still needs its amount."""
        try:
            with self._lock:
                log = self._pumplog()
                return log.amount_wanted(self._last_ended(log), self.now())
        except (sqlite3.Error, OSError, VoiceHelperError):
            _LOGGER.exception("amount_wanted failed")
            return False

    def log_facts(self, cause_id: str) -> LogFacts | None:
        """What the log shows about a troubleshooting cause (None when it cannot say)."""
        try:
            with self._lock:
                return self._pumplog().facts(cause_id, self.now())
        except (sqlite3.Error, OSError, VoiceHelperError):
            _LOGGER.exception("log_facts failed")
            return None

    def log_facts_json(self, cause_id: str) -> dict[str, Any] | None:
        """log_facts for the control socket."""
        facts = self.log_facts(cause_id)
        return facts.to_json() if facts else None


class RemotePumpLogCalls:
    """Mixed into RemoteReminders: the same methods, answered by the running assistant."""

    def _call(self, method: str, **slots: Any) -> str:  # provided by RemoteReminders
        raise NotImplementedError

    def _call_value(self, method: str, **slots: Any) -> Any:  # provided by RemoteReminders
        raise NotImplementedError

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
        return LogFacts.from_json(self._call_value("log_facts_json", cause_id=cause_id))
