"""The APScheduler side: the job store on SQLite, the job function, and the hand-over executor."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from apscheduler.executors.base import BaseExecutor
from apscheduler.job import Job
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine, create_engine

from voice_helper.remind import storage
from voice_helper.remind.health import StoreHealth
from voice_helper.remind.jobstore import RETRY_MOST_SECONDS, PatientJobStore
from voice_helper.remind.storage import Rebuilt, prepare_database

_LOGGER = logging.getLogger(__name__)

JOBS_FILE = "reminders.sqlite"
JOB_FUNC = "voice_helper.remind.jobs:reminder_due"
"""Textual reference stored with every job: module-level, so the store can pickle it."""

JOB_TABLE = "apscheduler_jobs"
_JOB_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {JOB_TABLE} (
    id VARCHAR(191) NOT NULL, next_run_time FLOAT, job_state BLOB NOT NULL, PRIMARY KEY (id));
CREATE INDEX IF NOT EXISTS ix_{JOB_TABLE}_next_run_time ON {JOB_TABLE} (next_run_time);
"""

JOB_DEFAULTS = {
    # misfire_grace_time=None: APScheduler's default of 1 s silently drops a run that starts
    # late (a busy CPU, a laptop lid closed). No run time may vanish: every one reaches the
    # hand-over executor, which records it and decides itself whether it is fresh enough to
    # say (delivery.STALE_AFTER, 15 min) or is recorded missed and summarised once.
    "misfire_grace_time": None,
    # coalesce=False: with True, APScheduler passes only the last of several overdue run times
    # and the rest are never seen. We want each one recorded (missed-exactly-once), and we
    # collapse them ourselves into one announcement plus one summary.
    "coalesce": False,
    # A high limit: when an instance is still queued, APScheduler would otherwise skip the new
    # run time with only a log line. Runs are handed over one by one on a single thread anyway.
    "max_instances": 1000,
}


@dataclass(frozen=True)
class DueReminder:
    """What a reminder job announces when it comes due."""

    kind: str
    """pump, relax, breathing, session_cue or quiet_end (a snooze keeps the snoozed kind)."""
    detail: str = ""
    """Extra text: the snoozed words, the session-cue minutes, the breathing exercise id."""
    every: timedelta | None = None
    """The repeat interval of an interval reminder (prompts rotate by occurrence)."""


def reminder_due(kind: str, detail: str = "") -> DueReminder:
    """Job function of every reminder: describe what came due (the executor delivers it)."""
    return DueReminder(kind, detail)


def due_of(job: Job) -> DueReminder:
    """What `job` announces, with its repeat interval when it has one."""
    due: DueReminder = job.func(*job.args, **job.kwargs)
    interval = getattr(job.trigger, "interval", None)
    return replace(due, every=interval) if isinstance(interval, timedelta) else due


DueHandler = Callable[[str, DueReminder, list[datetime]], None]
"""Receives (job id, what is due, the run times that came due)."""


class HandOverExecutor(BaseExecutor):
    """Runs due jobs on one worker thread and hands their run times to the reminder service.

    The stock executors call the job function once per run time and never say which run time it
    was; the service needs it to record each occurrence exactly once.
    """

    def __init__(self, handler: DueHandler, intake: DueHandler | None = None):
        super().__init__()
        self._handler = handler
        self._intake = intake
        self._queue: queue.Queue[tuple[Job, list[datetime]] | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self, scheduler: object, alias: str) -> None:
        """Start the worker thread."""
        super().start(scheduler, alias)
        self._thread = threading.Thread(target=self._work, name="reminder-handover", daemon=True)
        self._thread.start()

    def shutdown(self, wait: bool = True) -> None:
        """Finish what is queued, then stop the worker."""
        self._queue.put(None)
        if wait and self._thread is not None:
            self._thread.join(timeout=2)

    def _do_submit_job(self, job: Job, run_times: list[datetime]) -> None:
        # Runs in the scheduler's thread just before APScheduler moves the job on in the store:
        # the intake notes the run times first, so a crash before the worker gets to them leaves
        # them recorded (and reported missed at the next start) instead of gone.
        if self._intake is not None:
            try:
                self._intake(job.id, due_of(job), list(run_times))
            except Exception:  # the hand-over below must still happen
                self._logger.exception("could not note %s as due", job.id)
        self._queue.put((job, list(run_times)))

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            job, run_times = item
            try:
                self._handler(job.id, due_of(job), run_times)
            except Exception as exc:  # noqa: BLE001 - a bad reminder must not stop the others
                self._run_job_error(job.id, exc, exc.__traceback__)
            else:
                self._run_job_success(job.id, [])


