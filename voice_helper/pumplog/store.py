"""The pumping log's rows: sessions joined with their amounts, in the log's SQLite file."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from voice_helper.pumplog.amounts import Amount

_LOGGER = logging.getLogger(__name__)

_SELECT = (
    "SELECT s.id, s.started, s.ended, a.ml, a.left_ml, a.right_ml, a.unit, a.logged, a.notes "
    "FROM sessions s LEFT JOIN amounts a ON a.session_id = s.id"
)


@dataclass(frozen=True)
class Entry:
    """One session of the log, with what it gave when that was said."""

    session_id: int
    """Row id in the sessions table."""
    started: datetime
    """When it started (UTC)."""
    ended: datetime | None
    """When it ended (UTC); None while it runs; equal to started when logged afterwards
    without a length."""
    amount: Amount | None = None
    """What it gave; None when nothing was said yet."""
    logged: datetime | None = None
    """When the amount was said (the latest entry is the one a correction changes)."""
    notes: str = ""
    """Free text for the export ("logged afterwards")."""

    @property
    def ml(self) -> float | None:
        """Millilitres, when known."""
        return self.amount.ml if self.amount else None


def _stamp(value: float | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None


def _entry(row: tuple) -> Entry:
    amount = Amount(row[3], row[6], row[4], row[5]) if row[3] is not None else None
    started = _stamp(row[1])
    assert started is not None
    return Entry(row[0], started, _stamp(row[2]), amount, _stamp(row[7]), row[8] or "")


class PumpLogStore:
    """Reads and writes the log; every change is one transaction (all of it, or none)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def entries(self, since: datetime | None = None, until: datetime | None = None) -> list[Entry]:
        """Sessions started in [since, until], oldest first."""
        low = since.timestamp() if since else float("-inf")
        high = until.timestamp() if until else float("inf")
        rows = self.conn.execute(
            f"{_SELECT} WHERE s.started >= ? AND s.started <= ? ORDER BY s.started, s.id",
            (low, high),
        ).fetchall()
        return [_entry(row) for row in rows]

    def entry(self, session_id: int) -> Entry | None:
        """One session by id."""
        rows = self.conn.execute(f"{_SELECT} WHERE s.id = ?", (session_id,)).fetchall()
        return _entry(rows[0]) if rows else None

    def last_logged(self) -> Entry | None:
        """The session whose amount was said last (what "that's wrong, it was fifty" changes)."""
        rows = self.conn.execute(
            f"{_SELECT} WHERE a.logged IS NOT NULL ORDER BY a.logged DESC, s.id DESC LIMIT 1"
        ).fetchall()
        return _entry(rows[0]) if rows else None

    def set_amount(self, session_id: int, amount: Amount, now: datetime, notes: str = "") -> None:
        """Log (or replace) what a session gave."""
        with self.conn:
            self._put_amount(session_id, amount, now, notes)

    def add_session(
        self,
        started: datetime,
        ended: datetime,
        amount: Amount | None,
        now: datetime,
        notes: str = "",
    ) -> int:
        """Log a whole session at once (said afterwards): the session and its amount together."""
        with self.conn:
            cursor = self.conn.execute(
                "INSERT INTO sessions (started, ended) VALUES (?, ?)",
                (started.timestamp(), ended.timestamp()),
            )
            session_id = int(cursor.lastrowid or 0)
            if amount is not None:
                self._put_amount(session_id, amount, now, notes)
        return session_id

    def _put_amount(self, session_id: int, amount: Amount, now: datetime, notes: str) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO amounts VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                session_id,
                amount.ml,
                amount.left_ml,
                amount.right_ml,
                amount.unit,
                now.timestamp(),
                notes or None,
            ),
        )


def window(now: datetime, days: float) -> tuple[datetime, datetime]:
    """[now - days, now]."""
    return now - timedelta(days=days), now


def read_log(directory: Path) -> list[Entry]:
    """Every session of the log file in `directory`, read-only (safe while the assistant runs)."""
    from voice_helper.remind.log_file import LOG_FILE
    from voice_helper.remind.reminder_log import ReminderLog

    if not (directory / LOG_FILE).exists():
        return []
    log = ReminderLog(directory, read_only=True)
    try:
        names = {row[0] for row in log.conn.execute("SELECT name FROM sqlite_master")}
        if "amounts" not in names:  # a log from before amounts: sessions only
            rows = log.conn.execute(
                "SELECT id, started, ended, NULL, NULL, NULL, NULL, NULL, NULL FROM sessions "
                "ORDER BY started"
            ).fetchall()
            return [_entry(row) for row in rows]
        return PumpLogStore(log.conn).entries()
    finally:
        log.close()
