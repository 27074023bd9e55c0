"""What she says to the log and what it says back: amounts, corrections, questions, and the
facts the troubleshooting uses."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from voice_helper.pumplog.amounts import (
    Amount,
    Refusal,
    amount_from_slots,
    count_times,
    say_amount,
)
from voice_helper.pumplog.log_facts import cause_facts
from voice_helper.pumplog.stats import (
    mean_ml,
    period_window,
)
from voice_helper.pumplog.store import Entry, PumpLogStore
from voice_helper.remind.clock import say_clock
from voice_helper.remind.contract import LogFacts
from voice_helper.remind.phrases import load_prompt_group

_LOGGER = logging.getLogger(__name__)

ASK_WINDOW = timedelta(hours=3)
"""A session that ended this recently without an amount is the one a bare amount belongs to."""
JUST_ENDED = timedelta(minutes=2)
"""A session that ended this recently is the one "How much did you get?" asks about."""
PAST_LIMIT = timedelta(days=7)
"""How far back a session can be logged afterwards."""
_PERIOD_WORDS = {
    "today": "today",
    "yesterday": "yesterday",
    "week": "in the last seven days",
    "all": "so far",
}


def load_log_prompts(content_dir: Path) -> dict[str, str]:
    """The log_ prompts of content/prompts.yaml (validated with the rest by `content check`)."""
    return load_prompt_group(content_dir, "log_")


class PumpLog:
    """The spoken side of the log; the caller holds the service lock and passes `now`."""

    def __init__(self, store: PumpLogStore, prompts: dict[str, str], unit: str, zone: tzinfo):
        self.store = store
        self.prompts = prompts
        self.unit = unit
        self.zone = zone
        self.asking: int | None = None
        """The session "How much did you get?" was asked about."""

    def say(self, key: str, **values: str) -> str:
        """A log prompt with its placeholders filled in."""
        return " ".join(self.prompts[key].format(**values).split())

    def _refused(self, refusal: Refusal) -> str:
        return self.say(refusal.key, **refusal.values)

    # Amounts --------------------------------------------------------------------------------

    def amount_wanted(self, last_ended: Entry | None, now: datetime) -> bool:
        """Whether to ask how much the session that just ended gave (and remember asking)."""
        if self.asking is not None and self._without_amount(self.asking):
            return True
        if (
            last_ended is not None
            and last_ended.ended is not None
            and now - last_ended.ended <= JUST_ENDED
            and last_ended.amount is None
        ):
            self.asking = last_ended.session_id
            return True
        return False

    def _without_amount(self, session_id: int) -> bool:
        entry = self.store.entry(session_id)
        return entry is not None and entry.amount is None

    def target(self, last_ended: Entry | None, now: datetime) -> int | None:
        """The session a bare amount belongs to: the one asked about, or one that just ended."""
        if self.asking is not None and self._without_amount(self.asking):
            return self.asking
        if (
            last_ended is not None
            and last_ended.ended is not None
            and last_ended.amount is None
            and now - last_ended.ended <= ASK_WINDOW
        ):
            return last_ended.session_id
        return None

    def log_amount(self, session_id: int | None, slots: dict[str, Any], now: datetime) -> str:
        """Log an amount on a session (a new one just now when session_id is None)."""
        amount = amount_from_slots(slots, self.unit)
        if isinstance(amount, Refusal):
            return self._refused(amount)
        if session_id is None:
            self.store.add_session(
                now, now, amount, now, notes="amount said without a timed session"
            )
            self.asking = None
            return self.say("log_logged_new", amount=say_amount(amount.ml, amount.unit))
        self.store.set_amount(session_id, amount, now)
        self.asking = None
        return self.confirm(amount)

    def confirm(self, amount: Amount) -> str:
        """`Okay, I've logged 60 millilitres.`"""
        if amount.ml == 0:
            return self.say("log_logged_nothing")
        if amount.left_ml is not None and amount.right_ml is not None:
            return self.say(
                "log_logged_sides",
                left=say_amount(amount.left_ml, amount.unit),
                right=say_amount(amount.right_ml, amount.unit),
                amount=say_amount(amount.ml, amount.unit),
            )
        return self.say("log_logged", amount=say_amount(amount.ml, amount.unit))

    def correct(self, slots: dict[str, Any], now: datetime) -> str:
        """Change the amount said last ("that's wrong, it was fifty"); a bare number is in the
        configured unit, as everywhere else."""
        last = self.store.last_logged()
        if last is None or last.amount is None:
            return self.say("log_nothing_to_correct")
        amount = amount_from_slots(slots, self.unit)
        if isinstance(amount, Refusal):
            return self._refused(amount)
        self.store.set_amount(last.session_id, amount, now, last.notes)
        return self.say(
            "log_corrected",
            old=say_amount(last.amount.ml, last.amount.unit),
            new=say_amount(amount.ml, amount.unit),
        )

    def log_past(self, slots: dict[str, Any], now: datetime) -> str:
        """Log a session said afterwards ("at six this morning, eighty millilitres")."""
        started = self._when(slots, now)
        if started is None:
            return self.say("log_past_bad_time")
        amount: Amount | None = None
        if any(slots.get(name) is not None for name in ("amount", "left", "right")):
            said = amount_from_slots(slots, self.unit)
            if isinstance(said, Refusal):
                return self._refused(said)
            amount = said
        length = slots.get("length")
        ended = started + timedelta(minutes=float(length)) if length else started
        notes = "logged afterwards" + ("" if length else ", length not given")
        session_id = self.store.add_session(started, min(ended, now), amount, now, notes)
        when = say_clock(started, now, self.zone)
        if amount is None:
            self.asking = session_id
            return self.say("log_past_logged_bare", when=when)
        return self.say("log_past_logged", when=when, amount=say_amount(amount.ml, amount.unit))

    def _when(self, slots: dict[str, Any], now: datetime) -> datetime | None:
        """The start said: `ago` minutes, or a clock time (the latest such time not after now)."""
        if slots.get("ago") is not None:
            started = now - timedelta(minutes=float(slots["ago"]))
            return started if timedelta(0) <= now - started <= PAST_LIMIT else None
        hour, minute = slots.get("hour"), slots.get("minute") or 0
        if not isinstance(hour, int) or not isinstance(minute, int):
            return None
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            return None
        part = slots.get("day_part")
        if part == "am":
            hours = [hour % 12] if hour <= 12 else []
        elif part == "pm":
            hours = [hour % 12 + 12] if hour <= 12 else []
        elif part == "night":
            hours = [hour % 12 + 12 if 6 <= hour % 12 else hour % 12] if hour <= 12 else []
        else:
            hours = [hour % 12, hour % 12 + 12] if hour <= 12 else [hour]
        local = now.astimezone(self.zone)
        candidates = [
            (local - timedelta(days=back)).replace(hour=h, minute=minute, second=0, microsecond=0)
            for h in hours
            for back in (0, 1)
        ]
        past = [c for c in candidates if c <= local]
        return max(past) if past else None

    # Questions ------------------------------------------------------------------------------

    def ask(self, question: str, period: str | None, now: datetime) -> str:
        """Answer how much, how many times, the average, or the biggest session."""
        period = period or {"total": "today", "count": "today", "average": "week"}.get(
            question, "all"
        )
        start, end = period_window(period, now, self.zone)
        entries = self.store.entries(start, end)
        words = _PERIOD_WORDS[period]
        if not entries:
            return self.say("log_none", period=words)
        known = [e for e in entries if e.ml is not None]
        if question == "count":
            return self.say("log_count", times=count_times(len(entries)), period=words)
        if not known:
            return self.say("log_no_amounts", period=words)
        if question == "total":
            text = self.say(
                "log_total",
                period=words,
                amount=say_amount(sum(e.ml or 0 for e in known), self.unit),
                sessions=count_times(len(known), "session", "sessions"),
            )
            if len(known) < len(entries):
                text += " " + self.say(
                    "log_missing_amounts",
                    sessions=count_times(len(entries) - len(known), "session", "sessions"),
                )
            return text
        if question == "average":
            average = mean_ml(known) or 0.0
            return self.say(
                "log_average",
                period=words,
                amount=say_amount(average, self.unit, True),
                sessions=count_times(len(known), "session", "sessions"),
            )
        biggest = max(known, key=lambda e: (e.ml or 0, e.started))
        return self.say(
            "log_biggest",
            period="" if period == "all" else words,
            when=say_clock(biggest.started, now, self.zone),
            amount=say_amount(biggest.ml or 0, self.unit),
        )

    def facts(self, cause_id: str, now: datetime) -> LogFacts | None:
        """What the log shows about a troubleshooting cause (see log_facts.py), or None."""
        return cause_facts(self.store, self.say, self.unit, self.zone, cause_id, now)
