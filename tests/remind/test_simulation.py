"""Seven simulated days with three restarts (one a kill mid-announcement): every reminder that
came due is announced exactly once or reported missed exactly once."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.remind.helpers import Channel, FakeClock, service, settings
from voice_helper import PROJECT_ROOT
from voice_helper.assistant.reminder_service import ReminderService
from voice_helper.config import QuietHours, Settings
from voice_helper.remind.announcement import Announcement
from voice_helper.remind.log_file import to_ms
from voice_helper.remind.reminder_log import ReminderLog

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=LONDON)
EVERY_PUMP, EVERY_RELAX = timedelta(hours=3), timedelta(hours=4)


def simulation_settings() -> Settings:
    """Quiet 22:00-07:00 with pump reminders spoken quietly."""
    return settings(
        quiet_hours=QuietHours(
            enabled=True, start="22:00", end="07:00", mode="pump_quietly", quiet_volume=0.4
        ),
        session_cues_minutes=[],
    )


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return (MONDAY.replace(hour=hour, minute=minute) + timedelta(days=day)).astimezone(UTC)


def _run_until(
    reminders: ReminderService, clock: FakeClock, channel: Channel, end: datetime
) -> None:
    while clock.now < end:
        clock.advance(minutes=10)
        reminders.tick()
        channel.play()


def _start(tmp_path: Path, clock: FakeClock, channel: Channel) -> tuple[ReminderService, str]:
    reminders = service(tmp_path, clock, channel, simulation_settings())
    summary = reminders.start()
    assert summary is not None
    channel.play()
    return reminders, summary


def killed_run(*args: str) -> list[dict]:
    """Run tests.remind.killed_run in a subprocess until READY, then SIGKILL it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.remind.killed_run", *args],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines, ready = [], False
    for line in process.stdout:
        if line.strip() == "READY":
            ready = True
            break
        lines.append(json.loads(line))
    assert ready, "the subprocess ended before it was ready (see its stderr above)"
    process.kill()
    process.wait(timeout=5)
    return lines


def _expected(end: datetime) -> set[tuple[str, int]]:
    due: set[tuple[str, int]] = set()
    for job_id, first, step in (
        ("pump-every", _at(0, 12), EVERY_PUMP),
        ("relax-every", _at(0, 13), EVERY_RELAX),
        ("pump-at-0730", _at(1, 7, 30), timedelta(days=1)),
    ):
        moment = first
        while moment <= end:
            due.add((job_id, to_ms(moment)))
            moment += step
    return due


def test_seven_days_three_restarts_nothing_lost_nothing_doubled(tmp_path: Path) -> None:
    clock, channel = FakeClock(MONDAY), Channel()
    reminders = service(tmp_path, clock, channel, simulation_settings())
    assert reminders.start() is None
    reminders.set_reminder("pump", every_minutes=180)
    reminders.set_reminder("relax", every_minutes=240)
    reminders.set_reminder("pump", at="07:30")
    _run_until(reminders, clock, channel, _at(1, 20))
    reminders.shutdown()  # restart 1: clean, off overnight

    clock.now = _at(2, 10, 10)
    reminders, summary = _start(tmp_path, clock, channel)
    assert summary.startswith("While I was off, ")
    _run_until(reminders, clock, channel, _at(3, 11, 50))
    reminders.shutdown()  # restart 2: killed mid-announcement

    killed = killed_run("handed", str(tmp_path), _at(3, 14, 20).isoformat(), _at(3, 15).isoformat())
    assert [(a["kind"], a["job_id"]) for a in killed] == [
        ("summary", "summary"),
        ("pump", "pump-every"),
    ]
    handed_not_spoken = ("pump-every", to_ms(datetime.fromisoformat(killed[1]["due_at"])))

    clock.now = _at(3, 16, 40)  # restart 3: after the kill
    reminders, summary = _start(tmp_path, clock, channel)
    assert summary == ("While I was off, one pump reminder was due. It was at 3:00 PM.")
    _run_until(reminders, clock, channel, _at(7, 12))
    reminders.shutdown()

    log = ReminderLog(tmp_path / "data", read_only=True)
    records = {(o.job_id, to_ms(o.due_at)): o for o in log.occurrences()}
    log.close()
    reminders_due = {key: o for key, o in records.items() if o.kind != "summary"}
    expected = _expected(_at(7, 12))
    assert set(reminders_due) == expected  # none lost, none invented
    assert {o.state for o in reminders_due.values()} == {"spoken", "reported"}

    heard = Counter((a.job_id, to_ms(a.due_at)) for a in channel.heard if a.kind != "summary")
    spoken = {key for key, o in reminders_due.items() if o.state == "spoken"}
    reported = {key for key, o in reminders_due.items() if o.state == "reported"}
    assert set(heard) == spoken and set(heard.values()) == {1}  # announced exactly once
    assert handed_not_spoken in reported

    # Each reported occurrence was covered by exactly one summary that was heard.
    heard_summaries = {f"summary@{to_ms(a.due_at)}" for a in channel.heard if a.kind == "summary"}
    killed_summary = f"summary@{to_ms(datetime.fromisoformat(killed[0]['due_at']))}"
    for key in reported:
        assert reminders_due[key].summary in heard_summaries | {killed_summary}
    assert len(reported) > 20 and len(spoken) > 40

    # Quiet hours: pump reminders quietly, nothing else at night.
    def night(a: Announcement) -> bool:
        return not 7 <= a.due_at.astimezone(LONDON).hour < 22

    assert {(a.kind, a.volume) for a in channel.heard if night(a)} == {("pump", 0.4)}
    # One quiet-hours summary each morning the assistant was running at 07:00.
    mornings = [
        a
        for a in channel.heard
        if a.kind == "summary" and a.due_at.astimezone(LONDON).strftime("%H:%M") == "07:00"
    ]
    assert len(mornings) == 6
