"""Subprocess for the simulation: start, catch up, hand over what is due, then wait to be killed.

Usage: python -m tests.remind.killed_run TMP_PATH START_ISO DUE_ISO
Prints each announcement as a JSON line (summaries are marked spoken, reminders are not), then
READY. The parent kills it with SIGKILL: a reminder handed over but never spoken.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path

from tests.remind.helpers import FakeClock
from tests.remind.test_simulation import simulation_settings
from voice_helper.remind import Announcement, ReminderService


def main() -> None:
    """Run until killed."""
    tmp_path, start, due = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    clock = FakeClock(datetime.fromisoformat(start))
    holder: list[ReminderService] = []

    def announce(announcement: Announcement) -> None:
        print(json.dumps({"kind": announcement.kind, "job_id": announcement.job_id,
                          "due_at": announcement.due_at.isoformat(),
                          "volume": announcement.volume}), flush=True)
        if announcement.kind == "summary":
            holder[0].mark_spoken(announcement.job_id, announcement.due_at)

    reminders = ReminderService(simulation_settings(), tmp_path / "data", announce, clock,
                                socket_path=tmp_path / "run" / "r.sock")
    holder.append(reminders)
    reminders.start()
    clock.now = datetime.fromisoformat(due)
    reminders.tick()
    print("READY", flush=True)
    time.sleep(60)


if __name__ == "__main__":
    main()
