"""Time zones, clock times said aloud, and the quiet-hours window."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from voice_helper.config import QuietHours, Settings
from voice_helper.errors import DurationError
from voice_helper.remind.durations import speak_duration

_LOGGER = logging.getLogger(__name__)

_CLOCK_TEXT = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*$")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def zone_for(settings: Settings) -> tzinfo:
    """The reminders' time zone: settings.timezone, else the system's (DST-aware either way)."""
    if settings.timezone:
        return ZoneInfo(settings.timezone)
    try:
        from tzlocal import get_localzone  # installed with APScheduler

        return get_localzone()
    except (ImportError, ZoneInfoNotFoundError, ValueError):
        _LOGGER.warning("cannot tell the system time zone; using UTC")
        return ZoneInfo("UTC")


def parse_clock(text: str) -> time:
    """Parse `HH:MM` (24-hour); raise DurationError when it is not a clock time."""
    match = _CLOCK_TEXT.match(text)
    if match is None:
        raise DurationError(f"{text.strip()!r} is not a clock time; write it like 07:30 or 15:40.")
    return time(int(match.group(1)), int(match.group(2)))


def local_on(day: datetime, at: time, zone: tzinfo) -> datetime:
    """The real instant of wall-clock `at` on `day`'s date; a time skipped by DST moves forward."""
    naive = datetime.combine(day.date(), at)
    aware = naive.replace(tzinfo=zone, fold=0)
    # Normalising through UTC turns a non-existent 01:30 (spring forward) into 02:30.
    return datetime.fromtimestamp(aware.timestamp(), zone)


def say_time_of_day(at: time) -> str:
    """`at 2:30 AM`: a wall-clock time as asked for, whatever day it falls on."""
    return f"at {at.hour % 12 or 12}:{at.minute:02d} {'AM' if at.hour < 12 else 'PM'}"


def say_clock(moment: datetime, now: datetime, zone: tzinfo) -> str:
    """Say when, relative to now: `at 3:40 PM`, `tomorrow at 7:30 AM`, `on Friday at 9:05 AM`."""
    local = moment.astimezone(zone)
    hour = local.hour % 12 or 12
    text = f"at {hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"
    days = (local.date() - now.astimezone(zone).date()).days
    if days == 0:
        return text
    if days == 1:
        return f"tomorrow {text}"
    if days == -1:
        return f"yesterday {text}"
    if 1 < days < 7:
        return f"on {_WEEKDAYS[local.weekday()]} {text}"
    return f"on {local.strftime('%B')} {local.day} {text}"


def say_from_now(moment: datetime, now: datetime) -> str:
    """`in 2 hours` or `2 hours ago`."""
    gap = moment.astimezone(UTC) - now.astimezone(UTC)
    if abs(gap) < timedelta(seconds=30):
        return "now"
    if gap > timedelta(0):
        return f"in {speak_duration(gap)}"
    return f"{speak_duration(gap)} ago"


def in_quiet_hours(quiet: QuietHours, moment: datetime, zone: tzinfo) -> bool:
    """Whether the local wall time of `moment` is inside the quiet window (may span midnight)."""
    if not quiet.enabled:
        return False
    start, end = parse_clock(quiet.start), parse_clock(quiet.end)
    wall = moment.astimezone(zone).time().replace(tzinfo=None)
    if start == end:
        return False
    if start < end:
        return start <= wall < end
    return wall >= start or wall < end
