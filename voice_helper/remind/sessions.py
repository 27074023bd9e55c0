"""Pumping sessions: the one in progress, the last one, and what they mean for the next reminder."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, tzinfo

from apscheduler.triggers.date import DateTrigger

from voice_helper.config import Settings
from voice_helper.remind.clock import say_clock
from voice_helper.remind.delivery import Delivery
from voice_helper.remind.durations import speak_duration
from voice_helper.remind.jobs import DueReminder
from voice_helper.remind.reminder_list import SESSION_CUE_PREFIX, ReminderList
from voice_helper.remind.reminder_log import ReminderLog
from voice_helper.remind.session_log import Session

_LOGGER = logging.getLogger(__name__)

PUMP_EVERY_ID = "pump-every"


class PumpingSessions:
    """Sessions in the log, with a copy in memory for when the log cannot be written."""

    def __init__(
        self,
        settings: Settings,
        zone: tzinfo,
        log: ReminderLog,
        reminder_list: ReminderList,
        delivery: Delivery,
    ):
        self.settings = settings
        self.zone = zone
        self.log = log
        self.reminder_list = reminder_list
        self.delivery = delivery
        self.phrases = delivery.phrases
        latest = log.sessions(limit=1)
        self.running: Session | None = latest[0] if latest and latest[0].ended is None else None
        """The session in progress (it survives a restart)."""
        self._ended: Session | None = None

    def last_ended(self) -> Session | None:
        """The latest finished session, from the log or (if newer) from memory."""
        logged = [s for s in self.log.sessions(limit=2) if s.ended is not None][:1]
        candidates = logged + ([self._ended] if self._ended else [])
        return max(candidates, key=lambda s: s.started) if candidates else None

    def start(self, now: datetime) -> str:
        """Log a start, schedule the session cues, count the pump reminder from here for now."""
        if self.running is not None:
            ago = speak_duration(now - self.running.started)
            return self.phrases.say("already_pumping", ago=ago)
        session_id = self.log.start_session(now)
        self.running = Session(session_id if session_id is not None else -1, now, None)
        for minutes in sorted(set(self.settings.session_cues_minutes)):
            self.reminder_list.put(
                f"{SESSION_CUE_PREFIX}{minutes}",
                DueReminder("session_cue", str(minutes)),
                DateTrigger(run_date=now + timedelta(minutes=minutes), timezone=self.zone),
                now,
            )
        # Provisional when counting from the end: end() moves it again.
        self.reminder_list.reanchor(PUMP_EVERY_ID, now, now)
        return self.phrases.say(
            "session_started", relax=self.delivery.texts.prompt("before", now).text
        )

    def end(self, now: datetime) -> str:
        """Log the end; drop the cues; the next pump reminder counts from this session."""
        session = self.running
        if session is None:
            return self.phrases.say("no_session_running")
        self.log.end_session(session.id, now)  # id -1: the start is still to be written
        self.running = None
        self._ended = Session(session.id, session.started, now)
        for info in self.reminder_list.reminders():
            if info.id.startswith(SESSION_CUE_PREFIX):
                self.reminder_list.remove(info.id)
        anchor = session.started if self.settings.count_from == "start" else now
        following = self.reminder_list.reanchor(PUMP_EVERY_ID, anchor, now)
        text = self.phrases.say("session_ended", length=speak_duration(now - session.started))
        if following is not None:
            next_pump = self.phrases.say(
                "session_next_pump", when=say_clock(following, now, self.zone)
            )
            text += f" {next_pump}"
        return text

    def last(self, now: datetime) -> str:
        """`You finished pumping 2 hours and 10 minutes ago.`"""
        if self.running is not None:
            ago = speak_duration(now - self.running.started)
            return self.phrases.say("still_pumping", ago=ago)
        last = self.last_ended()
        if last is None or last.ended is None:
            return self.phrases.say("no_sessions")
        return self.phrases.say("last_session", ago=speak_duration(now - last.ended))

    def first_run(self, kind: str, every: timedelta, now: datetime) -> datetime | None:
        """A new pump reminder counts from the last session when one interval has not passed."""
        last = self.last_ended() if kind == "pump" else None
        if last is None or last.ended is None:
            return None
        anchor = last.started if self.settings.count_from == "start" else last.ended
        return anchor + every if anchor + every > now else None
