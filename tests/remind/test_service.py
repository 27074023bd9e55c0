"""ReminderService replies, snooze, sessions and quiet hours, on a clock the test drives."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.remind.helpers import Channel, FakeClock, service, settings
from voice_helper.assistant.reminder_service import ReminderService
from voice_helper.config import QuietHours

LONDON = ZoneInfo("Europe/London")
MONDAY_9AM = datetime(2026, 11, 2, 9, 0, tzinfo=LONDON)


def _started(tmp_path: Path, **config: object) -> tuple[ReminderService, FakeClock, Channel]:
    clock, channel = FakeClock(MONDAY_9AM), Channel()
    reminders = service(tmp_path, clock, channel, settings(**config))
    assert reminders.start() is None
    return reminders, clock, channel


def _run(reminders: ReminderService, clock: FakeClock, channel: Channel, minutes: int) -> None:
    for _ in range(minutes):
        clock.advance(minutes=1)
        reminders.tick()
        channel.play()


def test_set_list_and_cancel(tmp_path: Path) -> None:
    reminders, clock, channel = _started(tmp_path)
    assert reminders.list_reminders() == "You have no reminders set."
    assert reminders.set_reminder("pump", every_minutes=150) == (
        "Okay. I'll remind you to pump every 2 and a half hours. The next one is at 11:30 AM."
    )
    assert reminders.set_reminder("relax", in_minutes=45) == (
        "Okay. I'll remind you to relax in 45 minutes, at 9:45 AM."
    )
    assert reminders.list_reminders() == (
        "Your next pump reminder is at 11:30 AM, in 2 and a half hours. "
        "Your next relaxation prompt is at 9:45 AM, in 45 minutes."
    )
    assert reminders.cancel_reminders() == "Okay, I've cancelled all 2 of your reminders."
    _run(reminders, clock, channel, 200)
    assert channel.heard == []
    reminders.shutdown()


def test_default_interval_comes_from_settings(tmp_path: Path) -> None:
    reminders, _, _ = _started(tmp_path, pump_every_minutes=200)
    assert "every 3 hours and 20 minutes" in reminders.set_reminder("pump")
    reminders.shutdown()


def test_out_of_range_requests_are_refused_with_a_reason(tmp_path: Path) -> None:
    reminders, _, _ = _started(tmp_path)
    assert reminders.set_reminder("pump", every_minutes=0) == (
        "I can't remind you every 0 minutes. Pick something between 15 minutes and a day."
    )
    assert "I can't set a reminder for 3 days" in reminders.set_reminder("pump", in_minutes=4320)
    assert reminders.set_reminder("laundry", every_minutes=60).startswith("I can set pump")
    assert reminders.snooze(900 * 60) == (
        "I can't snooze for 37 days and 12 hours. I can snooze for between 1 minute and 4 hours."
    )
    assert reminders.list_reminders() == "You have no reminders set."
    reminders.shutdown()


def test_snooze_repeats_the_last_reminder_later(tmp_path: Path) -> None:
    reminders, clock, channel = _started(tmp_path, snooze_minutes=10)
    assert reminders.snooze(None) == "There's no reminder to snooze yet."
    reminders.set_reminder("pump", in_minutes=5)
    _run(reminders, clock, channel, 5)
    [first] = channel.heard
    assert first.kind == "pump" and first.text.startswith("Time to pump.")
    assert reminders.snooze(None) == "Okay, I'll remind you again in 10 minutes."
    _run(reminders, clock, channel, 9)
    assert len(channel.heard) == 1
    _run(reminders, clock, channel, 1)
    assert [a.text for a in channel.heard] == [first.text, first.text]
    assert channel.heard[1].due_at.astimezone(UTC) == clock.now
    assert reminders.snooze(5) == "Okay, I'll remind you again in 5 minutes."
    _run(reminders, clock, channel, 5)
    assert len(channel.heard) == 3
    reminders.shutdown()


def test_sessions_and_the_next_reminder_counts_from_the_end(tmp_path: Path) -> None:
    reminders, clock, channel = _started(tmp_path, session_cues_minutes=[15], count_from="end")
    reminders.set_reminder("pump", every_minutes=180)
    assert reminders.last_session() == "I don't have any pumping sessions logged yet."
    assert reminders.end_session().startswith("There's no session running.")
    _run(reminders, clock, channel, 60)  # 10:00
    assert reminders.start_session().startswith("Okay, I'm timing your session.")
    assert reminders.start_session() == "You're already pumping. You started a moment ago."
    _run(reminders, clock, channel, 25)
    assert [a.text for a in channel.heard] == ["15 minutes in. Keep going."]
    assert channel.heard[0].kind == "session_cue"
    assert reminders.end_session() == (
        "Okay. That was 25 minutes of pumping. Your next pump reminder is at 1:25 PM."
    )
    _run(reminders, clock, channel, 130)
    assert reminders.last_session() == "You finished pumping 2 hours and 10 minutes ago."
    _run(reminders, clock, channel, 50)
    pumps = [a for a in channel.heard if a.kind == "pump"]
    assert [a.due_at.astimezone(LONDON).strftime("%H:%M") for a in pumps] == ["13:25"]
    reminders.shutdown()


def test_count_from_start_and_setting_after_a_session(tmp_path: Path) -> None:
    reminders, clock, channel = _started(tmp_path, count_from="start", session_cues_minutes=[])
    reminders.start_session()
    _run(reminders, clock, channel, 30)
    reminders.end_session()
    # Set after the session: the first reminder counts from the session's start (9:00).
    assert reminders.set_reminder("pump", every_minutes=120).endswith("at 11:00 AM.")
    reminders.shutdown()


def test_quiet_hours_hold_everything_then_one_summary(tmp_path: Path) -> None:
    quiet = QuietHours(enabled=True, start="22:00", end="07:00", mode="hold")
    reminders, clock, channel = _started(tmp_path, quiet_hours=quiet)
    reminders.set_reminder("pump", every_minutes=180)
    reminders.set_reminder("relax", every_minutes=240)
    _run(reminders, clock, channel, 22 * 60 + 1)  # to 07:01 next day
    night = [
        a
        for a in channel.heard
        if a.kind != "summary" and not 7 <= a.due_at.astimezone(LONDON).hour < 22
    ]
    assert night == []
    summaries = [a for a in channel.heard if a.kind == "summary"]
    assert len(summaries) == 1
    assert summaries[0].due_at.astimezone(LONDON).strftime("%H:%M") == "07:00"
    assert summaries[0].text == (
        "During quiet hours, three pump reminders and two relaxation "
        "prompts came due. The last pump reminder was at 6:00 AM."
    )
    assert reminders.missed().startswith("Nothing new since I last told you.")
    reminders.shutdown()


def test_quiet_hours_pump_quietly(tmp_path: Path) -> None:
    quiet = QuietHours(
        enabled=True, start="22:00", end="07:00", mode="pump_quietly", quiet_volume=0.3
    )
    reminders, clock, channel = _started(tmp_path, quiet_hours=quiet)
    reminders.set_reminder("pump", every_minutes=180)
    reminders.set_reminder("relax", every_minutes=240)
    _run(reminders, clock, channel, 22 * 60 + 1)
    at_night = [a for a in channel.heard if not 7 <= a.due_at.astimezone(LONDON).hour < 22]
    assert {a.kind for a in at_night} == {"pump"}
    assert {a.volume for a in at_night} == {0.3}
    assert len(at_night) == 3
    assert all(a.volume is None for a in channel.heard if a not in at_night)
    [summary] = [a for a in channel.heard if a.kind == "summary"]
    assert summary.text == "During quiet hours, two relaxation prompts came due."
    reminders.shutdown()


def test_missed_answers_after_a_restart(tmp_path: Path) -> None:
    reminders, clock, channel = _started(tmp_path)
    assert reminders.missed() == "You haven't missed anything."
    reminders.set_reminder("pump", every_minutes=60)
    reminders.shutdown()
    clock.advance(hours=3, minutes=30)
    again = service(tmp_path, clock, channel)
    summary = again.start()
    assert summary == (
        "While I was off, three pump reminders came due. The last one was at 12:00 PM."
    )
    assert [a.text for a in channel.queue] == [summary]
    # Not heard yet: the question still gets the answer, and the summary then covers nothing.
    channel.play()
    assert again.missed() == (
        "Nothing new since I last told you. Earlier, three pump reminders "
        "came due. The last one was at 12:00 PM."
    )
    again.shutdown()


def test_shutdown_is_quick(tmp_path: Path) -> None:
    reminders, _, _ = _started(tmp_path)
    reminders.set_reminder("pump", every_minutes=60)
    reminders.start_breathing()
    began = time.monotonic()
    reminders.shutdown()
    assert time.monotonic() - began < 2.0
    # The store is free again: another service can own it straight away.
    other = service(tmp_path, FakeClock(MONDAY_9AM + timedelta(minutes=1)), Channel())
    other.start()
    assert "pump reminder" in other.list_reminders()
    other.shutdown()


def test_restart_at_night_says_only_missed_pump_reminders_quietly(tmp_path: Path) -> None:
    quiet = QuietHours(
        enabled=True, start="22:00", end="07:00", mode="pump_quietly", quiet_volume=0.4
    )
    reminders, clock, channel = _started(tmp_path, quiet_hours=quiet)
    reminders.set_reminder("pump", every_minutes=180)
    reminders.set_reminder("relax", every_minutes=240)
    _run(reminders, clock, channel, 12 * 60)  # to 21:00
    reminders.shutdown()
    clock.now = datetime(2026, 11, 3, 3, 5, tzinfo=LONDON).astimezone(UTC)
    again = service(tmp_path, clock, channel, settings(quiet_hours=quiet))
    assert again.start() == (
        "While I was off, two pump reminders came due. The last one was at 3:00 AM."
    )
    [summary] = channel.play()
    assert summary.volume == 0.4
    _run(again, clock, channel, 4 * 60)  # past 07:00
    mornings = [a for a in channel.heard if a.kind == "summary"][1:]
    assert [a.text for a in mornings] == [
        "While you couldn't hear me, two relaxation prompts came due."
    ]
    again.shutdown()
