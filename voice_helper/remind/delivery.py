"""Turning due run times into announcements: exactly once, quiet hours respected, the rest
recorded as missed and summarised once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from apscheduler.job import Job
from apscheduler.jobstores.base import JobLookupError

from voice_helper.config import Settings
from voice_helper.content.relaxation import RemindContent
from voice_helper.remind.announcement import Announcement
from voice_helper.remind.clock import in_quiet_hours
from voice_helper.remind.health import StoreHealth
from voice_helper.remind.jobs import DueReminder, ReminderScheduler, due_of
from voice_helper.remind.log_file import to_ms
from voice_helper.remind.phrases import Phrases
from voice_helper.remind.reminder_list import QUIET_END_ID, ReminderList
from voice_helper.remind.reminder_log import ReminderLog
from voice_helper.remind.reminder_texts import ReminderTexts
from voice_helper.remind.storage import STORE_ERRORS
from voice_helper.remind.summary import Summaries, summary_key

_LOGGER = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)
"""A run time later than this (after a suspend, say) is not announced but summarised as missed:
"time to pump" an hour late would mislead."""
MAX_CATCH_UP = 100_000
"""Most occurrences recorded for one job after a long time off (a year of 15-minute reminders)."""
NOTICE_ID = "notice"


@dataclass(frozen=True)
class Said:
    """The last reminder handed over (kept in memory too, for when the log cannot be written)."""

    kind: str
    text: str


def run_times(job: Job, now: datetime, limit: int = MAX_CATCH_UP) -> list[datetime]:
    """Every run time of `job` from its next run time up to `now`, in order."""
    times: list[datetime] = []
    upcoming = job.next_run_time
    while upcoming is not None and upcoming <= now and len(times) < limit:
        times.append(upcoming)
        upcoming = job.trigger.get_next_fire_time(upcoming, now)
    return times


class Delivery:
    """Records each occurrence in the log and hands what should be said to `announce`."""

    def __init__(
        self,
        settings: Settings,
        zone: tzinfo,
        content: RemindContent,
        announce: Callable[[Announcement], None],
        phrases: Phrases,
        on_breathing: Callable[[str], None] = lambda exercise_id: None,
        health: StoreHealth | None = None,
    ):
        self.settings = settings
        self.zone = zone
        self.content = content
        self.phrases = phrases
        self.texts = ReminderTexts(settings, content, phrases)
        self._announce = announce
        self.on_breathing = on_breathing
        self.health = health or StoreHealth(lambda: datetime.now(UTC))
        self.log: ReminderLog | None = None
        self.reminder_list: ReminderList | None = None
        self._handed: set[tuple[str, int]] = set()
        """Occurrences handed over by this process: no doubles even when the log cannot be
        written."""
        self._last_said: Said | None = None
        self.summaries = Summaries(settings, zone, phrases)

    def attach(self, log: ReminderLog, reminder_list: ReminderList) -> None:
        """Use this log and reminder list (after start-up opened them)."""
        self.log, self.reminder_list = log, reminder_list

    # Writing trouble ------------------------------------------------------------------------

    def flush_notice(self, now: datetime) -> None:
        """Hand over what to say about the files (unwritable for a while, or fixed), once, and
        not during quiet hours; write what the log kept for later if it can be written now."""
        if self.log is not None:
            self.log.retry()
        if self._quiet(now):
            return
        text = self.health.notice(now)
        if text is not None:
            self.hand_unlogged(Announcement("summary", text, now, NOTICE_ID))

    # Due run times ---------------------------------------------------------------------------

    def catch_up(self, now: datetime) -> None:
        """At start-up: record everything that came due while off as missed, and move each job
        past now. Nothing is announced one by one; the start-up summary reports them."""
        assert self.log is not None and self.reminder_list is not None
        for job in self.reminder_list.scheduler.get_jobs():
            times = run_times(job, now)
            if not times:
                continue
            due = due_of(job)
            if job.id != QUIET_END_ID:
                for moment in times:
                    state = "missed" if due.kind in ("pump", "relax", "breathing") else "expired"
                    self.log.claim(
                        job.id, moment, due.kind, self.texts.text_for(due, moment), state, now
                    )
            self._advance(job, times[-1], now)

    def process_due(self, now: datetime) -> None:
        """Deliver every job due at `now` (the driven-clock twin of APScheduler's loop: a job
        that cannot be moved on stays due and is tried again at the next tick)."""
        assert self.reminder_list is not None
        try:
            jobs = self.reminder_list.scheduler.get_jobs()
        except STORE_ERRORS as exc:
            _LOGGER.error("could not read the job store: %s", exc)
            self.health.failed("jobs", exc)
            jobs = []
        for job in jobs:
            times = run_times(job, now)
            if times:
                self.deliver(job.id, due_of(job), times, now)
                self._advance(job, times[-1], now)
        self.flush_notice(now)

    def _advance(self, job: Job, last: datetime, now: datetime) -> None:
        assert self.reminder_list is not None
        following = job.trigger.get_next_fire_time(last, now)
        scheduler = self.reminder_list.scheduler
        with scheduler.patient() if isinstance(scheduler, ReminderScheduler) else nullcontext():
            if following is None:
                self.reminder_list.remove(job.id)
                return
            try:
                scheduler.modify_job(job.id, next_run_time=following)
            except JobLookupError:
                _LOGGER.debug("%s was removed while it was being delivered", job.id)

    def deliver(self, job_id: str, due: DueReminder, times: list[datetime], now: datetime) -> None:
        """Announce the latest fresh run time; record older or stale ones as missed."""
        assert self.log is not None
        if due.kind == "quiet_end":
            self.offer_summary(now, while_off=False)
            self.flush_notice(now)
            return
        fresh = [t for t in times if now - t <= STALE_AFTER]
        late = [t for t in times if now - t > STALE_AFTER] + fresh[:-1]
        for moment in late:
            state = "missed" if due.kind != "session_cue" else "expired"
            self.log.claim(job_id, moment, due.kind, self.texts.text_for(due, moment), state, now)
        if fresh:
            self._announce_one(job_id, due, fresh[-1], now)
        if late and due.kind != "session_cue":
            self.offer_summary(now, while_off=False)
        self.flush_notice(now)

    def _quiet(self, now: datetime) -> bool:
        return in_quiet_hours(self.settings.quiet_hours, now, self.zone)

    def _announce_one(self, job_id: str, due: DueReminder, at: datetime, now: datetime) -> None:
        assert self.log is not None
        text, quiet = self.texts.text_for(due, at), self._quiet(now)
        mode, volume = self.settings.quiet_hours.mode, None
        if quiet:
            pumping = due.kind in ("pump", "session_cue")
            if due.kind == "session_cue" and mode == "hold":
                self.log.claim(job_id, at, due.kind, text, "expired", now)
                return
            if mode == "pump_quietly" and pumping:
                volume = self.settings.quiet_hours.quiet_volume
            else:
                self.log.claim(job_id, at, due.kind, text, "held", now)
                return
        key = (job_id, to_ms(at))
        # Recorded as handed before it is handed: a channel may call mark_spoken at once.
        claimed = self.log.claim(job_id, at, due.kind, text, "handed", now)
        if claimed is False or key in self._handed:
            _LOGGER.info("%s at %s was already delivered", job_id, at.isoformat())
            return
        self._handed.add(key)
        self._hand(Announcement(due.kind, text, at, job_id, volume), now)
        if due.kind in ("pump", "relax", "breathing"):
            self._last_said = Said(due.kind, text)
        if due.kind == "breathing":
            self.on_breathing(due.detail)

    def _hand(self, announcement: Announcement, now: datetime) -> None:
        """Hand over an occurrence already recorded as handed; a refusal makes it missed."""
        assert self.log is not None
        at, job_id = announcement.due_at, announcement.job_id
        try:
            self._announce(announcement)
        except Exception:
            _LOGGER.exception("the output channel refused an announcement; it counts as missed")
            self.log.set_state(job_id, at, "missed", now, only_from=("handed", "due"))

    def hand_unlogged(self, announcement: Announcement) -> None:
        """Hand over something that is not a reminder occurrence (a breathing cue, a notice)."""
        try:
            self._announce(announcement)
        except Exception:
            _LOGGER.exception("the output channel refused an announcement")

    def spoken(self, job_id: str, due_at: datetime, now: datetime) -> None:
        """The channel played it: spoken; a summary's occurrences become reported."""
        assert self.log is not None
        self.log.set_state(job_id, due_at, "spoken", now, only_from=("handed", "due"))
        self.log.finish_summary(summary_key(job_id, due_at), now)

    # Summaries --------------------------------------------------------------------------------

    def offer_summary(self, now: datetime, while_off: bool) -> str | None:
        """Hand over ONE summary of everything unreported (and notices); see Summaries.offer."""
        assert self.log is not None
        offered = self.summaries.offer(self.log, now, while_off, self._quiet(now))
        if offered is None:
            return None
        self._hand(offered, now)
        return offered.text

    def missed_reply(self, now: datetime) -> str:
        """Answer "what did I miss": new items are reported by this reply itself."""
        assert self.log is not None
        return self.summaries.missed_reply(self.log, now)

    def last_announced(self) -> Said | None:
        """The last reminder handed over, for snooze."""
        assert self.log is not None
        last = self.log.last_announced()
        return Said(last.kind, last.text) if last is not None else self._last_said
