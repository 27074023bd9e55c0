"""Durations: parse `2h30m`-style text, and say a duration the way people do."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from voice_helper.errors import DurationError

_LOGGER = logging.getLogger(__name__)

MAX_DURATION = timedelta(days=366)
"""Longest duration the parser accepts; callers apply their own, tighter limits."""

_UNITS: dict[str, str] = {
    "d": "d",
    "day": "d",
    "days": "d",
    "h": "h",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "m": "m",
    "min": "m",
    "mins": "m",
    "minute": "m",
    "minutes": "m",
    "s": "s",
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
}
_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_ORDER = "dhms"
_PART = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([a-z]+)", re.ASCII)
_EXAMPLES = "like 45s, 90m, 3h or 2h30m"


def parse_duration(text: str) -> timedelta:
    """Parse `45s`, `90m`, `3h`, `2h30m` (also `1.5h`, `2 hours`); DurationError if malformed."""
    cleaned = text.strip().lower()
    if not cleaned:
        raise DurationError(f"No duration given; use one {_EXAMPLES}.")
    position, seconds, last_unit = 0, 0.0, -1
    while position < len(cleaned):
        match = _PART.match(cleaned, position)
        if match is None:
            if cleaned[position:].strip().isdigit():
                raise DurationError(f"{text.strip()!r} has no unit; write it {_EXAMPLES}.")
            raise DurationError(f"{text.strip()!r} is not a duration; write it {_EXAMPLES}.")
        number, word = match.groups()
        unit = _UNITS.get(word)
        if unit is None:
            raise DurationError(f"{word!r} in {text.strip()!r} is not a unit; use d, h, m or s.")
        if _ORDER.index(unit) <= last_unit:
            raise DurationError(
                f"{text.strip()!r} repeats or reorders units; write it {_EXAMPLES}."
            )
        last_unit = _ORDER.index(unit)
        if len(number) > 12:
            raise DurationError(f"{text.strip()!r} is far too long.")
        seconds += float(number) * _SECONDS[unit]
        position = match.end()
        while position < len(cleaned) and cleaned[position] in " ,":
            position += 1
        if cleaned.startswith("and", position):
            position += 3
    if seconds > MAX_DURATION.total_seconds():
        raise DurationError(f"{text.strip()!r} is longer than a year.")
    return timedelta(seconds=round(seconds))


def parse_minutes(text: str) -> float:
    """Parse a duration (see parse_duration) and return it in minutes."""
    return parse_duration(text).total_seconds() / 60


def short_duration(value: timedelta) -> str:
    """Compact form that parse_duration reads back: `2h30m`, `45s`, `1d2h`."""
    total = round(value.total_seconds())
    if total <= 0:
        return "0s"
    parts = []
    for unit in _ORDER:
        amount, total = divmod(total, _SECONDS[unit])
        if amount:
            parts.append(f"{amount}{unit}")
    return "".join(parts)


def _count(amount: int, singular: str, article: str = "a") -> str:
    if amount == 1:
        return f"{article} {singular}"
    return f"{amount} {singular}s"


def speak_duration(value: timedelta) -> str:
    """Say a duration as people do: `45 minutes`, `an hour and a half`, `2 hours and 10 minutes`."""
    total = round(abs(value.total_seconds()))
    if total < 60:
        if total <= 1:
            return "a moment" if total == 0 else "1 second"
        return f"{total} seconds"
    minutes = (total + 30) // 60
    if minutes < 60:
        return "1 minute" if minutes == 1 else f"{minutes} minutes"
    days, minutes = divmod(minutes, 24 * 60)
    if days:
        hours = (minutes + 30) // 60
        if hours == 24:
            days, hours = days + 1, 0
        text = _count(days, "day")
        return f"{text} and {_count(hours, 'hour', 'an')}" if hours else text
    hours, minutes = divmod(minutes, 60)
    if minutes == 0:
        return _count(hours, "hour", "an")
    if minutes == 30:
        return "an hour and a half" if hours == 1 else f"{hours} and a half hours"
    rest = "1 minute" if minutes == 1 else f"{minutes} minutes"
    return f"{_count(hours, 'hour', 'an')} and {rest}"


def every_words(value: timedelta, limit: timedelta | None = None) -> str:
    """What follows "every": `day`, `hour and a half`, `3 hours`; when rounding would make it
    sound like `limit`, the rest is said too (`day and 1 second`, not a second `day`)."""
    said = speak_duration(value)
    if limit is not None and value != limit and said == speak_duration(limit):
        rest = abs(value - limit)
        said = (
            f"{said} and {speak_duration(rest)}"
            if value > limit
            else (f"{speak_duration(rest)} less than {said}")
        )
    for article in ("a ", "an "):
        if said.startswith(article):
            return said[len(article) :]
    return said
