"""What the pumping log says in troubleshooting: how often she pumped and the longest gap
(pumping_frequency), and whether output fell (low_supply)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo

from voice_helper.pumplog.amounts import count_times, say_amount
from voice_helper.pumplog.stats import in_window, longest_gap, mean_ml, overnight
from voice_helper.pumplog.store import Entry, PumpLogStore
from voice_helper.remind.contract import LogFacts
from voice_helper.remind.durations import speak_duration

_LOGGER = logging.getLogger(__name__)

Say = Callable[..., str]
"""A log prompt by key, its placeholders filled in (PumpLog.say)."""

FREQUENCY_GAP = timedelta(hours=4)
"""The content's threshold: "Has it been more than four hours between pumping sessions?"."""
DROP_WORTH_SAYING = 0.15
"""A fall in the average session of at least this fraction is said in troubleshooting."""


def clock_words(moment: datetime, zone: tzinfo) -> str:
    """`7:20 PM`."""
    local = moment.astimezone(zone)
    return f"{local.hour % 12 or 12}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"


def cause_facts(
    store: PumpLogStore, say: Say, unit: str, zone: tzinfo, cause_id: str, now: datetime
) -> LogFacts | None:
    """What the log shows about a cause: how often (and what came) for pumping_frequency,
    whether output dropped for low_supply; None when the log has nothing to say."""
    week = store.entries(now - timedelta(days=8), now)
    if not week:
        return None
    drop = _drop(say, unit, week, now)
    if cause_id == "low_supply":
        return LogFacts(drop) if drop else None
    if cause_id != "pumping_frequency":
        return None
    day_start = now - timedelta(hours=24)
    recent = in_window(week, day_start, now)
    if not recent:
        last = max(week, key=lambda e: e.started)
        text = say("log_frequency_none", ago=speak_duration(now - last.started))
        return LogFacts(f"{text} {say('log_frequency_long')}", True)
    gap = longest_gap(week, day_start, now)
    if gap is None:
        return None
    where = (
        "overnight"
        if overnight(gap, zone)
        else (f"between {clock_words(gap.start, zone)} and {clock_words(gap.end, zone)}")
    )
    text = say(
        "log_frequency",
        times=count_times(len(recent)),
        gap=speak_duration(_to_minute(gap.length)),
        where=where,
    )
    long = gap.length > FREQUENCY_GAP
    verdict = say("log_frequency_long" if long else "log_frequency_fine")
    return LogFacts(" ".join(part for part in (text, drop, verdict) if part), long)


def _drop(say: Say, unit: str, week: list[Entry], now: datetime) -> str:
    """`Your sessions in the last 24 hours gave ... less than your usual ...`, or ""."""
    day_start = now - timedelta(hours=24)
    recent = mean_ml(in_window(week, day_start, now))
    before = [e for e in in_window(week, now - timedelta(days=8), day_start) if e.ml is not None]
    usual = mean_ml(before)
    if recent is None or usual is None or len(before) < 2 or usual <= 0:
        return ""
    fall = 1 - recent / usual
    if fall < DROP_WORTH_SAYING:
        return ""
    return say(
        "log_output_drop",
        recent=say_amount(recent, unit, True),
        usual=say_amount(usual, unit, True),
        percent=str(round(fall * 100)),
    )


def _to_minute(length: timedelta) -> timedelta:
    """Gaps are said to the minute (to five minutes beyond two hours)."""
    minutes = length.total_seconds() / 60
    step = 5 if minutes >= 120 else 1
    return timedelta(minutes=round(minutes / step) * step)