def _make_engine(path: Path) -> Engine:
    # The timeout makes SQLite wait for a lock held by another program instead of failing.
    return create_engine(f"sqlite:///{path}", connect_args={"timeout": storage.LOCK_WAIT_SECONDS})


class ReminderScheduler(BackgroundScheduler):
    """A BackgroundScheduler with the hand-over executor, a loop that a failed store write does
    not stop, and a close() that loses nothing."""

    def __init__(
        self,
        handover: HandOverExecutor,
        store: PatientJobStore,
        after_pass: Callable[[], None] = lambda: None,
        **options: Any,
    ):
        super().__init__(executors={"default": handover}, jobstores={"default": store}, **options)
        self.handover = handover
        self.store = store
        self.after_pass = after_pass

    def patient(self) -> Any:
        """Store writes in this block are retried later instead of raising."""
        return self.store.patient()

    def _process_jobs(self) -> float | None:
        # APScheduler 3.11 calls update_job/remove_job outside any try: one failed write would
        # end this thread for good while everything else went on as if reminders still worked.
        with self.store.patient():
            try:
                wait: float | None = super()._process_jobs()
            except Exception:
                _LOGGER.exception("a scheduler pass failed; trying again shortly")
                wait = RETRY_MOST_SECONDS
        try:
            self.after_pass()
        except Exception:
            _LOGGER.exception("after-pass hook failed")
        return wait

    def close(self) -> None:
        """Stop without losing a run time.

        BackgroundScheduler.shutdown() wakes its loop once more in the STOPPED state, and that last
        pass moves due jobs on to their next run time and submits them to an executor that is
        already shut down: those occurrences would vanish without a trace. So: pause, detach the
        store (this waits for a pass in progress), let the executor finish what it was handed,
        then shut down.
        """
        if not self.running:
            return
        self.pause()
        self.remove_jobstore("default", shutdown=True)
        self.handover.shutdown(wait=True)
        self.shutdown(wait=True)


def open_scheduler(
    directory: Path,
    zone: tzinfo,
    handler: DueHandler,
    intake: DueHandler | None = None,
    health: StoreHealth | None = None,
    after_pass: Callable[[], None] = lambda: None,
) -> tuple[ReminderScheduler, Rebuilt | None]:
    """A started, paused scheduler on the SQLite job store in `directory`.

    A damaged store is moved aside and rebuilt first (returned so the user is told once).
    """
    path = directory / JOBS_FILE
    rebuilt = prepare_database(path, {JOB_TABLE: _JOB_SCHEMA}, keep=_readable_job)
    store = PatientJobStore(_make_engine(path), JOB_TABLE, health)
    scheduler = ReminderScheduler(
        HandOverExecutor(handler, intake),
        store,
        after_pass,
        job_defaults=dict(JOB_DEFAULTS),
        timezone=zone,
    )
    scheduler.start(paused=True)
    return scheduler, rebuilt


def _readable_job(table: str, row: tuple) -> bool:
    """Keep a salvaged row only when its job can be restored."""
    import pickle

    try:
        state = pickle.loads(row[2])
        return isinstance(state, dict) and "trigger" in state and "func" in state
    except Exception:  # noqa: BLE001 - any damage: drop the row, don't crash every start-up
        return False
