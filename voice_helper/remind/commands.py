"""Reminder edits from the CLI: sent to the running scheduler, or applied to the store under the
owner lock when nothing runs."""

from __future__ import annotations

import logging
import sqlite3
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from apscheduler.job import Job
from apscheduler.jobstores.base import BaseJobStore
from apscheduler.schedulers.base import BaseScheduler

from voice_helper.config import Settings
from voice_helper.errors import DurationError, VoiceHelperError
from voice_helper.remind.clock import parse_clock, zone_for
from voice_helper.remind.control import (
    REPLY_TIMEOUT,
    NotRunning,
    answer_wait,
    send_request,
    socket_path_for,
)
from voice_helper.remind.jobs import JOB_TABLE, JOBS_FILE, DueReminder, open_scheduler
from voice_helper.remind.log_file import LOG_FILE
from voice_helper.remind.ownership import OwnerLock, StoreBusy
from voice_helper.remind.reminder_list import USER_KINDS, ReminderList, Schedule
from voice_helper.remind.reminder_log import ReminderLog
from voice_helper.remind.storage import STORE_ERRORS, unavailable

_LOGGER = logging.getLogger(__name__)

FirstRun = Callable[[str, timedelta], datetime | None]
"""Given (kind, interval), when an `every` reminder should first come due (None: one interval
from now); the running service counts pump reminders from the last session."""
CONNECT_WAIT_SECONDS = 5.0
"""How long to wait for a starting assistant to open its socket."""
EDIT_WAIT_SECONDS = 120.0
"""How long to queue behind other CLI edits of the store (each takes well under a second)."""
SENDS = 2
"""How often a change is sent (with the same id) before giving up on a silent assistant."""


def schedule_from(request: dict[str, Any], now: datetime) -> Schedule:
    """The Schedule of an `add` request (every_seconds, in_seconds or at)."""
    given = [key for key in ("every_seconds", "in_seconds", "at") if request.get(key) is not None]
    if len(given) != 1:
        raise DurationError("Give exactly one of --every, --in and --at.")
    if "at" in given:
        return Schedule(daily_at=parse_clock(str(request["at"])))
    try:
        seconds = float(request[given[0]])
    except (TypeError, ValueError) as exc:
        raise DurationError(f"{request[given[0]]!r} is not a number of seconds.") from exc
    if given[0] == "every_seconds":
        return Schedule(every=timedelta(seconds=seconds))
    return Schedule(once_at=now + timedelta(seconds=seconds))


def apply(
    reminder_list: ReminderList,
    request: dict[str, Any],
    now: datetime,
    first_run: FirstRun | None = None,
) -> dict[str, Any]:
    """Apply a list/add/remove/clear request to the store; the JSON reply."""
    op = request.get("op")
    try:
        if op == "list":
            return {"ok": True, "reminders": [info.to_json() for info in reminder_list.reminders()]}
        if op == "add":
            kind = str(request.get("kind", ""))
            if kind not in USER_KINDS:
                raise DurationError(
                    f"{kind!r} is not a reminder kind; use pump, relax or breathing."
                )
            schedule = schedule_from(request, now)
            if schedule.every is not None and first_run is not None:
                schedule = Schedule(every=schedule.every, first=first_run(kind, schedule.every))
            return {"ok": True, "reminder": reminder_list.add(kind, schedule, now).to_json()}
        if op == "remove":
            job_id = str(request.get("id", ""))
            if not reminder_list.remove(job_id):
                return {
                    "ok": False,
                    "error": f"There is no reminder {job_id!r}; see `reminders list`.",
                }
            return {"ok": True, "removed": job_id}
        if op == "clear":
            return {"ok": True, "removed": reminder_list.clear()}
    except VoiceHelperError as exc:
        return {"ok": False, "error": str(exc)}
    return {"ok": False, "error": f"unknown request {op!r}"}


READ_ONLY_OPS = ("list", "sessions")
"""Requests answered from the files without the owner lock and without changing them (so a
store on a read-only disk, or another user's, can still be listed)."""


