"""The list of reminders (jobs in the scheduler's store): add, list, remove, with limits that
refuse silly requests."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from typing import Any

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.config import QuietHours
from voice_helper.errors import DurationError
from voice_helper.remind.clock import parse_clock
from voice_helper.remind.durations import every_words, short_duration, speak_duration
from voice_helper.remind.jobs import JOB_FUNC, DueReminder
from voice_helper.remind.phrases import Phrases
from voice_helper.remind.triggers import ClockTimeTrigger

_LOGGER = logging.getLogger(__name__)

USER_KINDS = ("pump", "relax", "breathing")
"""Kinds of reminder a user can set."""
SNOOZE_ID = "snooze"
QUIET_END_ID = "quiet-hours-end"
SESSION_CUE_PREFIX = "session-cue-"

EVERY_LIMITS = {
    "pump": (timedelta(minutes=15), timedelta(hours=24)),
    "relax": (timedelta(minutes=5), timedelta(hours=24)),
    "breathing": (timedelta(minutes=5), timedelta(hours=24)),
}
"""Shortest and longest repeat interval per kind."""
IN_LIMITS = (timedelta(seconds=1), timedelta(hours=24))
"""Shortest and longest delay of a one-off reminder."""
KIND_WORDS = {"pump": "pump", "relax": "relaxation", "breathing": "breathing"}


@dataclass(frozen=True)
class Schedule:
    """When a reminder comes due: set exactly one of every, once_at and daily_at."""

    every: timedelta | None = None
    """Repeat interval (elapsed time, so DST does not stretch or shrink it)."""
    once_at: datetime | None = None
    """A single moment."""
    daily_at: time | None = None
    """A wall-clock time every day."""
    first: datetime | None = None
    """First run of an `every` reminder; default one interval from now."""


@dataclass(frozen=True)
class ReminderInfo:
    """One reminder as shown to the user."""

    id: str
    """Job id, for `reminders remove`."""
    kind: str
    """pump, relax or breathing (a snooze keeps the snoozed reminder's kind)."""
    schedule: str
    """`every 3h`, `once`, `daily at 15:40`, `snooze`."""
    next_run: datetime | None
    """When it next comes due; None when paused."""

    def to_json(self) -> dict[str, Any]:
        """Fields printed by `reminders list --json` (times in ISO 8601)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "schedule": self.schedule,
            "next_run_time": self.next_run.isoformat() if self.next_run else None,
        }


def check_every(kind: str, every: timedelta, phrases: Phrases) -> None:
    """Refuse an interval outside the kind's limits, with a reason that can be spoken."""
    low, high = EVERY_LIMITS[kind]
    if not low <= every <= high:
        nearest = high if every > high else low
        said = "0 minutes" if every <= timedelta(0) else every_words(every, nearest)
        raise DurationError(
            phrases.say(
                "every_limits", asked=said, low=speak_duration(low), high=speak_duration(high)
            )
        )


def check_in(delay: timedelta, phrases: Phrases) -> None:
    """Refuse a delay outside IN_LIMITS, with a reason that can be spoken."""
    low, high = IN_LIMITS
    if not low <= delay <= high:
        said = "0 minutes" if delay <= timedelta(0) else speak_duration(delay)
        raise DurationError(phrases.say("in_limits", asked=said, high=speak_duration(high)))


def describe(trigger: BaseTrigger, job_id: str) -> str:
    """Short schedule text of a trigger."""
    if job_id == SNOOZE_ID:
        return "snooze"
    if isinstance(trigger, IntervalTrigger):
        return f"every {short_duration(trigger.interval)}"
    if isinstance(trigger, ClockTimeTrigger):
        return f"daily at {trigger.at.strftime('%H:%M')}"
    return "once"


class ReminderList:
    """Reminder jobs in a started (possibly paused) scheduler; every time comes from `now`."""

    def __init__(self, scheduler: BaseScheduler, zone: tzinfo, phrases: Phrases | None = None):
        self.scheduler = scheduler
        self.zone = zone
        self.phrases = phrases or Phrases(DEFAULT_CONTENT_DIR)
        """The words of a refusal (remind_every_limits, remind_in_limits, ...)."""

    def add(self, kind: str, schedule: Schedule, now: datetime) -> ReminderInfo:
        """Add or replace a reminder; raise DurationError when it is out of range."""
        if kind not in USER_KINDS:
            raise DurationError(self.phrases.say("not_a_kind", kind=repr(kind)))
        trigger: BaseTrigger
        if schedule.every is not None:
            check_every(kind, schedule.every, self.phrases)
            first = (schedule.first or now + schedule.every).replace(microsecond=0)
            trigger = IntervalTrigger(
                seconds=schedule.every.total_seconds(), start_date=first, timezone=self.zone
            )
            job_id = f"{kind}-every"
        elif schedule.once_at is not None:
            check_in(schedule.once_at - now, self.phrases)
            trigger = DateTrigger(run_date=schedule.once_at, timezone=self.zone)
            job_id = self._free_id(
                f"{kind}-once-{schedule.once_at.astimezone(self.zone):%Y%m%dT%H%M%S}"
            )
        elif schedule.daily_at is not None:
            trigger = ClockTimeTrigger(schedule.daily_at, self.zone)
            job_id = f"{kind}-at-{schedule.daily_at.strftime('%H%M')}"
        else:
            raise DurationError(self.phrases.say("say_when"))
        return self.put(job_id, DueReminder(kind), trigger, now)

    def put(
        self, job_id: str, due: DueReminder, trigger: BaseTrigger, now: datetime
    ) -> ReminderInfo:
        """Add or replace one job; its first run time is computed from `now`, not the wall clock."""
        job = self.scheduler.add_job(
            JOB_FUNC,
            trigger,
            args=(due.kind, due.detail),
            id=job_id,
            name=due.kind,
            next_run_time=trigger.get_next_fire_time(None, now),
            replace_existing=True,
        )
        return self._info(job)

    def remove(self, job_id: str) -> bool:
        """Remove one job; False when there is none by that id."""
        if self.scheduler.get_job(job_id) is None:
            return False
        self.scheduler.remove_job(job_id)
        return True

    def clear(self) -> int:
        """Remove every user reminder (and a pending snooze); return how many."""
        removed = 0
        for info in self.reminders():
            if not info.id.startswith(SESSION_CUE_PREFIX) and self.remove(info.id):
                removed += 1
        return removed

    def reminders(self) -> list[ReminderInfo]:
        """User-visible jobs (not the quiet-hours job), soonest first."""
        jobs = [job for job in self.scheduler.get_jobs() if job.id != QUIET_END_ID]
        infos = [self._info(job) for job in jobs]
        return sorted(
            infos, key=lambda info: info.next_run.timestamp() if info.next_run else float("inf")
        )

    def get(self, job_id: str) -> Job | None:
        """The job with this id, or None."""
        return self.scheduler.get_job(job_id)

    def reanchor(self, job_id: str, anchor: datetime, now: datetime) -> datetime | None:
        """Restart an interval reminder one interval after `anchor` (skipping intervals already
        past); return its next run, or None when there is no such interval reminder."""
        job = self.scheduler.get_job(job_id)
        if job is None or not isinstance(job.trigger, IntervalTrigger):
            return None
        every = job.trigger.interval
        first = anchor + every
        while first <= now:
            first += every
        trigger = IntervalTrigger(
            seconds=every.total_seconds(), start_date=first, timezone=self.zone
        )
        self.scheduler.modify_job(job_id, trigger=trigger, next_run_time=first)
        return first

    def _free_id(self, job_id: str) -> str:
        candidate, number = job_id, 1
        while self.scheduler.get_job(candidate) is not None:
            number += 1
            candidate = f"{job_id}-{number}"
        return candidate

    def _info(self, job: Job) -> ReminderInfo:
        kind = job.args[0] if job.args else "pump"
        next_run = getattr(job, "next_run_time", None)
        return ReminderInfo(job.id, kind, describe(job.trigger, job.id), next_run)


def install_quiet_end(
    reminders: ReminderList, quiet: QuietHours, zone: tzinfo, now: datetime
) -> None:
    """Keep the job that ends quiet hours (and says what was held) in step with the settings."""
    if not quiet.enabled:
        reminders.remove(QUIET_END_ID)
        return
    reminders.put(
        QUIET_END_ID, DueReminder("quiet_end"), ClockTimeTrigger(parse_clock(quiet.end), zone), now
    )
