"""The local log (SQLite, mode 0600): each reminder occurrence's delivery state, pumping sessions,
and notices still to tell the user."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
STATES = ("due", "handed", "spoken", "held", "missed", "reported", "expired")
"""due -> handed -> spoken for what was said; held/missed -> reported for what was summarised;
expired for what is pointless later (a session cue after the session)."""

_TABLES = {
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


def to_ms(moment: datetime) -> int:
    """An aware datetime as whole milliseconds since the epoch (the occurrence key)."""
    return round(moment.timestamp() * 1000)


def from_ms(value: int) -> datetime:
    """Inverse of to_ms, in UTC."""
    return datetime.fromtimestamp(value / 1000, UTC)


@dataclass(frozen=True)
class Occurrence:
    """One time a reminder came due."""

    job_id: str
    """Job that came due."""
    due_at: datetime
    """When it came due (UTC)."""
    kind: str
    """Announcement kind."""
    text: str
    """What was (or would have been) said."""
    state: str
    """One of STATES."""
    summary: str | None = None
    """Key of the summary that reported it, once one was handed over."""


@dataclass(frozen=True)
class Session:
    """One pumping session."""

    id: int
    """Row id."""
    started: datetime
    """When it started (UTC)."""
    ended: datetime | None
    """When it ended; None while it runs."""

    @property
    def duration(self) -> timedelta | None:
        """How long it lasted, once ended."""
        return self.ended - self.started if self.ended else None

    def to_json(self) -> dict[str, Any]:
        """Fields printed by `sessions list --json`."""
        return {
            "id": self.id,
            "started": self.started.isoformat(),
            "ended": self.ended.isoformat() if self.ended else None,
            "minutes": round(self.duration.total_seconds() / 60, 1) if self.duration else None,
        }


def _session(row: tuple) -> Session:
    started = datetime.fromtimestamp(row[1], UTC)
    ended = datetime.fromtimestamp(row[2], UTC) if row[2] is not None else None
    return Session(row[0], started, ended)


class Ledger:
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
                self.rebuilt = prepare_database(self.path, _TABLES)
            self.conn = sqlite3.connect(
                self.path, timeout=storage.LOCK_WAIT_SECONDS, check_same_thread=False
            )
        self._health = health
        self._lock = threading.RLock()
        self._pending: list[tuple[str, tuple[Any, ...]]] = []
        self._waiting_start: float | None = None
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

    # Deliveries ---------------------------------------------------------------------------

    def record_due(
        self, job_id: str, due_at: datetime, kind: str, text: str, now: datetime
    ) -> None:
        """Note, before anything else happens, that an occurrence came due (state `due`)."""
        self._write(
            "INSERT OR IGNORE INTO deliveries VALUES (?, ?, ?, ?, 'due', NULL, ?)",
            (job_id, to_ms(due_at), kind, text, now.timestamp()),
        )

    def claim(
        self, job_id: str, due_at: datetime, kind: str, text: str, state: str, now: datetime
    ) -> bool | None:
        """Record an occurrence in `state`: True if it is new or was only noted as due, False if
        it was already dealt with, None when the log cannot be written."""
        params = (job_id, to_ms(due_at), kind, text, state, now.timestamp())
        # One statement, so that a claim kept for later is replayed whole.
        changed = self._write(
            "INSERT INTO deliveries VALUES (?, ?, ?, ?, ?, NULL, ?) "
            "ON CONFLICT (job_id, due_ms) DO UPDATE SET state = excluded.state, "
            "text = excluded.text, updated = excluded.updated WHERE deliveries.state = 'due'",
            params,
        )
        return None if changed is None else changed == 1

    def set_state(
        self,
        job_id: str,
        due_at: datetime,
        state: str,
        now: datetime,
        only_from: tuple[str, ...] = (),
    ) -> bool:
        """Move an occurrence to `state` (only from the given states, when any); True if moved."""
        sql = "UPDATE deliveries SET state = ?, updated = ? WHERE job_id = ? AND due_ms = ?"
        params: list[Any] = [state, now.timestamp(), job_id, to_ms(due_at)]
        if only_from:
            sql += f" AND state IN ({', '.join('?' * len(only_from))})"
            params += only_from
        return bool(self._write(sql, params))

    def occurrence(self, job_id: str, due_at: datetime) -> Occurrence | None:
        """The record of one occurrence, if any."""
        rows = self._rows(
            "SELECT * FROM deliveries WHERE job_id = ? AND due_ms = ?", (job_id, to_ms(due_at))
        )
        return _occurrence(rows[0]) if rows else None

    def occurrences(self, states: tuple[str, ...] = STATES) -> list[Occurrence]:
        """Every recorded occurrence in the given states, oldest first."""
        marks = ", ".join("?" * len(states))
        rows = self._rows(
            f"SELECT * FROM deliveries WHERE state IN ({marks}) ORDER BY due_ms", states
        )
        return [_occurrence(row) for row in rows]

    def to_report(self) -> list[Occurrence]:
        """Missed or held occurrences that no summary has covered yet, oldest first."""
        rows = self._rows(
            "SELECT * FROM deliveries WHERE state IN ('missed', 'held') "
            "AND summary IS NULL ORDER BY due_ms"
        )
        return [_occurrence(row) for row in rows]

    def attach_summary(self, items: list[Occurrence], key: str, now: datetime) -> None:
        """Note that the summary `key` covers these occurrences (reported once it is spoken)."""
        for item in items:
            self._write(
                "UPDATE deliveries SET summary = ?, updated = ? WHERE job_id = ? AND due_ms = ?",
                (key, now.timestamp(), item.job_id, to_ms(item.due_at)),
            )

    def finish_summary(self, key: str, now: datetime) -> int:
        """The summary `key` was heard: its occurrences are reported; return how many."""
        return (
            self._write(
                "UPDATE deliveries SET state = 'reported', updated = ? WHERE summary = ?",
                (now.timestamp(), key),
            )
            or 0
        )

    def sweep_after_restart(self, now: datetime) -> None:
        """Settle what an earlier run left open: handed-but-unheard becomes missed, summaries
        that were never heard are dropped so their occurrences are summarised again."""
        stamp = now.timestamp()
        self._write(
            "UPDATE deliveries SET state = 'expired', updated = ? "
            "WHERE kind = 'summary' AND state IN ('due', 'handed')",
            (stamp,),
        )
        self._write(
            "UPDATE deliveries SET state = 'missed', updated = ? "
            "WHERE state IN ('due', 'handed') AND kind IN ('pump', 'relax', 'breathing')",
            (stamp,),
        )
        self._write(
            "UPDATE deliveries SET state = 'expired', updated = ? WHERE state IN ('due', 'handed')",
            (stamp,),
        )
        self._write("UPDATE deliveries SET summary = NULL WHERE state IN ('missed', 'held')")

    def last_announced(self) -> Occurrence | None:
        """The latest reminder handed over or spoken (what snooze repeats)."""
        rows = self._rows(
            "SELECT * FROM deliveries WHERE state IN ('handed', 'spoken') "
            "AND kind IN ('pump', 'relax', 'breathing') ORDER BY due_ms DESC LIMIT 1"
        )
        return _occurrence(rows[0]) if rows else None

    # Sessions -----------------------------------------------------------------------------

    def start_session(self, now: datetime) -> int | None:
        """Log a session start; its id, or None when the write has to wait (it is then kept,
        and its end is matched by the start time)."""
        if self._write("INSERT INTO sessions (started) VALUES (?)", (now.timestamp(),)) is None:
            self._waiting_start = now.timestamp()
            return None
        self._waiting_start = None
        return int(self._rows("SELECT max(id) FROM sessions")[0][0])

    def end_session(self, session_id: int, now: datetime) -> bool:
        """Log a session end (of the kept start, when its id was never known)."""
        if session_id < 0 and self._waiting_start is not None:
            started, self._waiting_start = self._waiting_start, None
            return bool(
                self._write(
                    "UPDATE sessions SET ended = ? WHERE started = ? AND ended IS NULL",
                    (now.timestamp(), started),
                )
            )
        return bool(
            self._write("UPDATE sessions SET ended = ? WHERE id = ?", (now.timestamp(), session_id))
        )

    def sessions(self, limit: int = 50) -> list[Session]:
        """The latest sessions, newest first."""
        rows = self._rows(
            "SELECT id, started, ended FROM sessions ORDER BY started DESC LIMIT ?", (limit,)
        )
        return [_session(row) for row in rows]

    # Notices ------------------------------------------------------------------------------

    def add_notice(self, text: str, now: datetime) -> None:
        """Keep something to tell the user at the next chance."""
        self._write("INSERT INTO notices (text, created) VALUES (?, ?)", (text, now.timestamp()))

    def untold_notices(self) -> list[tuple[int, str]]:
        """Notices not yet told, oldest first."""
        return [
            (row[0], row[1])
            for row in self._rows("SELECT id, text FROM notices WHERE told = 0 ORDER BY id")
        ]

    def mark_told(self, ids: list[int]) -> None:
        """The user has been told these notices."""
        for notice_id in ids:
            self._write("UPDATE notices SET told = 1 WHERE id = ?", (notice_id,))


def _occurrence(row: tuple) -> Occurrence:
    return Occurrence(
        job_id=row[0],
        due_at=from_ms(row[1]),
        kind=row[2],
        text=row[3],
        state=row[4],
        summary=row[5],
    )
