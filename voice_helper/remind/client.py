"""The reminders for a CLI conversation (`chat`): the running assistant's, over its control
socket, or else a service in this process for as long as the command runs."""

from __future__ import annotations

import argparse
import atexit
import logging
import uuid
from pathlib import Path
from typing import Any

from voice_helper.config import load_settings
from voice_helper.errors import VoiceHelperError
from voice_helper.pumplog.calls import LOG_METHODS, RemotePumpLogCalls
from voice_helper.remind.announcement import Announcement
from voice_helper.remind.control import NotRunning, answer_wait, send_request, socket_path_for
from voice_helper.remind.service import ReminderService
from voice_helper.remind.storage import reminders_data_dir

_LOGGER = logging.getLogger(__name__)

PORT_METHODS = (
    "set_reminder",
    "list_reminders",
    "cancel_reminders",
    "snooze",
    "start_session",
    "end_session",
    "last_session",
    "missed",
    "start_breathing",
    "stop_breathing",
    *LOG_METHODS,
)
"""The ReminderService methods the dialogue calls; the only ones the socket's `call` runs."""


class RemoteReminders(RemotePumpLogCalls):
    """The dialogue's reminder port, answered by the running assistant over its socket."""

    def __init__(self, socket_path: Path):
        self.socket_path = socket_path

    def _call(self, method: str, **slots: Any) -> str:
        request = {"op": "call", "method": method, "slots": slots, "request_id": uuid.uuid4().hex}
        try:
            try:
                reply = send_request(self.socket_path, request, timeout=answer_wait())
            except TimeoutError:  # once more, same id: answered as before if it was done
                reply = send_request(self.socket_path, request, timeout=answer_wait())
        except (NotRunning, OSError) as exc:
            _LOGGER.warning("the assistant stopped answering: %s", exc)
            return "Reminders are not running right now."
        return str(reply.get("reply") if reply.get("ok") else reply.get("error"))

    def _call_value(self, method: str, **slots: Any) -> Any:
        """The reply of a call as it came (a bool, a dict), None when it failed."""
        try:
            reply = send_request(self.socket_path, {"op": "call", "method": method, "slots": slots})
        except (NotRunning, OSError) as exc:
            _LOGGER.warning("the assistant stopped answering: %s", exc)
            return None
        return reply.get("reply") if reply.get("ok") else None

    def set_reminder(
        self, kind: str, every_minutes: float | None = None, in_minutes: float | None = None
    ) -> str:
        """Add a pump or relax reminder."""
        return self._call(
            "set_reminder", kind=kind, every_minutes=every_minutes, in_minutes=in_minutes
        )

    def list_reminders(self) -> str:
        """Say when the next reminders are."""
        return self._call("list_reminders")

    def cancel_reminders(self) -> str:
        """Remove the reminders."""
        return self._call("cancel_reminders")

    def snooze(self, minutes: float | None = None) -> str:
        """Re-announce the last reminder later."""
        return self._call("snooze", minutes=minutes)

    def start_session(self) -> str:
        """Log the start of a pumping session."""
        return self._call("start_session")

    def end_session(self) -> str:
        """Log the end of a pumping session."""
        return self._call("end_session")

    def last_session(self) -> str:
        """Say how long ago the last session was."""
        return self._call("last_session")

    def missed(self) -> str:
        """Summarise what came due unheard."""
        return self._call("missed")

    def start_breathing(self, exercise_id: str | None = None) -> str:
        """Start a breathing exercise in the assistant (its cues are spoken there)."""
        return self._call("start_breathing", exercise_id=exercise_id)

    def stop_breathing(self) -> str:
        """Stop the assistant's breathing exercise."""
        return self._call("stop_breathing")


def _print_announcement(service: list[ReminderService]) -> Any:
    def announce(announcement: Announcement) -> None:
        print(" ".join(announcement.text.split()), flush=True)
        if service:
            service[0].mark_spoken(announcement.job_id, announcement.due_at)

    return announce


def reminders_for_cli(args: argparse.Namespace) -> RemoteReminders | ReminderService | None:
    """The running assistant's reminders, else a local service (announcements print as lines);
    None when neither can be had (the dialogue then says reminders are not running)."""
    directory = reminders_data_dir()
    path = socket_path_for(directory)
    try:
        if send_request(path, {"op": "ping"}, timeout=2.0).get("ok"):
            return RemoteReminders(path)
    except (NotRunning, OSError, ValueError):
        pass
    config = getattr(args, "config", None)
    content = getattr(args, "content", None)
    holder: list[ReminderService] = []
    try:
        service = ReminderService(
            load_settings(Path(config) if config else None),
            directory,
            _print_announcement(holder),
            content_dir=Path(content) if content else None,
        )
        service.start()
    except VoiceHelperError as exc:
        _LOGGER.warning("reminders are not available: %s", exc)
        return None
    holder.append(service)
    atexit.register(service.shutdown)
    return service
