"""Pumping sessions in the log file: when each started and ended."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from voice_helper.remind.log_file import LogFile

_LOGGER = logging.getLogger(__name__)


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


class SessionLog(LogFile):
    """The sessions table of the log file."""

    _waiting_start: float | None = None
    """The start time of a session whose start write is still kept (its id is not known)."""

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
