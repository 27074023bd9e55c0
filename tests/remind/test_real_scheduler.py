"""The real BackgroundScheduler on a real SQLite file fires a reminder one second out."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.remind.helpers import Channel, service
from voice_helper.remind import Announcement
from voice_helper.remind.reminder_log import ReminderLog


class WaitingChannel(Channel):
    """Sets an event when something arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = threading.Event()

    def __call__(self, announcement: Announcement) -> None:
        super().__call__(announcement)
        self.arrived.set()


def test_in_one_second_fires_on_the_real_scheduler(tmp_path: Path) -> None:
    channel = WaitingChannel()
    reminders = service(tmp_path, None, channel)
    reminders.start()
    asked = datetime.now(UTC)
    reply = reminders.reminders_request({"op": "add", "kind": "pump", "in_seconds": 1})
    assert reply["ok"], reply
    assert channel.arrived.wait(timeout=5)
    arrived = datetime.now(UTC)
    [announcement] = channel.queue
    assert announcement.kind == "pump"
    assert announcement.text.startswith("Time to pump.")
    assert abs(announcement.due_at - (asked + timedelta(seconds=1))) < timedelta(milliseconds=50)
    assert timedelta(seconds=0.9) < arrived - asked < timedelta(seconds=2.5)
    assert reminders.log is not None
    record = reminders.log.occurrence(announcement.job_id, announcement.due_at)
    assert record is not None and record.state == "handed"
    channel.play()
    record = reminders.log.occurrence(announcement.job_id, announcement.due_at)
    assert record is not None and record.state == "spoken"
    # A one-off job is gone from the store once fired.
    assert reminders.list_reminders() == "You have no reminders set."
    began = time.monotonic()
    reminders.shutdown()
    assert time.monotonic() - began < 2.0
    log = ReminderLog(tmp_path / "data", read_only=True)
    assert [o.state for o in log.occurrences()] == ["spoken"]
    log.close()
