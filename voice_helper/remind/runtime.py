"""The reminder runtime: owns the job store and the log, fires reminders on the scheduler (or
on an injected clock), records what came due and what was spoken."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.config import Settings
from voice_helper.content.relaxation import load_remind_content
from voice_helper.errors import VoiceHelperError
from voice_helper.remind.announcement import Announcement
from voice_helper.remind.breathing import BreathingCoach
from voice_helper.remind.clock import zone_for
from voice_helper.remind.control import ControlServer, Handler, socket_path_for
from voice_helper.remind.delivery import Delivery
from voice_helper.remind.firing import SchedulerHooks
from voice_helper.remind.health import StoreHealth
from voice_helper.remind.jobs import DueReminder, ReminderScheduler, open_scheduler
from voice_helper.remind.ownership import OwnerLock, take_ownership
from voice_helper.remind.phrases import Phrases
from voice_helper.remind.reminder_list import ReminderList, install_quiet_end
from voice_helper.remind.reminder_log import ReminderLog
from voice_helper.remind.sessions import PumpingSessions
from voice_helper.remind.storage import STORE_ERRORS, reminders_data_dir, unavailable

_LOGGER = logging.getLogger(__name__)


class ReminderRuntime:
    """Pump reminders, relaxation prompts, breathing cues and the session log, running.

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
        self.content_dir = Path(content_dir or settings.content_dir or DEFAULT_CONTENT_DIR)
        self.content = load_remind_content(self.content_dir)
        self.phrases = Phrases(self.content_dir)
        self.socket_path = socket_path or socket_path_for(self.directory)
        self._clock = clock
        self.lock = threading.RLock()
        self._owner = OwnerLock(self.directory)
        self._scheduler: ReminderScheduler | None = None
        self._server: ControlServer | None = None
        self.control: Handler | None = None
        """Answers the control socket's requests (set before start; no socket without it)."""
        self.health = StoreHealth(self.now, self.phrases)
        self.delivery = Delivery(
            settings,
            self.zone,
            self.content,
            announce,
            self.phrases,
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
        self.hooks = SchedulerHooks(self)
        """What the scheduler's threads call (hand-over, intake, end of a pass)."""
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
        with self.lock:
            if self._scheduler is not None:
                return None  # already started
            take_ownership(self._owner, self.directory)
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
        # A second connection for the scheduler thread, which must not wait for self.lock.
        self._intake_log = ReminderLog(self.directory, self.health, prepared=True)
        hooks = self.hooks
        self._scheduler, rebuilt = open_scheduler(
            self.directory, self.zone, hooks.fired, hooks.intake, self.health, hooks.after_pass
        )
        self.reminder_list = ReminderList(self._scheduler, self.zone, self.phrases)
        self.delivery.attach(self.log, self.reminder_list)
        now = self.now()
        if rebuilt is not None:
            kept = "one reminder" if rebuilt.kept == 1 else f"{rebuilt.kept} reminders"
            self.log.add_notice(self.phrases.say("jobs_rebuilt", kept=kept), now)
        if self.log.rebuilt is not None:
            self.log.add_notice(self.phrases.say("log_rebuilt"), now)
        install_quiet_end(self.reminder_list, self.settings.quiet_hours, self.zone, now)
        self.log.sweep_after_restart(now)
        self.delivery.catch_up(now)
        self.sessions = PumpingSessions(
            self.settings, self.zone, self.log, self.reminder_list, self.delivery
        )
        summary = self.delivery.offer_summary(now, while_off=True)
        if self.control is not None:
            self._server = ControlServer(self.socket_path, self.control)
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
            # Not under self.lock: the hand-over worker may still need it to finish its queue.
            scheduler.close()
        with self.lock:
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
        with self.lock:
            self.delivery.process_due(self.now())
        self.coach.tick()

    def mark_spoken(self, job_id: str, due_at: datetime) -> None:
        """The output channel played this announcement: it will never be reported missed.

        Not under self.lock: a command waiting for a locked job store holds it, and a kill in
        that wait must not leave a spoken reminder counted as missed. The log has its own lock.
        """
        if self.delivery.log is not None:
            self.delivery.spoken(job_id, due_at, self.now())

    def speech_finished(self, text: str) -> None:
        """The output channel finished saying `text` (any utterance): breathing cues that wait
        for their intro start counting from now."""
        self.coach.speech_finished(text)

    def _breathing_from_reminder(self, exercise_id: str) -> None:
        now = self.now()
        # The reminder itself says the intro ("Time for a short breathing break. ..."); the
        # cues wait for the whole announcement to have been said.
        said = self.delivery.texts.text_for(DueReminder("breathing", exercise_id), now)
        self.coach.start(exercise_id, now, intro_text=said)

    def first_run(self, kind: str, every: timedelta) -> datetime | None:
        """When a new `every` reminder first comes (from the last session), or None."""
        return self.sessions_or_raise().first_run(kind, every, self.now())

    def reminder_list_or_raise(self) -> ReminderList:
        if self.reminder_list is None or self._scheduler is None:
            raise VoiceHelperError("The reminder service is not started.")
        return self.reminder_list

    def log_or_raise(self) -> ReminderLog:
        if self.log is None:
            raise VoiceHelperError("The reminder service is not started.")
        return self.log

    def sessions_or_raise(self) -> PumpingSessions:
        if self.sessions is None:
            raise VoiceHelperError("The reminder service is not started.")
        return self.sessions
