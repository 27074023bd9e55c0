"""The reminders' spoken replies: what the dialogue's set, list, cancel, snooze, session and
breathing requests come back with, over a running ReminderRuntime."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from apscheduler.triggers.date import DateTrigger

from voice_helper.errors import DurationError, VoiceHelperError
from voice_helper.remind.clock import parse_clock, say_clock, say_from_now, say_time_of_day
from voice_helper.remind.durations import every_words, speak_duration
from voice_helper.remind.jobs import DueReminder
from voice_helper.remind.reminder_list import SESSION_CUE_PREFIX, SNOOZE_ID, USER_KINDS, Schedule
from voice_helper.remind.runtime import ReminderRuntime
from voice_helper.remind.storage import STORE_ERRORS, is_full_error

_LOGGER = logging.getLogger(__name__)

DEFAULT_RELAX_EVERY = timedelta(hours=2)
SNOOZE_LIMITS = (timedelta(minutes=1), timedelta(hours=4))
_TO_DO = {"pump": "to pump", "relax": "to relax", "breathing": "to do a breathing exercise"}
_KIND_ALIASES = {"relaxation": "relax", "breathe": "breathing", "pumping": "pump"}
_LISTED = (
    ("pump", "pump reminder"),
    ("relax", "relaxation prompt"),
    ("breathing", "breathing reminder"),
)


def _spoken_failures(method: Callable[..., str]) -> Callable[..., str]:
    """Turn a storage failure inside a reply into words that can be spoken (never raised at
    the dialogue)."""

    @functools.wraps(method)
    def guarded(self: ReminderReplies, *args: Any, **kwargs: Any) -> str:
        try:
            return method(self, *args, **kwargs)
        except STORE_ERRORS as exc:
            _LOGGER.exception("%s failed", method.__name__)
            return self.say("disk_full" if is_full_error(exc) else "store_failed")
        except VoiceHelperError as exc:
            _LOGGER.error("%s: %s", method.__name__, exc)
            return self.say("not_running")

    return guarded


class ReminderReplies:
    """The reminder half of the dialogue's port, each call under the runtime's lock."""

    def __init__(self, runtime: ReminderRuntime):
        self.runtime = runtime
        self.say = runtime.phrases.say

    @_spoken_failures
    def set_reminder(
        self,
        kind: str,
        every_minutes: float | None = None,
        in_minutes: float | None = None,
        at: str | None = None,
    ) -> str:
        """Add a pump, relax or breathing reminder; the reply says when it comes."""
        kind = _KIND_ALIASES.get(kind, kind)
        if kind not in USER_KINDS:
            return self.say("kinds")
        runtime = self.runtime
        with runtime.lock:
            now, reminders, zone = runtime.now(), runtime.reminder_list_or_raise(), runtime.zone
            try:
                if at is not None:
                    asked = parse_clock(at)
                    info = reminders.add(kind, Schedule(daily_at=asked), now)
                    assert info.next_run is not None
                    reply = self.say(
                        "set_daily", to_do=_TO_DO[kind], time_of_day=say_time_of_day(asked)
                    )
                    local = info.next_run.astimezone(zone)
                    if (local.hour, local.minute) != (asked.hour, asked.minute):
                        # The clocks go forward over it: that day's comes an hour later.
                        when = say_clock(info.next_run, now, zone)
                        reply += f" {self.say('set_daily_shifted', when=when)}"
                    return reply
                if in_minutes is not None:
                    once = Schedule(once_at=now + timedelta(minutes=in_minutes))
                    info = reminders.add(kind, once, now)
                    assert info.next_run is not None
                    when = say_clock(info.next_run, now, zone)
                    wait = speak_duration(info.next_run - now)
                    return self.say("set_in", to_do=_TO_DO[kind], wait=wait, when=when)
                every = (
                    timedelta(minutes=every_minutes)
                    if every_minutes is not None
                    else timedelta(minutes=runtime.settings.pump_every_minutes)
                    if kind == "pump"
                    else DEFAULT_RELAX_EVERY
                )
                first = runtime.first_run(kind, every)
                info = reminders.add(kind, Schedule(every=every, first=first), now)
            except DurationError as exc:
                return str(exc)
        assert info.next_run is not None
        when = say_clock(info.next_run, now, zone)
        return self.say("set_every", to_do=_TO_DO[kind], every=every_words(every), when=when)

    @_spoken_failures
    def list_reminders(self) -> str:
        """Say when the next reminder of each kind comes."""
        runtime = self.runtime
        with runtime.lock:
            now, infos = runtime.now(), runtime.reminder_list_or_raise().reminders()
        said: list[str] = []
        for kind, name in _LISTED:
            soonest = next(
                (
                    i
                    for i in infos
                    if i.kind == kind and i.next_run and not i.id.startswith(SESSION_CUE_PREFIX)
                ),
                None,
            )
            if soonest is not None and soonest.next_run is not None:
                when = say_clock(soonest.next_run, now, runtime.zone)
                from_now = say_from_now(soonest.next_run, now)
                said.append(self.say("next", name=name, when=when, from_now=from_now))
        return " ".join(said) or self.say("none_set")

    @_spoken_failures
    def cancel_reminders(self) -> str:
        """Remove every reminder (a running session keeps its cues)."""
        with self.runtime.lock:
            removed = self.runtime.reminder_list_or_raise().clear()
        if not removed:
            return self.say("none_to_cancel")
        if removed == 1:
            return self.say("cancelled_one")
        return self.say("cancelled_all", count=removed)

    @_spoken_failures
    def snooze(self, minutes: float | None = None) -> str:
        """Say the last reminder again later (settings.snooze_minutes when no time is given)."""
        runtime = self.runtime
        delay = timedelta(minutes=runtime.settings.snooze_minutes if minutes is None else minutes)
        low, high = SNOOZE_LIMITS
        if not low <= delay <= high:
            asked = "0 minutes" if delay <= timedelta(0) else speak_duration(delay)
            return self.say(
                "snooze_limits", asked=asked, low=speak_duration(low), high=speak_duration(high)
            )
        with runtime.lock:
            last = runtime.delivery.last_announced()
            if last is None:
                return self.say("nothing_to_snooze")
            now = runtime.now()
            runtime.reminder_list_or_raise().put(
                SNOOZE_ID,
                DueReminder(last.kind, last.text),
                DateTrigger(run_date=now + delay, timezone=runtime.zone),
                now,
            )
        return self.say("snoozed", delay=speak_duration(delay))

    @_spoken_failures
    def start_session(self) -> str:
        """Log the start of a pumping session and schedule its cues."""
        runtime = self.runtime
        with runtime.lock:
            reply = runtime.sessions_or_raise().start(runtime.now())
            runtime.delivery.flush_notice(runtime.now())
        return reply

    @_spoken_failures
    def end_session(self) -> str:
        """Log the end of the session; the next pump reminder counts from it."""
        runtime = self.runtime
        with runtime.lock:
            reply = runtime.sessions_or_raise().end(runtime.now())
            runtime.delivery.flush_notice(runtime.now())
        return reply

    @_spoken_failures
    def last_session(self) -> str:
        """Say how long ago the last session ended (or that one is running)."""
        with self.runtime.lock:
            return self.runtime.sessions_or_raise().last(self.runtime.now())

    @_spoken_failures
    def missed(self) -> str:
        """Summarise what came due unheard; what was already told is repeated briefly."""
        with self.runtime.lock:
            return self.runtime.delivery.missed_reply(self.runtime.now())

    def start_breathing(self, exercise_id: str | None = None) -> str:
        """Start a guided breathing exercise; return its intro (cues follow through announce)."""
        return self.runtime.coach.start(exercise_id, self.runtime.now()).intro

    def stop_breathing(self) -> str:
        """Stop the breathing exercise at once."""
        if self.runtime.coach.stop():
            return self.say("breathing_stopped")
        return self.say("no_breathing")
