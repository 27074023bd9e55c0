"""Facts from the log, computed the same way for speech, troubleshooting and the report."""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from voice_helper.pumplog.store import Entry

_LOGGER = logging.getLogger(__name__)

PERIODS = ("today", "yesterday", "week", "all")
"""What a question can be about: since local midnight, the day before, the last seven days, or
everything logged."""


@dataclass(frozen=True)
class Gap:
    """Time between the end of one session and the start of the next (or now)."""

    start: datetime
    """When the earlier session ended (UTC)."""
    end: datetime
    """When the next started, or now (UTC)."""

    @property
    def length(self) -> timedelta:
        """How long it was."""
        return self.end - self.start


@dataclass(frozen=True)
class DaySummary:
    """One local day of the log."""

    day: date
    """The local date."""
    sessions: int
    """Sessions started that day."""
    ml: float
    """Millilitres logged that day (sessions without an amount count as nothing)."""
    amounts: tuple[float, ...]
    """Each session's millilitres, in order (None-free: sessions without one are left out)."""
    longest_gap: timedelta
    """Longest gap that ended that day (0 when there was none)."""


def period_window(period: str, now: datetime, zone: tzinfo) -> tuple[datetime | None, datetime]:
    """[start, end) of a period (start None for everything)."""
    midnight = datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone)
    if period == "today":
        return midnight, now
    if period == "yesterday":
        return midnight - timedelta(days=1), midnight
    if period == "week":
        return now - timedelta(days=7), now
    return None, now


def in_window(entries: list[Entry], start: datetime | None, end: datetime) -> list[Entry]:
    """Entries started inside [start, end]."""
    return [e for e in entries if (start is None or e.started >= start) and e.started <= end]


def gaps(entries: list[Entry], now: datetime | None = None) -> list[Gap]:
    """Gaps between consecutive sessions (oldest first), and to now after the last one ended."""
    ordered = sorted(entries, key=lambda e: e.started)
    found: list[Gap] = []
    for before, after in itertools.pairwise(ordered):
        finished = before.ended or before.started
        if after.started > finished:
            found.append(Gap(finished, after.started))
    if now is not None and ordered and ordered[-1].ended is not None and now > ordered[-1].ended:
        found.append(Gap(ordered[-1].ended, now))
    return found


def longest_gap(entries: list[Entry], start: datetime, now: datetime) -> Gap | None:
    """The longest gap inside [start, now], counting the one running into the window."""
    spans = [Gap(max(g.start, start), g.end) for g in gaps(entries, now) if g.end > start]
    return max(spans, key=lambda g: g.length, default=None)


def mean_ml(entries: list[Entry]) -> float | None:
    """Average millilitres of the sessions with an amount."""
    known = [e.ml for e in entries if e.ml is not None]
    return sum(known) / len(known) if known else None


def days(
    entries: list[Entry], last_day: date, count: int, zone: tzinfo, now: datetime
) -> list[DaySummary]:
    """One summary per local day, the `count` days up to `last_day`, oldest first."""
    all_gaps = gaps(entries, now)
    summaries = []
    for offset in range(count - 1, -1, -1):
        day = last_day - timedelta(days=offset)
        todays = [e for e in entries if e.started.astimezone(zone).date() == day]
        known = tuple(e.ml for e in todays if e.ml is not None)
        ending = [g.length for g in all_gaps if g.end.astimezone(zone).date() == day]
        summaries.append(
            DaySummary(day, len(todays), sum(known), known, max(ending, default=timedelta(0)))
        )
    return summaries


def overnight(gap: Gap, zone: tzinfo) -> bool:
    """Whether most of a gap fell in the night (10 PM to 6 AM, local)."""
    middle = (gap.start + gap.length / 2).astimezone(zone)
    return middle.hour >= 22 or middle.hour < 6
