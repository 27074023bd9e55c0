"""`voice-helper reminders` and `sessions`: through the socket to a running service, or straight
into the store when nothing runs."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.remind.helpers import Channel, FakeClock, settings
from voice_helper.assistant.reminder_service import ReminderService, reminders_for_cli
from voice_helper.cli import remind_commands as remind_cli
from voice_helper.errors import DurationError, VoiceHelperError
from voice_helper.remind.client import RemoteReminders
from voice_helper.remind.ownership import OwnerLock

START = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the CLI at a private data dir, runtime dir and (empty) config."""
    monkeypatch.setenv("VOICE_HELPER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "xdg"))
    config = tmp_path / "config.yaml"
    config.write_text("timezone: Europe/London\n")
    monkeypatch.setenv("VOICE_HELPER_CONFIG", str(config))
    return tmp_path / "data"


def cli(*argv: str) -> int:
    """Run one `voice-helper` command in-process with only the reminder subcommands."""
    parser = argparse.ArgumentParser(prog="voice-helper")
    parser.add_argument("--config")
    remind_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.func(args))


def listed(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    capsys.readouterr()
    assert cli("reminders", "list", "--json") == 0
    return json.loads(capsys.readouterr().out)


def test_cli_changes_reach_the_running_service(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock, channel = FakeClock(START), Channel()
    running = ReminderService(settings(), env, channel, clock)
    channel.service = running
    running.start()
    assert cli("reminders", "add", "--kind", "pump", "--every", "90m") == 0
    # At once, in the running service (whose clock says 2 November: the socket was used).
    assert running.list_reminders() == (
        "Your next pump reminder is at 10:30 AM, in an hour and a half."
    )
    [item] = listed(capsys)
    assert item == {
        "id": "pump-every",
        "kind": "pump",
        "schedule": "every 1h30m",
        "next_run_time": "2026-11-02T10:30:00+00:00",
    }
    assert cli("reminders", "add", "--kind", "relax", "--in", "45s") == 0
    clock.advance(seconds=45)
    running.tick()
    assert [a.kind for a in channel.queue] == ["relax"]
    assert cli("reminders", "remove", "pump-every") == 0
    assert running.list_reminders() == "You have no reminders set."
    with pytest.raises(VoiceHelperError, match="no reminder 'pump-every'"):
        cli("reminders", "remove", "pump-every")
    running.start_session()
    clock.advance(minutes=20)
    running.end_session()
    capsys.readouterr()
    assert cli("sessions", "list", "--json") == 0
    [session] = json.loads(capsys.readouterr().out)
    assert session["minutes"] == 20.0
    running.shutdown()


def test_cli_edits_the_store_when_nothing_runs(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("reminders", "add", "--kind", "pump", "--every", "2h30m") == 0
    assert cli("reminders", "add", "--kind", "relax", "--at", "07:30") == 0
    assert "Added relax-at-0730 (relax, daily at 07:30)" in capsys.readouterr().out
    items = listed(capsys)
    assert [(i["id"], i["schedule"]) for i in items if i["kind"] == "pump"] == [
        ("pump-every", "every 2h30m")
    ]
    every = next(i for i in items if i["id"] == "pump-every")
    gap = datetime.fromisoformat(every["next_run_time"]) - datetime.now().astimezone()
    assert timedelta(hours=2, minutes=29) < gap <= timedelta(hours=2, minutes=30)
    assert cli("reminders", "remove", "relax-at-0730") == 0
    assert [i["id"] for i in listed(capsys)] == ["pump-every"]
    # The owner lock was let go: a service can take over the store and sees the reminder.
    owner = OwnerLock(env)
    assert owner.acquire()
    owner.release()
    assert cli("reminders", "clear") == 0
    assert "Removed 1 reminder." in capsys.readouterr().out
    assert listed(capsys) == []
    assert cli("sessions", "list") == 0
    assert capsys.readouterr().out == "No sessions logged.\n"


def test_cli_refuses_bad_durations(env: Path) -> None:
    with pytest.raises(DurationError, match="not a unit"):
        cli("reminders", "add", "--kind", "pump", "--every", "5x")
    with pytest.raises(VoiceHelperError, match="I can't remind you every 0 minutes"):
        cli("reminders", "add", "--kind", "pump", "--every", "0m")
    with pytest.raises(VoiceHelperError, match="not a clock time"):
        cli("reminders", "add", "--kind", "pump", "--at", "25:00")


def test_chat_uses_the_running_assistant_over_the_socket(env: Path) -> None:
    clock, channel = FakeClock(START), Channel()
    running = ReminderService(settings(), env, channel, clock)
    channel.service = running
    running.start()
    port = reminders_for_cli(argparse.Namespace(config=None, content=None))
    assert isinstance(port, RemoteReminders)
    assert port.set_reminder("pump", every_minutes=150) == (
        "Okay. I'll remind you to pump every 2 and a half hours. The next one is at 11:30 AM."
    )
    assert running.list_reminders().startswith("Your next pump reminder is at 11:30 AM")
    assert port.snooze(900 * 60).startswith("I can't snooze for")
    assert port.start_session().startswith("Okay, I'm timing your session.")
    running.shutdown()
