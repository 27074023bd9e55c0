"""Each reminder occurrence's delivery state in the log file, and the notices still to tell."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from voice_helper.remind.log_file import LogFile, from_ms, to_ms

_LOGGER = logging.getLogger(__name__)

STATES = ("due", "handed", "spoken", "held", "missed", "reported", "expired")
"""due -> handed -> spoken for what was said; held/missed -> reported for what was summarised;
expired for what is pointless later (a session cue after the session)."""


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


class DeliveryLog(LogFile):
    """The deliveries and notices tables of the log file."""

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
