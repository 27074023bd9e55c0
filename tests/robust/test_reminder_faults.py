"""A reminder whose delivery fails once: the failure is logged, that run time is reported as
missed, and the next run time is announced as usual. (A full disk under the session log is in
tests/remind/test_storage.py; kills in tests/remind/test_crash.py and test_kill_run.py.)"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.remind.helpers import Channel, FakeClock, service
from voice_helper.remind import Announcement
from voice_helper.remind.reminder_log import ReminderLog

MONDAY_9AM = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Europe/London"))


class WaitingChannel(Channel):
    """Keeps what it is handed and says when something arrived; can refuse the first hand-over
    (as a speech queue that is closed would)."""

    def __init__(self, refuse_first: bool = False) -> None:
        super().__init__()
        self.refuse_first = refuse_first
        self.refused: list[Announcement] = []
        self.arrived = threading.Event()

    def __call__(self, announcement: Announcement) -> None:
        if self.refuse_first and not self.refused:
            self.refused.append(announcement)
            raise RuntimeError("the speech channel is closed")
        super().__call__(announcement)
        self.arrived.set()


def test_a_refused_announcement_is_missed_and_the_next_one_comes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock, channel = FakeClock(MONDAY_9AM), WaitingChannel(refuse_first=True)
    reminders = service(tmp_path, clock, channel)
    reminders.start()
    reminders.set_reminder("pump", every_minutes=30)
    with caplog.at_level(logging.ERROR):
        for _ in range(4):  # 9:30 refused; 10:00 said
            clock.advance(minutes=15)
            reminders.tick()
            channel.play()
    [refused] = channel.refused
    assert refused.due_at == MONDAY_9AM.replace(minute=30)
    assert [(a.kind, a.due_at) for a in channel.heard] == [("pump", MONDAY_9AM.replace(hour=10))]
    assert any("refused an announcement" in r.getMessage() and r.exc_info for r in caplog.records)
    assert reminders.missed() == (
        "While you couldn't hear me, one pump reminder was due. It was at 9:30 AM."
    )
    reminders.shutdown()
    log = ReminderLog(tmp_path / "data", read_only=True)
    assert [
        (o.due_at.astimezone(MONDAY_9AM.tzinfo).strftime("%H:%M"), o.state)
        for o in log.occurrences()
        if o.kind == "pump"
    ] == [("09:30", "reported"), ("10:00", "spoken")]
    log.close()


def test_a_delivery_that_raises_on_the_real_scheduler_does_not_stop_the_next(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    channel = WaitingChannel()
    reminders = service(tmp_path, None, channel)
    reminders.start()
    real_deliver, failures = reminders.delivery.deliver, []

    def deliver_failing_once(*args: object) -> None:  # a bug that bites once
        if not failures:
            failures.append(args[0])
            raise RuntimeError("a bug in delivery")
        real_deliver(*args)  # type: ignore[arg-type]

    reminders.delivery.deliver = deliver_failing_once  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR):
        first = reminders.reminders_request({"op": "add", "kind": "pump", "in_seconds": 1})
        second = reminders.reminders_request({"op": "add", "kind": "pump", "in_seconds": 2})
        assert first["ok"] and second["ok"]
        assert channel.arrived.wait(timeout=10), "the next reminder never came"
    assert failures == [first["reminder"]["id"]]
    assert [a.job_id for a in channel.queue] == [second["reminder"]["id"]]
    assert any("counting it as missed" in r.getMessage() and r.exc_info for r in caplog.records)
    assert reminders.missed().startswith("While you couldn't hear me, one pump reminder was due.")
    channel.play()
    reminders.shutdown()
    log = ReminderLog(tmp_path / "data", read_only=True)
    assert sorted(o.state for o in log.occurrences() if o.kind == "pump") == ["reported", "spoken"]
    log.close()
