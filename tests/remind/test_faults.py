"""A job store that cannot be written for a while (another process holds its lock, the disk is
full): the scheduler goes on, every reminder comes once, she is told once, truthfully, and
nothing spoken is reported missed after a restart."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.remind.helpers import Channel, FakeClock, FullDisk, LockHolder, service
from voice_helper.remind import Announcement, storage
from voice_helper.remind.jobs import JOBS_FILE
from voice_helper.remind.reminder_log import ReminderLog

# What she is told about the reminder files (content/prompts.yaml, remind_store_*).
FULL = (
    "The disk is full, so I can't save changes to my reminders or my log. Reminders already "
    "set still come while I keep running. Please free some space."
)
LOCKED = (
    "Another program is holding my reminder files, so I can't save changes right now. Reminders "
    "already set still come while I keep running."
)
RECOVERED = "I can save my reminders again."
UNWRITABLE = (
    "I can't save changes to my reminder files right now. Reminders already set still come "
    "while I keep running."
)

SORRY = "Sorry, I couldn't reach my reminder file just now. Please try again in a moment."
SORRY_FULL = "Sorry, the disk is full, so I couldn't save that. Please free some space."

START = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Europe/London"))


class WaitingChannel(Channel):
    """Counts arrivals, so a test can wait for the n-th one."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = threading.Condition()

    def __call__(self, announcement: Announcement) -> None:
        with self.changed:
            super().__call__(announcement)
            self.changed.notify_all()

    def wait_for(self, count: int, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: len(self.queue) >= count, timeout=timeout)


def _states(tmp_path: Path) -> list[tuple[str, str]]:
    log = ReminderLog(tmp_path / "data", read_only=True)
    try:
        return [(o.job_id, o.state) for o in log.occurrences() if o.kind != "summary"]
    finally:
        log.close()


def test_real_scheduler_survives_a_locked_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(storage, "LOCK_WAIT_SECONDS", 0.2)
    channel = WaitingChannel()
    reminders = service(tmp_path, None, channel)
    reminders.start()
    first = reminders.reminders_request({"op": "add", "kind": "pump", "in_seconds": 1})
    second = reminders.reminders_request({"op": "add", "kind": "relax", "in_seconds": 2})
    assert first["ok"] and second["ok"]
    holder = LockHolder(tmp_path / "data" / JOBS_FILE)
    try:
        with caplog.at_level(logging.ERROR):
            # The first one's removal fails; the loop must live on to hand over the second.
            assert channel.wait_for(2, timeout=15), "the scheduler stopped after a failed write"
        assert any("stays due" in r.getMessage() for r in caplog.records)
        scheduler = reminders._scheduler
        assert scheduler is not None and scheduler._thread is not None
        assert scheduler._thread.is_alive()
        assert reminders.set_reminder("pump", in_minutes=30) == SORRY  # no "Okay" while locked
    finally:
        holder.release()
    # Once free, the retries clear the store by themselves.
    deadline = time.monotonic() + 20
    while reminders.reminders_request({"op": "list"})["reminders"]:
        assert time.monotonic() < deadline, "the fired reminders never left the store"
        time.sleep(0.1)
    assert sorted(a.job_id for a in channel.queue) == sorted(
        [first["reminder"]["id"], second["reminder"]["id"]]
    )
    channel.play()
    reminders.shutdown()
    assert sorted(state for _, state in _states(tmp_path)) == ["spoken", "spoken"]


def test_locked_for_an_hour_comes_once_tells_once_and_recovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "LOCK_WAIT_SECONDS", 0.05)
    clock, channel = FakeClock(START), Channel()
    reminders = service(tmp_path, clock, channel)
    reminders.start()
    reminders.set_reminder("pump", every_minutes=30)
    holder = LockHolder(tmp_path / "data" / JOBS_FILE)
    try:
        for _ in range(12):  # 9:05 .. 10:00 while locked
            clock.advance(minutes=5)
            reminders.tick()
            channel.play()
    finally:
        holder.release()
    for _ in range(6):  # 10:05 .. 10:30, free again
        clock.advance(minutes=5)
        reminders.tick()
        channel.play()
    pumps = [a.due_at for a in channel.heard if a.kind == "pump"]
    assert [t.astimezone(START.tzinfo).strftime("%H:%M") for t in pumps] == [
        "09:30",
        "10:00",
        "10:30",
    ]
    assert channel.texts("summary") == [LOCKED, RECOVERED]
    reminders.shutdown()
    again = service(tmp_path, clock, channel)
    assert again.start() is None  # nothing is reported missed
    assert again.missed() == "You haven't missed anything."
    again.shutdown()
    assert _states(tmp_path) == [("pump-every", "spoken")] * 3


