"""A once-a-day clock-time trigger that stays single across DST changes."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from apscheduler.triggers.base import BaseTrigger

from voice_helper.remind.clock import local_on

_LOGGER = logging.getLogger(__name__)


class ClockTimeTrigger(BaseTrigger):
    """Fires once per local calendar day at a wall-clock time.

    APScheduler's CronTrigger fires twice when the clock goes back (01:30 happens twice in
    October); a reminder for 01:30 must come once. A time skipped in spring comes an hour later.
    """

    def __init__(self, at: time, zone: tzinfo):
        self.at = at
        """Wall-clock time, without a zone."""
        self.zone = zone
        """Zone whose wall clock counts."""

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        """First occurrence after the previous one, or at/after now for a new job."""
        after = previous_fire_time if previous_fire_time is not None else now
        local = after.astimezone(self.zone)
        for days in range(3):
            candidate = local_on(local + timedelta(days=days), self.at, self.zone)
            # Compare in UTC: within one zone Python compares wall times and ignores DST.
            ahead = candidate.astimezone(UTC) > after.astimezone(UTC)
            same = candidate.astimezone(UTC) == after.astimezone(UTC)
            if ahead or (previous_fire_time is None and same):
                if previous_fire_time is not None and candidate.date() == local.date():
                    # Same local day as the previous firing (the repeated hour): skip it.
                    continue
                return candidate
        return None

    def __getstate__(self) -> dict[str, Any]:
        return {"version": 1, "at": self.at, "zone": self.zone}

    def __setstate__(self, state: dict[str, Any]) -> None:
        if state.get("version", 1) > 1:
            raise ValueError("clock-time trigger saved by a newer voice-helper")
        self.at = state["at"]
        self.zone = state["zone"]

    def __str__(self) -> str:
        return f"daily at {self.at.strftime('%H:%M')}"

    def __repr__(self) -> str:
        return f"<ClockTimeTrigger at={self.at.strftime('%H:%M')} zone={self.zone}>"
