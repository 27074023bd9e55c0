"""The SQLite files: private, rebuilt when damaged (user told once), waited for when locked,
and a full disk does not stop a reminder."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Self
from zoneinfo import ZoneInfo

import pytest

from tests.remind.helpers import Channel, FakeClock, service
from voice_helper.remind import storage
from voice_helper.remind.jobs import JOBS_FILE
from voice_helper.remind.log_file import LOG_FILE
from voice_helper.remind.storage import StoreLocked

# What she is told about the reminder files (content/prompts.yaml, remind_store_*).
FULL = (
    "The disk is full, so I can't save changes to my reminders or my log. Reminders already "
    "set still come while I keep running. Please free some space."
)

SORRY = "Sorry, I couldn't reach my reminder file just now. Please try again in a moment."

START = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Europe/London"))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_and_socket_are_private(tmp_path: Path) -> None:
    reminders = service(tmp_path, FakeClock(START), Channel())
    reminders.start()
    reminders.start_session()
    data = tmp_path / "data"
    assert _mode(data) == 0o700
    for name in (JOBS_FILE, LOG_FILE, "reminders.lock"):
        assert _mode(data / name) == 0o600, name
    assert _mode(reminders.socket_path) == 0o600
    assert _mode(reminders.socket_path.parent) == 0o700
    reminders.shutdown()
    assert not reminders.socket_path.exists()


def test_garbage_job_store_is_moved_aside_and_the_user_told_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / JOBS_FILE).write_bytes(b"this is not a database" * 100)
    clock, channel = FakeClock(START), Channel()
    reminders = service(tmp_path, clock, channel)
    summary = reminders.start()
    assert summary == (
        "My reminder file was damaged, so I rebuilt it and kept 0 reminders. "
        "Please check your reminders."
    )
    [moved] = data.glob(f"{JOBS_FILE}.corrupt-*")
    assert moved.read_bytes().startswith(b"this is not a database")
    assert reminders.set_reminder("pump", every_minutes=90).startswith("Okay.")
    channel.play()
    reminders.shutdown()
    again = service(tmp_path, clock, channel)
    assert again.start() is None
    assert "pump reminder" in again.list_reminders()
    again.shutdown()


def test_truncated_job_store_keeps_what_can_be_read(tmp_path: Path) -> None:
    clock, channel = FakeClock(START), Channel()
    reminders = service(tmp_path, clock, channel)
    reminders.start()
    reminders.set_reminder("pump", every_minutes=180)
    for minutes in range(10, 40):
        reminders.set_reminder("relax", in_minutes=minutes)
    reminders.shutdown()
    path = tmp_path / "data" / JOBS_FILE
    pages = path.stat().st_size // 4096
    os.truncate(path, (pages - 2) * 4096 + 100)  # lose the last pages, cut one in half
    again = service(tmp_path, clock, channel)
    summary = again.start()
    assert summary is not None and summary.startswith("My reminder file was damaged")
    kept = again.reminder_list.reminders() if again.reminder_list else []
    assert 0 < len(kept) < 31
    assert f"kept {len(kept)} reminders" in summary
    assert list((tmp_path / "data").glob(f"{JOBS_FILE}.corrupt-*"))
    assert not list((tmp_path / "data").glob("*.salvage"))
    # What was kept still works: the earliest relaxation prompt comes when due.
    clock.advance(minutes=10)
    again.tick()
    assert [a.kind for a in channel.queue[1:]] == ["relax"]
    again.shutdown()


def test_corrupt_log_is_rebuilt_too(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / LOG_FILE).write_bytes(b"\x00garbage" * 500)
    reminders = service(tmp_path, FakeClock(START), Channel())
    summary = reminders.start()
    assert summary == "My pumping log was damaged, so I rebuilt it from what I could read."
    assert list(data.glob(f"{LOG_FILE}.corrupt-*"))
    reminders.shutdown()


def _lock(path: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    return holder


def test_locked_job_store_is_waited_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage, "LOCK_WAIT_SECONDS", 3.0)
    first = service(tmp_path, FakeClock(START), Channel())
    first.start()
    first.shutdown()
    holder = _lock(tmp_path / "data" / JOBS_FILE)
    threading.Timer(0.5, holder.rollback).start()
    reminders = service(tmp_path, FakeClock(START), Channel())
    began = time.monotonic()
    assert reminders.start() is None
    assert time.monotonic() - began >= 0.4
    reminders.shutdown()
    holder.close()


def test_locked_job_store_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage, "LOCK_WAIT_SECONDS", 0.3)
    first = service(tmp_path, FakeClock(START), Channel())
    first.start()
    first.shutdown()
    holder = _lock(tmp_path / "data" / JOBS_FILE)
    reminders = service(tmp_path, FakeClock(START), Channel())
    with pytest.raises(StoreLocked) as caught:
        reminders.start()
    assert str(tmp_path / "data" / JOBS_FILE) in str(caught.value)
    assert "locked by another program" in str(caught.value)
    holder.rollback()
    holder.close()
    # Nothing was moved aside, and once free it starts normally.
    assert not list((tmp_path / "data").glob("*.corrupt-*"))
    assert reminders.start() is None
    reminders.shutdown()


def test_locked_while_running_is_said_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "LOCK_WAIT_SECONDS", 0.3)
    reminders = service(tmp_path, FakeClock(START), Channel())
    reminders.start()
    holder = _lock(tmp_path / "data" / JOBS_FILE)
    began = time.monotonic()
    assert reminders.set_reminder("pump", every_minutes=120) == SORRY
    assert time.monotonic() - began >= 0.25  # it waited first
    holder.rollback()
    holder.close()
    assert reminders.set_reminder("pump", every_minutes=120).startswith("Okay.")
    reminders.shutdown()


class FullDisk:
    """Wraps the log's connection: every write fails the way SQLite does on a full disk."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        if sql.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            raise sqlite3.OperationalError("database or disk is full")
        return self.conn.execute(sql, params)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def close(self) -> None:
        self.conn.close()


def test_disk_full_still_fires_and_tells_once(tmp_path: Path) -> None:
    clock, channel = FakeClock(START), Channel()
    reminders = service(tmp_path, clock, channel)
    reminders.start()
    reminders.set_reminder("pump", every_minutes=30)
    assert reminders.log is not None
    reminders.log.conn = FullDisk(reminders.log.conn)  # type: ignore[assignment]
    for _ in range(3):
        clock.advance(minutes=30)
        reminders.tick()
        channel.play()
    kinds = [(a.kind, a.job_id) for a in channel.heard]
    assert kinds.count(("pump", "pump-every")) == 3
    notices = [a.text for a in channel.heard if a.kind == "summary"]
    assert notices == [FULL]
    assert channel.heard[0].kind == "pump"  # the reminder first, then the notice
    # A session still works from memory.
    reminders.start_session()
    clock.advance(minutes=20)
    assert reminders.end_session().startswith("Okay. That was 20 minutes of pumping.")
    reminders.shutdown()