def test_disk_full_for_a_while_loses_nothing_said(tmp_path: Path) -> None:
    clock, channel = FakeClock(START), Channel()
    reminders = service(tmp_path, clock, channel)
    reminders.start()
    reminders.set_reminder("pump", every_minutes=30)
    disk = FullDisk(reminders)
    for _ in range(4):  # 9:30, 10:00 said while full
        clock.advance(minutes=15)
        reminders.tick()
        channel.play()
    assert reminders.set_reminder("relax", in_minutes=20) == SORRY_FULL
    disk.free()
    clock.advance(minutes=15)
    reminders.tick()
    channel.play()
    assert channel.texts("summary") == [FULL, RECOVERED]
    assert [a.kind for a in channel.heard].count("pump") == 2
    reminders.shutdown()
    again = service(tmp_path, clock, channel)
    assert again.start() is None  # the two spoken while full are not summarised as missed
    again.shutdown()
    assert _states(tmp_path) == [("pump-every", "spoken")] * 2


def test_spoken_is_recorded_while_a_command_waits_for_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "LOCK_WAIT_SECONDS", 3.0)
    clock, channel = FakeClock(START), Channel()
    reminders = service(tmp_path, clock, channel)
    reminders.start()
    reminders.set_reminder("pump", every_minutes=30)
    clock.advance(minutes=30)
    reminders.tick()
    holder = LockHolder(tmp_path / "data" / JOBS_FILE)
    waiting = threading.Thread(
        target=reminders.set_reminder, args=("relax",), kwargs={"in_minutes": 5}
    )
    try:
        waiting.start()
        while reminders.lock.acquire(blocking=False):  # until the command holds it
            reminders.lock.release()
        channel.play()  # the channel confirms while the command waits for the store
        assert waiting.is_alive()
        assert _states(tmp_path) == [("pump-every", "spoken")]
    finally:
        holder.release()
        waiting.join()
    reminders.shutdown()


def test_a_session_logged_on_a_full_disk_is_whole_once_written(tmp_path: Path) -> None:
    clock, channel = FakeClock(START), Channel()
    reminders = service(tmp_path, clock, channel)
    reminders.start()
    disk = FullDisk(reminders)
    reminders.start_session()
    clock.advance(minutes=20)
    assert reminders.end_session().startswith("Okay. That was 20 minutes of pumping.")
    disk.free()
    clock.advance(minutes=1)
    reminders.tick()  # the kept writes go in
    reminders.shutdown()
    log = ReminderLog(tmp_path / "data", read_only=True)
    [session] = log.sessions()
    log.close()
    assert session.duration is not None and session.duration.total_seconds() == 20 * 60


def test_what_she_is_told_matches_the_trouble() -> None:
    import sqlite3
    from datetime import timedelta

    from voice_helper.remind.health import TELL_AFTER, StoreHealth

    clock = FakeClock(START)
    for error, told in (
        (sqlite3.OperationalError("database is locked"), LOCKED),
        (sqlite3.OperationalError("database or disk is full"), FULL),
        (sqlite3.OperationalError("attempt to write a readonly database"), UNWRITABLE),
    ):
        health = StoreHealth(clock)
        health.failed("jobs", error)
        assert health.notice(clock.now) is None  # not yet: a short lock passes in silence
        later = clock.now + TELL_AFTER
        assert health.notice(later) == told
        assert health.notice(later + timedelta(hours=1)) is None  # once
        health.succeeded("jobs")
        assert health.notice(later) == RECOVERED
        assert health.notice(later) is None
