"""Whether the reminder files can be written: told once when they stay unwritable, once when
they work again."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.remind.phrases import Phrases
from voice_helper.remind.storage import is_full_error, is_locked_error

_LOGGER = logging.getLogger(__name__)

TELL_AFTER = timedelta(minutes=15)
"""Reminders keep coming while the files cannot be written, so a lock held for minutes (a
backup, a sync tool, a sqlite3 shell) is waited out in silence; trouble that lasts longer than
a reminder may be late (delivery.STALE_AFTER) is worth interrupting her for."""


class StoreHealth:
    """Write trouble of the job store and the log, from any thread; `notice()` says what to tell."""

    def __init__(self, now: Callable[[], datetime], phrases: Phrases | None = None):
        self._now = now
        self.phrases = phrases or Phrases(DEFAULT_CONTENT_DIR)
        """Where the notices' words come from (remind_store_* in prompts.yaml)."""
        self._lock = threading.Lock()
        self._failing: dict[str, BaseException] = {}
        self._since: datetime | None = None
        self._told = False
        self._recovered = False

    @property
    def failing(self) -> bool:
        """Whether some file could not be written at the last attempt."""
        return bool(self._failing)

    def failed(self, source: str, exc: BaseException) -> None:
        """A write to `source` ("jobs" or "log") failed; it will be retried."""
        with self._lock:
            if not self._failing and self._since is None:
                self._since = self._now()
            self._failing[source] = exc
            self._recovered = False

    def succeeded(self, source: str) -> None:
        """A write to `source` went through."""
        with self._lock:
            if self._failing.pop(source, None) is None or self._failing:
                return
            _LOGGER.info("the reminder files can be written again")
            self._since = None
            if self._told:
                self._told, self._recovered = False, True

    def notice(self, now: datetime) -> str | None:
        """What to tell the user now, once per change: the trouble, or that it is over."""
        with self._lock:
            if self._recovered:
                self._recovered = False
                return self.phrases.say("store_recovered")
            lasting = self._since is not None and now - self._since >= TELL_AFTER
            if self._failing and not self._told and lasting:
                self._told = True
                errors = list(self._failing.values())
                if any(is_full_error(exc) for exc in errors):
                    return self.phrases.say("store_full")
                locked = any(is_locked_error(exc) for exc in errors)
                return self.phrases.say("store_locked" if locked else "store_unwritable")
            return None
