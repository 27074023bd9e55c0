"""Across the DST changes (Europe/London): intervals keep real time, clock times stay single."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.remind.helpers import Channel, FakeClock, service
from voice_helper.remind.triggers import ClockTimeTrigger

LONDON = ZoneInfo("Europe/London")


def _run(tmp_path: Path, start: datetime, days: int) -> Channel:
    clock, channel = FakeClock(start), Channel()
    reminders = service(tmp_path, clock, channel)
    reminders.start()
    assert "every 3 hours" in reminders.set_reminder("pump", every_minutes=180)
    reminders.set_reminder("relax", at="01:30")
    reminders.set_reminder("pump", at="15:40")
    end = start.astimezone(UTC) + timedelta(days=days)
    while clock.now < end:
        clock.advance(minutes=5)
        reminders.tick()
        channel.play()
    reminders.shutdown()
    return channel


@pytest.mark.parametrize(
    ("start", "change"),
    [
        (datetime(2026, 3, 28, 9, 0, tzinfo=LONDON), "spring"),
        (datetime(2026, 10, 24, 9, 0, tzinfo=LONDON), "autumn"),
    ],
)
def test_dst_day(tmp_path: Path, start: datetime, change: str) -> None:
    heard = _run(tmp_path, start, days=2).heard
    every = [a.due_at for a in heard if a.job_id == "pump-every"]
    assert len(every) == 16
    gaps = {b.astimezone(UTC) - a.astimezone(UTC) for a, b in pairwise(every)}
    assert gaps == {timedelta(hours=3)}
    # Wall-clock hours shift by one across the change: real time, not clock time, counts.
    assert len({a.astimezone(LONDON).utcoffset() for a in every}) == 2

    night = [a.due_at.astimezone(LONDON) for a in heard if a.job_id == "relax-at-0130"]
    afternoon = [a.due_at.astimezone(LONDON) for a in heard if a.job_id == "pump-at-1540"]
    assert [d.date() for d in night] == [start.date() + timedelta(days=n) for n in (1, 2)]
    assert [(d.hour, d.minute) for d in afternoon] == [(15, 40), (15, 40)]
    if change == "spring":
        # 01:30 does not exist on 29 March: it comes once, at 02:30 BST.
        assert [(d.hour, d.minute) for d in night] == [(2, 30), (1, 30)]
    else:
        # 01:30 happens twice on 25 October: the reminder comes once, the first time.
        assert [(d.hour, d.minute, d.utcoffset()) for d in night] == [
            (1, 30, timedelta(hours=1)),
            (1, 30, timedelta(0)),
        ]
    assert len({(a.job_id, a.due_at) for a in heard}) == len(heard)


def test_clock_time_trigger_once_per_local_day() -> None:
    trigger = ClockTimeTrigger(time(1, 30), LONDON)
    now = datetime(2026, 10, 24, 12, 0, tzinfo=LONDON)
    fired, previous = [], None
    for _ in range(3):
        previous = trigger.get_next_fire_time(previous, now)
        assert previous is not None
        fired.append(previous)
    assert [f.astimezone(LONDON).day for f in fired] == [25, 26, 27]
    assert fired[1].astimezone(UTC) - fired[0].astimezone(UTC) == timedelta(hours=25)