def _list_read_only(directory: Path, settings: Settings) -> dict[str, Any]:
    """The reminders in the store, opened read-only (nothing created, moved or chmod-ed)."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from sqlalchemy import create_engine

    path = directory / JOBS_FILE
    if not path.exists():
        return {"ok": True, "reminders": []}
    zone = zone_for(settings)
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    # The store alone, no scheduler: a started one's last pass on shutdown would move due jobs
    # on (a write, and their run times lost to the next start-up summary).
    store = SQLAlchemyJobStore(engine=engine, tablename=JOB_TABLE)
    try:
        return apply(
            ReminderList(cast(BaseScheduler, _JobsOf(store)), zone),
            {"op": "list"},
            datetime.now(UTC),
        )
    finally:
        engine.dispose()


class _JobsOf:
    """What ReminderList.reminders() needs of a scheduler, answered by a store being read."""

    def __init__(self, store: BaseJobStore):
        self.store = store

    def get_jobs(self) -> list[Job]:
        """Every job, soonest first."""
        jobs: list[Job] = self.store.get_all_jobs()
        return jobs


def _offline(request: dict[str, Any], settings: Settings, directory: Path) -> dict[str, Any]:
    """Edit the store directly; the caller holds the owner lock (not for READ_ONLY_OPS)."""
    if request.get("op") == "list":
        return _list_read_only(directory, settings)
    if request.get("op") == "sessions":
        if not (directory / LOG_FILE).exists():
            return {"ok": True, "sessions": []}
        try:
            log = ReminderLog(directory, read_only=True)
            try:
                return {"ok": True, "sessions": [s.to_json() for s in log.sessions()]}
            finally:
                log.close()
        except sqlite3.DatabaseError as exc:
            return {
                "ok": False,
                "error": f"The pumping log {directory / LOG_FILE} cannot be "
                f"read ({exc}). Start the assistant once to rebuild it.",
            }
    zone = zone_for(settings)

    def nobody_listens(job_id: str, due: DueReminder, run_times: list[datetime]) -> None:
        _LOGGER.debug("%s due with nothing running; the next start-up reports it", job_id)

    scheduler, rebuilt = open_scheduler(directory, zone, nobody_listens)
    try:
        reply = apply(ReminderList(scheduler, zone), request, datetime.now(UTC))
    finally:
        scheduler.close()
    if rebuilt is not None:
        reply["notice"] = (
            f"The reminder store was damaged; it was moved to {rebuilt.moved_to} "
            f"and rebuilt with {rebuilt.kept} reminders."
        )
    return reply


def _read_offline(request: dict[str, Any], settings: Settings, directory: Path) -> dict[str, Any]:
    """Answer a READ_ONLY_OPS request from the files; a failure is one located message."""
    try:
        return _offline(request, settings, directory)
    except STORE_ERRORS as exc:
        if isinstance(exc, VoiceHelperError):
            raise
        if "not a database" in str(exc) or "malformed" in str(exc):
            return {
                "ok": False,
                "error": f"The reminder file {directory / JOBS_FILE} is damaged. Start the "
                "assistant once (voice-helper run) to rebuild it from what can be read.",
            }
        raise unavailable(directory, exc) from exc


def run_request(
    request: dict[str, Any], settings: Settings, directory: Path, socket_path: Path | None = None
) -> dict[str, Any]:
    """Send a request to the running scheduler, or apply it to the store when nothing runs.

    The request carries an id: sent again after a time-out, the assistant answers it as before
    instead of applying it twice.
    """
    path = socket_path or socket_path_for(directory)
    request = {**request, "request_id": request.get("request_id") or uuid.uuid4().hex}
    started = time.monotonic()
    timeouts, edits_seen = 0, False
    reading = request.get("op") in READ_ONLY_OPS
    while True:
        try:
            return send_request(path, request, timeout=REPLY_TIMEOUT if reading else answer_wait())
        except NotRunning:
            pass
        except TimeoutError as exc:
            timeouts += 1
            if reading:  # a stuck assistant: the files can still be read
                _LOGGER.warning("the assistant does not answer; reading its files instead")
                return _read_offline(request, settings, directory)
            if timeouts < SENDS:
                _LOGGER.warning("the assistant has not answered yet; asking again")
                continue
            raise StoreBusy(
                f"The assistant did not answer on {path} within "
                f"{SENDS * answer_wait():g} s. It may still do it when it can: check with "
                "`voice-helper reminders list` before trying again."
            ) from exc
        if reading:
            return _read_offline(request, settings, directory)
        try:
            lock = OwnerLock(directory, role="edit")
            if lock.acquire():
                try:
                    return _offline(request, settings, directory)
                finally:
                    lock.release()
        except STORE_ERRORS as exc:
            if isinstance(exc, VoiceHelperError):
                raise
            raise unavailable(directory, exc) from exc
        # Somebody owns the store: another CLI edit (wait our turn), or an assistant whose
        # socket is not up yet (starting: ask again shortly).
        edits_seen = edits_seen or lock.holder() == "edit"
        waited = time.monotonic() - started
        if waited > (EDIT_WAIT_SECONDS if edits_seen else CONNECT_WAIT_SECONDS):
            raise StoreBusy(
                f"Other reminder edits kept {directory} busy for {waited:.0f} s; "
                "try again in a moment."
                if edits_seen
                else "The assistant is running but does not answer on its control socket "
                f"({path}). Try again in a moment, or restart it."
            )
        time.sleep(0.05)
