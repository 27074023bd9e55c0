"""The SQLite job store as the scheduler loop needs it: a failed write never ends the loop."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.job import Job
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from sqlalchemy import Engine

from voice_helper.remind.health import StoreHealth
from voice_helper.remind.storage import STORE_ERRORS

_LOGGER = logging.getLogger(__name__)

RETRY_FIRST_SECONDS = 1.0
RETRY_MOST_SECONDS = 60.0
"""Back-off of a failed write from the scheduler loop: doubling from 1 s up to a minute, so a
lock held for minutes costs a few attempts, and a fixed disk is noticed within a minute."""


class PatientJobStore(SQLAlchemyJobStore):
    """The SQLite job store. Inside patient() (the scheduler's loop) a failed write is logged and
    retried with back-off, never raised: the job keeps its old next run time, so it stays due and
    is handed over again (the log and the hand-over set drop the repeat). Outside, writes raise,
    so a command that could not be saved is never answered "Okay"."""

    def __init__(self, engine: Engine, tablename: str, health: StoreHealth | None = None):
        super().__init__(engine=engine, tablename=tablename)
        self.health = health
        self._local = threading.local()
        self._failures = 0
        self._retry_at: datetime | None = None

    @contextmanager
    def patient(self) -> Iterator[None]:
        """Writes in this block (this thread) are retried later instead of raising."""
        before = getattr(self._local, "patient", False)
        self._local.patient = True
        try:
            yield
        finally:
            self._local.patient = before

    def add_job(self, job: Job) -> None:
        """Insert a job (raises ConflictingIdError when the id is taken)."""
        self._guarded(super().add_job, job)

    def update_job(self, job: Job) -> None:
        """Save a job's new state (patient inside the loop)."""
        self._guarded(super().update_job, job)

    def remove_job(self, job_id: str) -> None:
        """Delete a job (patient inside the loop)."""
        self._guarded(super().remove_job, job_id)

    def get_due_jobs(self, now: datetime) -> list[Job]:
        """Jobs due at `now`; a pass after the retry time is the retry."""
        if self._retry_at is not None and now >= self._retry_at:
            self._retry_at = None
        jobs: list[Job] = super().get_due_jobs(now)
        return jobs

    def get_next_run_time(self) -> datetime | None:
        """The earliest next run time; while a write waits, the retry time (the stale job's old
        run time is in the past and would make the loop spin)."""
        try:
            upcoming: datetime | None = super().get_next_run_time()
        except STORE_ERRORS as exc:
            upcoming = None
            self._failed(exc, "read the next run time")
        if self._retry_at is not None:
            return self._retry_at
        if self.health is not None and self.health.failing:
            # The log keeps writes for later: come back within a minute to write them.
            soon = datetime.now(UTC) + timedelta(seconds=RETRY_MOST_SECONDS)
            return soon if upcoming is None else min(upcoming, soon)
        return upcoming

    def _guarded(self, write: Callable[[Any], None], argument: Any) -> None:
        patient = getattr(self._local, "patient", False)
        try:
            write(argument)
        except JobLookupError:
            if not patient:
                raise
            _LOGGER.debug("%s was removed while the loop moved it on", argument)
        except STORE_ERRORS as exc:
            if not patient:
                raise
            self._failed(exc, f"save {getattr(argument, 'id', argument)}")
        else:
            if self._failures:
                _LOGGER.warning("the job store can be written again")
            self._failures, self._retry_at = 0, None
            if self.health is not None:
                self.health.succeeded("jobs")

    def _failed(self, exc: BaseException, what: str) -> None:
        self._failures += 1
        delay = min(RETRY_FIRST_SECONDS * 2 ** (self._failures - 1), RETRY_MOST_SECONDS)
        self._retry_at = datetime.now(UTC) + timedelta(seconds=delay)
        _LOGGER.error(
            "could not %s in the job store (%s); it stays due, retry in %g s", what, exc, delay
        )
        if self.health is not None:
            self.health.failed("jobs", exc)
