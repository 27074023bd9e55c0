"""What the scheduler's threads call in the runtime: the hand-over of what fired, the intake
that notes run times as due before the store moves on, and the end of each pass."""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Protocol

from voice_helper.remind.delivery import Delivery
from voice_helper.remind.jobs import DueReminder
from voice_helper.remind.reminder_log import ReminderLog

_LOGGER = logging.getLogger(__name__)


class Running(Protocol):
    """What the hooks use of the runtime (voice_helper/remind/runtime.py)."""

    lock: threading.RLock
    log: ReminderLog | None
    _intake_log: ReminderLog | None
    delivery: Delivery

    def now(self) -> datetime:
        """The current time in UTC."""


class SchedulerHooks:
    """The scheduler's callbacks, over the runtime's log, delivery and lock."""

    def __init__(self, runtime: Running):
        self.runtime = runtime

    def fired(self, job_id: str, due: DueReminder, run_times: list[datetime]) -> None:
        """Hand-over executor callback (scheduler's worker thread)."""
        runtime = self.runtime
        with runtime.lock:
            if runtime.log is None:
                return
            try:
                runtime.delivery.deliver(job_id, due, run_times, runtime.now())
            except Exception:
                # Run times never handed over would sit unreported until the next start:
                # count them missed now, so "what did I miss" says so; later ones still run.
                _LOGGER.exception("delivering %s failed; counting it as missed", job_id)
                for moment in run_times:
                    runtime.log.set_state(
                        job_id, moment, "missed", runtime.now(), only_from=("due",)
                    )

    def intake(self, job_id: str, due: DueReminder, run_times: list[datetime]) -> None:
        """Scheduler thread, before the store moves on: note the run times as due."""
        runtime = self.runtime
        log = runtime._intake_log
        if log is not None and due.kind in ("pump", "relax", "breathing", "session_cue"):
            for moment in run_times:
                log.record_due(
                    job_id,
                    moment,
                    due.kind,
                    runtime.delivery.texts.text_for(due, moment),
                    runtime.now(),
                )

    def after_pass(self) -> None:
        """Scheduler thread, after each pass: retry what the log kept, say what must be said.
        Not under the runtime's lock (a command holding it may be waiting for this thread)."""
        runtime = self.runtime
        intake = runtime._intake_log
        if intake is not None:
            intake.retry()
        if runtime.delivery.log is not None:
            runtime.delivery.flush_notice(runtime.now())
