"""A simulated week on real SQLite: the job store locked by another process for ten minutes
twice a day, and one hour of full disk. Every reminder is said exactly once, none is missed or
doubled, and she is told about the hour of full disk only (the short locks pass in silence)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.remind.helpers import Channel, FakeClock, FullDisk, LockHolder, service, settings
from voice_helper.remind import storage
from voice_helper.remind.jobs import JOBS_FILE
from voice_helper.remind.reminder_log import ReminderLog

# What she is told about the reminder files (content/prompts.yaml, remind_store_*).
FULL = (
    "The disk is full, so I can't save changes to my reminders or my log. Reminders already "
    "set still come while I keep running. Please free some space."
)
RECOVERED = "I can save my reminders again."

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 2, 8, 0, tzinfo=LONDON)
STEP = timedelta(minutes=5)


def _locked(moment: datetime) -> bool:
    """Ten minutes from 8:55 and from 20:55 local time, over the 9:00 and 21:00 reminders."""
    local = moment.astimezone(LONDON)
    minute = local.hour * 60 + local.minute
    return any(start <= minute < start + 10 for start in (8 * 60 + 55, 20 * 60 + 55))


def _full(moment: datetime) -> bool:
    """Wednesday 11:30 to 12:30."""
    start = MONDAY.replace(hour=11, minute=30) + timedelta(days=2)
    return start <= moment < start + timedelta(hours=1)


def test_a_week_of_locks_and_a_full_disk_loses_and_doubles_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "LOCK_WAIT_SECONDS", 0.02)
    clock, channel = FakeClock(MONDAY), Channel()
    config = settings(session_cues_minutes=[])
    reminders = service(tmp_path, clock, channel, config)
    reminders.start()
    reminders.set_reminder("pump", every_minutes=180)  # 11:00, 14:00, ... 8:00, 11:00
    reminders.set_reminder("relax", every_minutes=60)
    reminders.set_reminder("breathing", at="21:00")
    holder: LockHolder | None = None
    disk: FullDisk | None = None
    end = MONDAY + timedelta(days=7)
    restarted = False
    while clock.now < end:
        clock.advance(minutes=STEP.total_seconds() / 60)
        if _locked(clock.now) and holder is None:
            holder = LockHolder(tmp_path / "data" / JOBS_FILE)
        elif not _locked(clock.now) and holder is not None:
            holder.release()
            holder = None
        if _full(clock.now) and disk is None:
            disk = FullDisk(reminders)
        elif not _full(clock.now) and disk is not None:
            disk.free()
            disk = None
        reminders.tick()
        channel.play()
        if not restarted and clock.now >= MONDAY + timedelta(days=4, hours=3):
            reminders.shutdown()  # a restart in the middle: nothing is summarised as missed
            reminders = service(tmp_path, clock, channel, config)
            assert reminders.start() is None
            restarted = True
    reminders.shutdown()
    jobs = ("pump-every", "relax-every", "breathing-at-2100")  # not the coach's own cues
    said = Counter((a.job_id, a.due_at) for a in channel.heard if a.job_id in jobs)
    assert said and max(said.values()) == 1, "a reminder was said twice"
    kinds = Counter(job_id for job_id, _ in said)
    assert kinds == {"pump-every": 56, "relax-every": 168, "breathing-at-2100": 7}
    assert channel.texts("summary") == [FULL, RECOVERED]
    log = ReminderLog(tmp_path / "data", read_only=True)
    states = Counter(o.state for o in log.occurrences() if o.kind != "summary")
    log.close()
    assert states == {"spoken": 56 + 168 + 7}
