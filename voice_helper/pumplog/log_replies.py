"""The pumping log's half of the dialogue's reminder port: logging amounts and answering
questions, over the reminder runtime's sessions and log file, under its lock."""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from voice_helper.errors import VoiceHelperError
from voice_helper.pumplog.store import Entry, PumpLogStore
from voice_helper.pumplog.talk import PumpLog, load_log_prompts
from voice_helper.remind.contract import LogFacts
from voice_helper.remind.runtime import ReminderRuntime

_LOGGER = logging.getLogger(__name__)

_Reply = TypeVar("_Reply", bound=Callable[..., str])


def _guarded(method: _Reply) -> _Reply:
    """A storage failure becomes a spoken apology, nothing is half written (one transaction)."""

    @functools.wraps(method)
    def guarded(self: PumpLogReplies, *args: Any, **kwargs: Any) -> str:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.Error, OSError):
            _LOGGER.exception("%s failed", method.__name__)
            return self._prompts()["log_not_saved"]
        except VoiceHelperError as exc:
            _LOGGER.error("%s: %s", method.__name__, exc)
            return self.runtime.phrases.say("not_running")

    return guarded  # type: ignore[return-value]


class PumpLogReplies:
    """The log's spoken methods; PumpLog does the talking, this finds its file and session."""

    def __init__(self, runtime: ReminderRuntime):
        self.runtime = runtime
        self._log: PumpLog | None = None
        self._loaded: dict[str, str] | None = None

    def _prompts(self) -> dict[str, str]:
        """The log_ prompts, read when first needed (ContentError when one is missing)."""
        if self._loaded is None:
            self._loaded = load_log_prompts(self.runtime.content_dir)
        return self._loaded

    def _pumplog(self) -> PumpLog:
        conn = self.runtime.log_or_raise().conn
        if self._log is None or self._log.store.conn is not conn:
            self._log = PumpLog(
                PumpLogStore(conn),
                self._prompts(),
                self.runtime.settings.volume_unit,
                self.runtime.zone,
            )
        return self._log

    def _last_ended(self, log: PumpLog) -> Entry | None:
        last = self.runtime.sessions_or_raise().last_ended()
        return log.store.entry(last.id) if last is not None and last.id >= 0 else None

    @_guarded
    def log_amount(self, **slots: Any) -> str:
        """Log how much came: on the running session (ending it), the one just ended or asked
        about, or else a new session just now."""
        runtime = self.runtime
        with runtime.lock:
            now, log, sessions = runtime.now(), self._pumplog(), runtime.sessions_or_raise()
            if sessions.running is not None:
                running = sessions.running.id
                ended = sessions.end(now)
                target = running if running >= 0 else None
                return f"{ended} {log.log_amount(target, slots, now)}"
            return log.log_amount(log.target(self._last_ended(log), now), slots, now)

    @_guarded
    def correct_amount(self, **slots: Any) -> str:
        """Change the amount said last."""
        with self.runtime.lock:
            return self._pumplog().correct(slots, self.runtime.now())

    @_guarded
    def log_past_session(self, **slots: Any) -> str:
        """Log a session said afterwards."""
        with self.runtime.lock:
            return self._pumplog().log_past(slots, self.runtime.now())

    @_guarded
    def ask_log(self, question: str, period: str | None = None) -> str:
        """Answer a question about the log."""
        with self.runtime.lock:
            return self._pumplog().ask(question, period, self.runtime.now())

    def amount_wanted(self) -> bool:
        """Whether the session that just ended (or was logged) still needs its amount."""
        try:
            with self.runtime.lock:
                log = self._pumplog()
                return log.amount_wanted(self._last_ended(log), self.runtime.now())
        except (sqlite3.Error, OSError, VoiceHelperError):
            _LOGGER.exception("amount_wanted failed")
            return False

    def log_facts(self, cause_id: str) -> LogFacts | None:
        """What the log shows about a troubleshooting cause (None when it cannot say)."""
        try:
            with self.runtime.lock:
                return self._pumplog().facts(cause_id, self.runtime.now())
        except (sqlite3.Error, OSError, VoiceHelperError):
            _LOGGER.exception("log_facts failed")
            return None
