"""The local log file (SQLite, mode 0600) and its patient writer: a write that cannot be made
now is kept and made later, in order, and never raised at the caller."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from voice_helper.remind import storage
from voice_helper.remind.health import StoreHealth
from voice_helper.remind.storage import (
    Rebuilt,
    is_full_error,
    prepare_database,
)

_LOGGER = logging.getLogger(__name__)

LOG_FILE = "log.sqlite"
MAX_PENDING = 10_000
"""Most writes kept in memory while the log cannot be written (weeks of reminders); they are
written in order as soon as it can be."""
RETRY_GAP = 5.0
"""Seconds between attempts to write kept writes on the way to a new one (retry() itself, from
the scheduler's pass and each delivery, always tries)."""
TABLES = {
    "deliveries": """CREATE TABLE IF NOT EXISTS deliveries (
        job_id TEXT NOT NULL, due_ms INTEGER NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
        state TEXT NOT NULL, summary TEXT, updated REAL NOT NULL, PRIMARY KEY (job_id, due_ms));
        CREATE INDEX IF NOT EXISTS deliveries_state ON deliveries (state);""",
    "sessions": """CREATE TABLE IF NOT EXISTS sessions (
        id INTEGER PRIMARY KEY, started REAL NOT NULL, ended REAL);""",
    # How much each session gave (voice_helper/pumplog/): one row per session, sides optional.
    "amounts": """CREATE TABLE IF NOT EXISTS amounts (
        session_id INTEGER PRIMARY KEY, ml REAL NOT NULL, left_ml REAL, right_ml REAL,
        unit TEXT NOT NULL, logged REAL NOT NULL, notes TEXT);""",
    "notices": """CREATE TABLE IF NOT EXISTS notices (
        id INTEGER PRIMARY KEY, text TEXT NOT NULL, created REAL NOT NULL,
        told INTEGER NOT NULL DEFAULT 0);""",
}


"""The tables of the log file: deliveries, sessions, amounts, notices."""


def to_ms(moment: datetime) -> int:
    """An aware datetime as whole milliseconds since the epoch (the occurrence key)."""
    return round(moment.timestamp() * 1000)


def from_ms(value: int) -> datetime:
    """Inverse of to_ms, in UTC."""
    return datetime.fromtimestamp(value / 1000, UTC)


class LogFile:
    """The log database; a failed write is kept and retried in order, never raised."""

    def __init__(
        self,
        directory: Path,
        health: StoreHealth | None = None,
        read_only: bool = False,
        prepared: bool = False,
    ):
        self.path = directory / LOG_FILE
        self.rebuilt: Rebuilt | None = None
        if read_only:
            self.conn = sqlite3.connect(
                f"file:{self.path}?mode=ro",
                uri=True,
                timeout=storage.LOCK_WAIT_SECONDS,
                check_same_thread=False,
            )
        else:
            if not prepared:
                self.rebuilt = prepare_database(self.path, TABLES)
            self.conn = sqlite3.connect(
                self.path, timeout=storage.LOCK_WAIT_SECONDS, check_same_thread=False
            )
        self._health = health
        self._lock = threading.RLock()
        self._pending: list[tuple[str, tuple[Any, ...]]] = []
        self._quiet_until = 0.0
        self._closed = False

    @property
    def pending(self) -> int:
        """Writes waiting for the log to be writable again."""
        return len(self._pending)

    def close(self) -> None:
        """Write what is pending if possible, then close the connection."""
        with self._lock:
            if self._pending:
                self.retry()
            if self._pending:
                _LOGGER.error(
                    "%d writes to %s are lost: it could not be written",
                    len(self._pending),
                    self.path,
                )
            self._closed = True
            self.conn.close()

    def retry(self) -> bool:
        """Write what is pending, in order; True when nothing is left."""
        with self._lock:
            if not self._pending or self._closed:
                return not self._pending
            try:
                with self.conn:
                    for sql, params in self._pending:
                        self.conn.execute(sql, params)
            except (sqlite3.Error, OSError) as exc:
                self._failed(exc)
                return False
            _LOGGER.warning("%d delayed writes reached %s", len(self._pending), self.path)
            self._pending.clear()
            if self._health is not None:
                self._health.succeeded("log")
            return True

    def _write(self, sql: str, params: Iterable[Any] = ()) -> int | None:
        """Run one write in its own transaction; rows changed, or None when it had to wait
        (it is then written later, after the writes before it)."""
        values = tuple(params)
        with self._lock:
            if self._closed:
                return None
            # Writes behind kept ones wait their turn; they try the kept ones first at most
            # every RETRY_GAP seconds (a locked file costs a lock wait per attempt).
            if self._pending and (time.monotonic() < self._quiet_until or not self.retry()):
                self._keep(sql, values)
                return None
            try:
                with self.conn:
                    changed = self.conn.execute(sql, values).rowcount
            except (sqlite3.Error, OSError) as exc:
                self._keep(sql, values)
                self._failed(exc)
                return None
            if self._health is not None:
                self._health.succeeded("log")
            return changed

    def _keep(self, sql: str, values: tuple[Any, ...]) -> None:
        if len(self._pending) >= MAX_PENDING:
            _LOGGER.error("too many delayed writes to %s; dropping the oldest", self.path)
            del self._pending[0]
        self._pending.append((sql, values))

    def _failed(self, exc: BaseException) -> None:
        self._quiet_until = time.monotonic() + RETRY_GAP
        level = logging.ERROR if is_full_error(exc) else logging.WARNING
        _LOGGER.log(level, "could not write to %s: %s", self.path, exc)
        if self._health is not None:
            self._health.failed("log", exc)

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[tuple]:
        with self._lock:
            return self.conn.execute(sql, tuple(params)).fetchall()
