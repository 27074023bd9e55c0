"""Subprocess for the crash tests: run a service, get it into a state, then wait to be killed.

python -m tests.remind.killed_run handed TMP_PATH START_ISO DUE_ISO
    Driven clock: start, catch up, hand over what is due at DUE_ISO, never mark it spoken.
python -m tests.remind.killed_run stalled TMP_PATH
    Real scheduler: a reminder one second out fires, APScheduler moves its store past it, but the
    hand-over worker never runs (as if killed a moment too early).

Each announcement is printed as a JSON line (summaries are marked spoken, reminders are not),
then READY. The parent kills the process with SIGKILL.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path

from tests.remind.helpers import FakeClock, settings
from tests.remind.test_simulation import simulation_settings
from voice_helper.assistant.reminder_service import ReminderService
from voice_helper.remind.announcement import Announcement


def _printer(holder: list[ReminderService]) -> object:
    def announce(announcement: Announcement) -> None:
        record = {
            "kind": announcement.kind,
            "job_id": announcement.job_id,
            "due_at": announcement.due_at.isoformat(),
            "volume": announcement.volume,
        }
        print(json.dumps(record), flush=True)
        if announcement.kind == "summary":
            holder[0].mark_spoken(announcement.job_id, announcement.due_at)

    return announce


def handed(tmp_path: Path, start: str, due: str) -> None:
    """Hand over the reminder due at `due`, then wait."""
    clock = FakeClock(datetime.fromisoformat(start))
    holder: list[ReminderService] = []
    reminders = ReminderService(
        simulation_settings(),
        tmp_path / "data",
        _printer(holder),
        clock,
        socket_path=tmp_path / "run" / "r.sock",
    )
    holder.append(reminders)
    reminders.start()
    clock.now = datetime.fromisoformat(due)
    reminders.tick()


def stalled(tmp_path: Path) -> None:
    """Let APScheduler fire a reminder whose hand-over never happens, then wait."""
    holder: list[ReminderService] = []
    reminders = ReminderService(
        settings(),
        tmp_path / "data",
        _printer(holder),
        None,
        socket_path=tmp_path / "run" / "r.sock",
    )
    holder.append(reminders)
    reminders.hooks.fired = lambda *args: time.sleep(3600)  # type: ignore[method-assign]
    reminders.start()
    reply = reminders.reminders_request({"op": "add", "kind": "pump", "in_seconds": 1})
    deadline = time.monotonic() + 10
    while reminders.reminder_list is not None and reminders.reminder_list.get(
        reply["reminder"]["id"]
    ):
        assert time.monotonic() < deadline, "the reminder never fired"
        time.sleep(0.05)


if __name__ == "__main__":
    mode, folder = sys.argv[1], Path(sys.argv[2])
    if mode == "handed":
        handed(folder, sys.argv[3], sys.argv[4])
    else:
        stalled(folder)
    print("READY", flush=True)
    time.sleep(60)
