"""Test helpers: a clock the test drives, and a stand-in for the output channel."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Self

from voice_helper.assistant.reminder_service import ReminderService
from voice_helper.config import QuietHours, Settings
from voice_helper.remind.announcement import Announcement

ZONE = "Europe/London"


class FakeClock:
    """A clock that only moves when told to; it keeps UTC so that steps are real time."""

    def __init__(self, start: datetime):
        self.now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move forward and return the new time."""
        self.now += timedelta(**delta)
        return self.now


@dataclass
class Channel:
    """Keeps what it is handed; play() speaks the queue and confirms each one to the service."""

    queue: list[Announcement] = field(default_factory=list)
    heard: list[Announcement] = field(default_factory=list)
    service: ReminderService | None = None

    def __call__(self, announcement: Announcement) -> None:
        self.queue.append(announcement)

    def play(self) -> list[Announcement]:
        """Speak everything queued; return it."""
        played, self.queue = self.queue, []
        for announcement in played:
            self.heard.append(announcement)
            assert self.service is not None
            self.service.mark_spoken(announcement.job_id, announcement.due_at)
        return played

    def texts(self, kind: str | None = None) -> list[str]:
        """Texts heard (of one kind)."""
        return [a.text for a in self.heard if kind is None or a.kind == kind]


def settings(**changes: Any) -> Settings:
    """Settings for tests: London time, quiet hours off unless given."""
    quiet = changes.pop("quiet_hours", QuietHours(enabled=False))
    return replace(Settings(timezone=ZONE, quiet_hours=quiet), **changes)


def service(
    tmp_path: Path,
    clock: FakeClock | None,
    channel: Channel,
    config: Settings | None = None,
    **kwargs: Any,
) -> ReminderService:
    """A ReminderService on `tmp_path/data` whose socket lives in `tmp_path/run`."""
    made = ReminderService(
        config or settings(),
        tmp_path / "data",
        channel,
        clock,
        socket_path=tmp_path / "run" / "r.sock",
        **kwargs,
    )
    channel.service = made
    return made


class LockHolder:
    """Another process holding a write lock on a SQLite file (BEGIN IMMEDIATE) until release()."""

    def __init__(self, path: Path):
        import subprocess
        import sys

        script = (
            "import sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\n"
            "print('locked', flush=True)\n"
            "sys.stdin.readline()\n"
            "c.rollback()\n"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", script, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        """Let go of the lock and end the process."""
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.write("\n")
            self.process.stdin.close()
            self.process.wait(timeout=10)


class FullLog:
    """Wraps a log connection: every write fails the way SQLite does on a full disk."""

    def __init__(self, conn: Any):
        self.conn = conn

    def execute(self, sql: str, params: Any = ()) -> Any:
        import sqlite3

        if sql.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            raise sqlite3.OperationalError("database or disk is full")
        return self.conn.execute(sql, params)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def close(self) -> None:
        self.conn.close()


class FullDisk:
    """A full disk under a running service: the job store's and the log's writes fail with
    SQLite's "database or disk is full" until `free()` (the machine has no small disk to fill)."""

    def __init__(self, reminders: ReminderService):
        from sqlalchemy import event

        self.reminders = reminders
        scheduler = reminders._scheduler
        assert scheduler is not None and reminders.log is not None
        self.engine = scheduler.store.engine
        self.logs = [x for x in (reminders.log, reminders._intake_log) if x is not None]
        for log in self.logs:
            log.conn = FullLog(log.conn)  # type: ignore[assignment]
        event.listen(self.engine, "before_cursor_execute", self._refuse)

    @staticmethod
    def _refuse(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        import sqlite3

        if statement.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            raise sqlite3.OperationalError("database or disk is full")

    def free(self) -> None:
        """There is room again."""
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._refuse)
        for log in self.logs:
            log.conn = log.conn.conn  # type: ignore[attr-defined]
