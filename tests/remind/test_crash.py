"""A kill at the worst moment on the real scheduler: APScheduler has moved its store past a run
time, but the hand-over worker never got to it. The run time must come back as missed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.remind.helpers import Channel, FakeClock, service
from tests.remind.test_simulation import killed_run
from voice_helper.remind.reminder_log import ReminderLog


def test_killed_between_store_update_and_hand_over(tmp_path: Path) -> None:
    assert killed_run("stalled", str(tmp_path)) == []  # nothing was announced
    clock, channel = FakeClock(datetime.now(UTC) + timedelta(minutes=1)), Channel()
    reminders = service(tmp_path, clock, channel)
    summary = reminders.start()
    assert summary is not None
    assert summary.startswith("While I was off, one pump reminder was due. It was at ")
    channel.play()
    reminders.shutdown()
    log = ReminderLog(tmp_path / "data", read_only=True)
    [occurrence] = [o for o in log.occurrences() if o.kind == "pump"]
    assert occurrence.state == "reported"
    log.close()
