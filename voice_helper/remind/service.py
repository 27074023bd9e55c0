"""ReminderService: what the dialogue calls; it owns the job store and hands out announcements."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.triggers.date import DateTrigger

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.config import Settings
from voice_helper.content.relaxation import load_remind_content
from voice_helper.errors import DurationError, VoiceHelperError
from voice_helper.pumplog.calls import PumpLogCalls
from voice_helper.remind import commands
from voice_helper.remind.announcement import Announcement
from voice_helper.remind.breathing import BreathingCoach
from voice_helper.remind.clock import (
    parse_clock,
    say_clock,
    say_from_now,
    say_time_of_day,
    zone_for,
)
from voice_helper.remind.control import ControlServer, socket_path_for
from voice_helper.remind.delivery import Delivery
from voice_helper.remind.durations import every_words, speak_duration
from voice_helper.remind.health import StoreHealth
from voice_helper.remind.jobs import JOBS_FILE, DueReminder, ReminderScheduler, open_scheduler
from voice_helper.remind.ownership import OwnerLock, StoreBusy
from voice_helper.remind.reminder_list import (
    QUIET_END_ID,
    SESSION_CUE_PREFIX,
    SNOOZE_ID,
    USER_KINDS,
    ReminderList,
    Schedule,
)
from voice_helper.remind.reminder_log import ReminderLog
from voice_helper.remind.sessions import PumpingSessions
from voice_helper.remind.storage import (
    STORE_ERRORS,
    is_full_error,
    is_locked_error,
    locked_message,
    reminders_data_dir,
    unavailable,
)
from voice_helper.remind.triggers import ClockTimeTrigger

_LOGGER = logging.getLogger(__name__)

DEFAULT_RELAX_EVERY = timedelta(hours=2)
SNOOZE_LIMITS = (timedelta(minutes=1), timedelta(hours=4))
_TO_DO = {"pump": "to pump", "relax": "to relax", "breathing": "to do a breathing exercise"}
_KIND_ALIASES = {"relaxation": "relax", "breathe": "breathing", "pumping": "pump"}


SORRY = "Sorry, I couldn't reach my reminder file just now. Please try again in a moment."
"""Said for a failure of the files under the service (STORE_ERRORS), never raised at the
dialogue."""
SORRY_FULL = "Sorry, the disk is full, so I couldn't save that. Please free some space."


def _spoken_failures(method: Callable[..., str]) -> Callable[..., str]:
    """Turn a storage failure inside a dialogue method into a reply that can be spoken."""

    @functools.wraps(method)
    def guarded(self: ReminderService, *args: Any, **kwargs: Any) -> str:
        try:
            return method(self, *args, **kwargs)
        except STORE_ERRORS as exc:
            _LOGGER.exception("%s failed", method.__name__)
            return SORRY_FULL if is_full_error(exc) else SORRY
        except VoiceHelperError as exc:
            _LOGGER.error("%s: %s", method.__name__, exc)
            return "Reminders are not running right now."

    return guarded


class ReminderService(PumpLogCalls):
    """Pump reminders, relaxation prompts, breathing and the session log, as spoken replies.

    `announce` receives every Announcement (it must queue, not block on speech); the output
    channel calls mark_spoken(job_id, due_at) once it has been played. With `clock` given, time
    only moves when tick() is called (tests, simulations); without it, APScheduler's thread fires.
    """

    def __init__(
        self,
        settings: Settings,
        data_dir: Path | None = None,
        announce: Callable[[Announcement], None] | None = None,
        clock: Callable[[], datetime] | None = None,
        content_dir: Path | None = None,
        *,
        socket_path: Path | None = None,
        speech_reports: bool = False,
    ):
        if announce is None:
            # A silent default would lose every reminder without a trace.
            raise TypeError("ReminderService needs announce: the output channel's hand-over")
        self.settings = settings
        self.zone = zone_for(settings)
        self.directory = reminders_data_dir(data_dir)
        folder = content_dir or (
            Path(settings.content_dir) if settings.content_dir else DEFAULT_CONTENT_DIR
        )
        self.content = load_remind_content(Path(folder))
        self.content_dir = Path(folder)
        self.socket_path = socket_path or socket_path_for(self.directory)
        self._clock = clock
        self._lock = threading.RLock()
        self._owner = OwnerLock(self.directory)
        self._scheduler: ReminderScheduler | None = None
        self._server: ControlServer | None = None
        self.health = StoreHealth(self.now)
        self.delivery = Delivery(
            settings,
            self.zone,
            self.content,
            announce,
            on_breathing=self._breathing_from_reminder,
            health=self.health,
        )
        # speech_reports: the channel calls speech_finished() after each utterance, so the
        # breathing cues can wait for the intro to have been said.
        self.coach = BreathingCoach(
            self.content,
            settings,
            self.zone,
            self.delivery.hand_unlogged,
            clock=(lambda: self.now().timestamp()) if clock is not None else None,
            wait_for_intro=speech_reports,
        )
        self.log: ReminderLog | None = None
        self._intake_log: ReminderLog | None = None
        self.reminder_list: ReminderList | None = None
        self.sessions: PumpingSessions | None = None

    # Lifecycle -------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The current time in UTC (from the injected clock, if any).

        UTC on purpose: Python compares and subtracts two times of the same zone by their wall
        clocks, which is wrong across a DST change; local time is only for speech.
        """
        moment = self._clock() if self._clock is not None else datetime.now(UTC)
        return moment.astimezone(UTC)

    def start(self) -> str | None:
        """Own the job store, catch up on what came due while off, open the control socket and
        start firing. The one start-up summary is handed to `announce` and also returned."""
        with self._lock:
            if self._scheduler is not None:
                return None  # already started
            try:
                owned = self._owner.acquire(wait=2.0)
            except OSError as exc:
                raise unavailable(self.directory, exc) from exc
            if not owned:
                raise StoreBusy(
                    f"Reminders in {self.directory} are already run by another "
                    "voice-helper; stop it first."
                )
            try:
                return self._start()
            except STORE_ERRORS as exc:
                self._teardown()
                if isinstance(exc, VoiceHelperError):
                    raise
                raise unavailable(self.directory, exc) from exc
            except BaseException:
                self._teardown()
                raise

    def _start(self) -> str | None:
        self.log = ReminderLog(self.directory, self.health)
        # A second connection for the scheduler thread, which must not wait for self._lock.
        self._intake_log = ReminderLog(self.directory, self.health, prepared=True)
        self._scheduler, rebuilt = open_scheduler(
            self.directory, self.zone, self._fired, self._intake, self.health, self._after_pass
        )
        self.reminder_list = ReminderList(self._scheduler, self.zone)
        self.delivery.attach(self.log, self.reminder_list)
        now = self.now()
        if rebuilt is not None:
            kept = "one reminder" if rebuilt.kept == 1 else f"{rebuilt.kept} reminders"
            self.log.add_notice(
                f"My reminder file was damaged, so I rebuilt it and kept "
                f"{kept}. Please check your reminders.",
                now,
            )
        if self.log.rebuilt is not None:
            self.log.add_notice(
                "My pumping log was damaged, so I rebuilt it from what I could read.", now
            )
        self._install_quiet_end(now)
        self.log.sweep_after_restart(now)
        self.delivery.catch_up(now)
        self.sessions = PumpingSessions(
            self.settings, self.zone, self.log, self.reminder_list, self.delivery
        )
        summary = self.delivery.offer_summary(now, while_off=True)
        self._server = ControlServer(self.socket_path, self._control)
        self._server.start()
        if self._clock is None:
            self._scheduler.resume()
        return summary

    def shutdown(self) -> None:
        """Stop breathing, the socket and the scheduler; close the files (well within 2 s).

        Every change is committed as it happens, so there is no state left to save here.
        """
        self.coach.stop()
        self._teardown()

    def _teardown(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        scheduler = self._scheduler
        if scheduler is not None:
            # Not under self._lock: the hand-over worker may still need it to finish its queue.
            scheduler.close()
        with self._lock:
            self._close_files()

    def _close_files(self) -> None:
        self._scheduler = None
        self.reminder_list = self.sessions = None
        for log in (self.log, self._intake_log):
            if log is not None:
                log.close()
        self.log = self._intake_log = None
        self._owner.release()

    def tick(self) -> None:
        """Deliver whatever is due at clock(); with a real clock the scheduler thread does it."""
        if self._clock is None:
            if self._scheduler is not None:
                self._scheduler.wakeup()
            return
        with self._lock:
            self.delivery.process_due(self.now())
        self.coach.tick()

    def _fired(self, job_id: str, due: DueReminder, run_times: list[datetime]) -> None:
        """Hand-over executor callback (scheduler's worker thread)."""
        with self._lock:
            if self.log is None:
                return
            try:
                self.delivery.deliver(job_id, due, run_times, self.now())
            except Exception:
                # Run times never handed over would sit unreported until the next start:
                # count them missed now, so "what did I miss" says so; later ones still run.
                _LOGGER.exception("delivering %s failed; counting it as missed", job_id)
                for moment in run_times:
                    self.log.set_state(job_id, moment, "missed", self.now(), only_from=("due",))

    def _intake(self, job_id: str, due: DueReminder, run_times: list[datetime]) -> None:
        """Scheduler thread, before the store moves on: note the run times as due."""
        log = self._intake_log
        if log is not None and due.kind in ("pump", "relax", "breathing", "session_cue"):
            for moment in run_times:
                log.record_due(
                    job_id, moment, due.kind, self.delivery.text_for(due, moment), self.now()
                )

    def _after_pass(self) -> None:
        """Scheduler thread, after each pass: retry what the log kept, say what must be said.
        Not under self._lock (a command holding it may be waiting for this thread)."""
        intake = self._intake_log
        if intake is not None:
            intake.retry()
        if self.delivery.log is not None:
            self.delivery.flush_notice(self.now())

    def mark_spoken(self, job_id: str, due_at: datetime) -> None:
        """The output channel played this announcement: it will never be reported missed.

        Not under self._lock: a command waiting for a locked job store holds it, and a kill in
        that wait must not leave a spoken reminder counted as missed. The log has its own lock.
        """
        if self.delivery.log is not None:
            self.delivery.spoken(job_id, due_at, self.now())

    def speech_finished(self, text: str) -> None:
        """The output channel finished saying `text` (any utterance): breathing cues that wait
        for their intro start counting from now."""
        self.coach.speech_finished(text)

    # What the dialogue calls -----------------------------------------------------------------

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
            return "I can set pump, relaxation or breathing reminders."
        with self._lock:
            now, reminder_list = self.now(), self._reminder_list()
            try:
                if at is not None:
                    asked = parse_clock(at)
                    info = reminder_list.add(kind, Schedule(daily_at=asked), now)
                    assert info.next_run is not None
                    reply = (
                        f"Okay. I'll remind you {_TO_DO[kind]} every day {say_time_of_day(asked)}."
                    )
                    local = info.next_run.astimezone(self.zone)
                    if (local.hour, local.minute) != (asked.hour, asked.minute):
                        # The clocks go forward over it: that day's comes an hour later.
                        reply += (
                            f" The next one is {say_clock(info.next_run, now, self.zone)}, "
                            "as the clocks change."
                        )
                    return reply
                if in_minutes is not None:
                    info = reminder_list.add(
                        kind, Schedule(once_at=now + timedelta(minutes=in_minutes)), now
                    )
                    assert info.next_run is not None
                    when = say_clock(info.next_run, now, self.zone)
                    wait = speak_duration(info.next_run - now)
                    return f"Okay. I'll remind you {_TO_DO[kind]} in {wait}, {when}."
                every = (
                    timedelta(minutes=every_minutes)
                    if every_minutes is not None
                    else timedelta(minutes=self.settings.pump_every_minutes)
                    if kind == "pump"
                    else DEFAULT_RELAX_EVERY
                )
                info = reminder_list.add(
                    kind, Schedule(every=every, first=self._first_run(kind, every)), now
                )
            except DurationError as exc:
                return str(exc)
        assert info.next_run is not None
        return (
            f"Okay. I'll remind you {_TO_DO[kind]} every {every_words(every)}. "
            f"The next one is {say_clock(info.next_run, now, self.zone)}."
        )

    @_spoken_failures
    def list_reminders(self) -> str:
        """Say when the next reminder of each kind comes."""
        with self._lock:
            now, infos = self.now(), self._reminder_list().reminders()
        said: list[str] = []
        for kind, name in (
            ("pump", "pump reminder"),
            ("relax", "relaxation prompt"),
            ("breathing", "breathing reminder"),
        ):
            soonest = next(
                (
                    i
                    for i in infos
                    if i.kind == kind and i.next_run and not i.id.startswith(SESSION_CUE_PREFIX)
                ),
                None,
            )
            if soonest is not None and soonest.next_run is not None:
                said.append(
                    f"Your next {name} is {say_clock(soonest.next_run, now, self.zone)}, "
                    f"{say_from_now(soonest.next_run, now)}."
                )
        return " ".join(said) or "You have no reminders set."

    @_spoken_failures
    def cancel_reminders(self) -> str:
        """Remove every reminder (a running session keeps its cues)."""
        with self._lock:
            removed = self._reminder_list().clear()
        if not removed:
            return "You had no reminders set."
        return (
            "Okay, I've cancelled your reminder."
            if removed == 1
            else (f"Okay, I've cancelled all {removed} of your reminders.")
        )

    @_spoken_failures
    def snooze(self, minutes: float | None = None) -> str:
        """Say the last reminder again later (settings.snooze_minutes when no time is given)."""
        delay = timedelta(minutes=self.settings.snooze_minutes if minutes is None else minutes)
        low, high = SNOOZE_LIMITS
        if not low <= delay <= high:
            said = "0 minutes" if delay <= timedelta(0) else speak_duration(delay)
            return (
                f"I can't snooze for {said}. I can snooze for between "
                f"{speak_duration(low)} and {speak_duration(high)}."
            )
        with self._lock:
            last = self.delivery.last_announced()
            if last is None:
                return "There's no reminder to snooze yet."
            now = self.now()
            self._reminder_list().put(
                SNOOZE_ID,
                DueReminder(last.kind, last.text),
                DateTrigger(run_date=now + delay, timezone=self.zone),
                now,
            )
        return f"Okay, I'll remind you again in {speak_duration(delay)}."

    @_spoken_failures
    def start_session(self) -> str:
        """Log the start of a pumping session and schedule its cues."""
        with self._lock:
            reply = self._sessions().start(self.now())
            self.delivery.flush_notice(self.now())
        return reply

    @_spoken_failures
    def end_session(self) -> str:
        """Log the end of the session; the next pump reminder counts from it."""
        with self._lock:
            reply = self._sessions().end(self.now())
            self.delivery.flush_notice(self.now())
        return reply

    @_spoken_failures
    def last_session(self) -> str:
        """Say how long ago the last session ended (or that one is running)."""
        with self._lock:
            return self._sessions().last(self.now())

    @_spoken_failures
    def missed(self) -> str:
        """Summarise what came due unheard; what was already told is repeated briefly."""
        with self._lock:
            return self.delivery.missed_reply(self.now())

    def start_breathing(self, exercise_id: str | None = None) -> str:
        """Start a guided breathing exercise; return its intro (cues follow through announce)."""
        return self.coach.start(exercise_id, self.now()).intro

    def stop_breathing(self) -> str:
        """Stop the breathing exercise at once."""
        if self.coach.stop():
            return "Okay, stopping the breathing exercise."
        return "There's no breathing exercise running."

    def _breathing_from_reminder(self, exercise_id: str) -> None:
        now = self.now()
        # The reminder itself says the intro ("Time for a short breathing break. ..."); the
        # cues wait for the whole announcement to have been said.
        said = self.delivery.text_for(DueReminder("breathing", exercise_id), now)
        self.coach.start(exercise_id, now, intro_text=said)

    # Control socket and helpers --------------------------------------------------------------

    def reminders_request(self, request: dict[str, Any]) -> dict[str, Any]:
        """Apply a CLI request (list/add/remove/clear/sessions) to this running service."""
        with self._lock:
            if request.get("op") == "sessions":
                return {
                    "ok": True,
                    "sessions": [s.to_json() for s in self._reminder_log().sessions()],
                }
            if request.get("op") == "ping":
                return {"ok": True}
            if request.get("op") == "call":
                return self._call_request(request)
            try:
                return commands.apply(self._reminder_list(), request, self.now(), self._first_run)
            except STORE_ERRORS as exc:  # not applied: say why, in one line
                _LOGGER.error("a CLI request could not be applied: %s", exc)
                path = self.directory / JOBS_FILE
                text = locked_message(path) if is_locked_error(exc) else unavailable(path, exc)
                return {"ok": False, "error": str(text)}

    _control = reminders_request

    def _call_request(self, request: dict[str, Any]) -> dict[str, Any]:
        """Run one dialogue method for a client (the `chat` command) and return its reply."""
        from voice_helper.remind.client import PORT_METHODS

        method, slots = request.get("method"), request.get("slots") or {}
        if method not in PORT_METHODS or not isinstance(slots, dict):
            return {"ok": False, "error": f"unknown call {method!r}"}
        try:
            return {"ok": True, "reply": getattr(self, method)(**slots)}
        except TypeError as exc:
            return {"ok": False, "error": f"bad slots for {method}: {exc}"}

    def _first_run(self, kind: str, every: timedelta) -> datetime | None:
        return self._sessions().first_run(kind, every, self.now())

    def _install_quiet_end(self, now: datetime) -> None:
        quiet, reminder_list = self.settings.quiet_hours, self._reminder_list()
        if not quiet.enabled:
            reminder_list.remove(QUIET_END_ID)
            return
        reminder_list.put(
            QUIET_END_ID,
            DueReminder("quiet_end"),
            ClockTimeTrigger(parse_clock(quiet.end), self.zone),
            now,
        )

    def _reminder_list(self) -> ReminderList:
        if self.reminder_list is None or self._scheduler is None:
            raise VoiceHelperError("The reminder service is not started.")
        return self.reminder_list

    def _reminder_log(self) -> ReminderLog:
        if self.log is None:
            raise VoiceHelperError("The reminder service is not started.")
        return self.log

    def _sessions(self) -> PumpingSessions:
        if self.sessions is None:
            raise VoiceHelperError("The reminder service is not started.")
        return self.sessions
