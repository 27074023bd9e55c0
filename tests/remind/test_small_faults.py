"""The small things found by the hostile test: prompts rotate at any interval, a clock time on
the night the clocks go forward is read back as asked, `reminders list` names one zone, and an
interval just over the limit is said exactly."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.remind.helpers import Channel, FakeClock, service, settings
from voice_helper.assistant.reminder_service import ReminderService
from voice_helper.cli import remind_commands as remind_cli
from voice_helper.errors import VoiceHelperError

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize("hours", [1, 2, 3, 4, 6])
def test_relaxation_prompts_rotate_through_all_of_them(tmp_path: Path, hours: int) -> None:
    clock, channel = FakeClock(datetime(2026, 11, 2, 9, 0, tzinfo=LONDON)), Channel()
    reminders = service(tmp_path, clock, channel)
    reminders.start()
    reminders.set_reminder("relax", every_minutes=60 * hours)
    every = {p.text for p in reminders.content.prompts_for("between")}
    for _ in range(len(every)):
        clock.advance(hours=hours)
        reminders.tick()
        channel.play()
    reminders.shutdown()
    said = channel.texts("relax")
    assert len(said) == len(every)
    assert set(said) == every  # each one once, in turn


def test_clock_time_the_day_before_spring_forward_is_read_back_as_asked(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2027, 3, 13, 12, 0, tzinfo=NEW_YORK))  # clocks go forward at 2 AM
    reminders = service(tmp_path, clock, Channel(), settings(timezone="America/New_York"))
    reminders.start()
    assert reminders.set_reminder("pump", at="02:30") == (
        "Okay. I'll remind you to pump every day at 2:30 AM. "
        "The next one is tomorrow at 3:30 AM, as the clocks change."
    )
    assert reminders.set_reminder("relax", at="04:15") == (
        "Okay. I'll remind you to relax every day at 4:15 AM."
    )
    reminders.shutdown()


def test_a_day_is_every_day_and_just_over_is_said_exactly(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 11, 2, 9, 0, tzinfo=LONDON))
    reminders = service(tmp_path, clock, Channel())
    reminders.start()
    assert reminders.set_reminder("pump", every_minutes=24 * 60).startswith(
        "Okay. I'll remind you to pump every day. "
    )
    assert reminders.set_reminder("pump", every_minutes=24 * 60 + 1 / 60) == (
        "I can't remind you every day and 1 second. Pick something between 15 minutes and a day."
    )
    reminders.shutdown()


def _cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="voice-helper")
    parser.add_argument("--config")
    remind_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_reminders_list_names_one_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VOICE_HELPER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    config = tmp_path / "config.yaml"
    config.write_text("timezone: America/New_York\n")
    monkeypatch.setenv("VOICE_HELPER_CONFIG", str(config))
    assert _cli("reminders", "add", "--kind", "pump", "--every", "3h") == 0
    offline = capsys.readouterr().out
    clock, channel = FakeClock(datetime(2026, 11, 2, 9, 0, tzinfo=NEW_YORK)), Channel()
    running = ReminderService(
        settings(timezone="America/New_York"), tmp_path / "data", channel, clock
    )
    running.start()
    assert _cli("reminders", "add", "--kind", "relax", "--in", "2h") == 0
    assert _cli("reminders", "list") == 0
    online = capsys.readouterr().out
    running.shutdown()
    lines = (offline + online).splitlines()
    assert len(lines) == 4
    assert all(line.rstrip(".").split()[-1] == "EST" for line in lines), lines
    with pytest.raises(VoiceHelperError, match="every day and 1 second"):
        _cli("reminders", "add", "--kind", "pump", "--every", "24h1s")
