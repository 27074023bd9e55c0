"""The reminders as the assistant runs them: remind's runtime with its spoken replies, the
pumping log's replies and the control socket, in one object that is the dialogue's ReminderPort.

Above both remind/ and pumplog/ (pumplog builds on remind's log file and runtime), so neither
imports the other back. Wiring: `ReminderService(settings, announce=channel_hand_over).start()`;
the output channel calls `service.mark_spoken(announcement.job_id, announcement.due_at)` once it
has played an Announcement; `service.shutdown()` on exit.
"""

from __future__ import annotations

import argparse
import atexit
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from voice_helper.config import Settings, load_settings
from voice_helper.errors import VoiceHelperError
from voice_helper.pumplog.log_replies import PumpLogReplies
from voice_helper.remind.announcement import Announcement
from voice_helper.remind.client import RemoteReminders
from voice_helper.remind.contract import LogFacts, ReminderPort
from voice_helper.remind.control import NotRunning, send_request, socket_path_for
from voice_helper.remind.control_dispatch import ControlDispatch
from voice_helper.remind.reminder_replies import ReminderReplies
from voice_helper.remind.runtime import ReminderRuntime
from voice_helper.remind.storage import reminders_data_dir

_LOGGER = logging.getLogger(__name__)


class ReminderService(ReminderRuntime):
    """The running reminders (ReminderRuntime) that also answer the dialogue's port: reminder
    replies and log replies each come from their own class; the socket runs ControlDispatch."""

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
        super().__init__(
            settings,
            data_dir,
            announce,
            clock,
            content_dir,
            socket_path=socket_path,
            speech_reports=speech_reports,
        )
        self.replies = ReminderReplies(self)
        self.log_replies = PumpLogReplies(self)
        self.dispatch = ControlDispatch(self, self)
        self.control = self.dispatch.handle

    def reminders_request(self, request: dict[str, Any]) -> dict[str, Any]:
        """Apply a CLI request (list/add/remove/clear/sessions) as the control socket would."""
        return self.dispatch.handle(request)

    # The dialogue's port (voice_helper.remind.contract.ReminderPort) --------------------------

    def set_reminder(
        self,
        kind: str,
        every_minutes: float | None = None,
        in_minutes: float | None = None,
        at: str | None = None,
    ) -> str:
        """Add a pump, relax or breathing reminder; the reply says when it comes."""
        return self.replies.set_reminder(kind, every_minutes, in_minutes, at)

    def list_reminders(self) -> str:
        """Say when the next reminder of each kind comes."""
        return self.replies.list_reminders()

    def cancel_reminders(self) -> str:
        """Remove every reminder (a running session keeps its cues)."""
        return self.replies.cancel_reminders()

    def snooze(self, minutes: float | None = None) -> str:
        """Say the last reminder again later."""
        return self.replies.snooze(minutes)

    def start_session(self) -> str:
        """Log the start of a pumping session and schedule its cues."""
        return self.replies.start_session()

    def end_session(self) -> str:
        """Log the end of the session; the next pump reminder counts from it."""
        return self.replies.end_session()

    def last_session(self) -> str:
        """Say how long ago the last session ended (or that one is running)."""
        return self.replies.last_session()

    def missed(self) -> str:
        """Summarise what came due unheard."""
        return self.replies.missed()

    def start_breathing(self, exercise_id: str | None = None) -> str:
        """Start a guided breathing exercise; return its intro."""
        return self.replies.start_breathing(exercise_id)

    def stop_breathing(self) -> str:
        """Stop the breathing exercise at once."""
        return self.replies.stop_breathing()

    def log_amount(self, **slots: Any) -> str:
        """Log how much a session gave."""
        return self.log_replies.log_amount(**slots)

    def correct_amount(self, **slots: Any) -> str:
        """Change the amount said last."""
        return self.log_replies.correct_amount(**slots)

    def log_past_session(self, **slots: Any) -> str:
        """Log a session said afterwards."""
        return self.log_replies.log_past_session(**slots)

    def ask_log(self, question: str, period: str | None = None) -> str:
        """Answer a question about the log."""
        return self.log_replies.ask_log(question, period)

    def amount_wanted(self) -> bool:
        """Whether the session that just ended (or was logged) still needs its amount."""
        return self.log_replies.amount_wanted()

    def log_facts(self, cause_id: str) -> LogFacts | None:
        """What the log shows about a troubleshooting cause."""
        return self.log_replies.log_facts(cause_id)


def _print_announcement(service: list[ReminderService]) -> Callable[[Announcement], None]:
    def announce(announcement: Announcement) -> None:
        print(" ".join(announcement.text.split()), flush=True)
        if service:
            service[0].mark_spoken(announcement.job_id, announcement.due_at)

    return announce


def reminders_for_cli(args: argparse.Namespace) -> ReminderPort | None:
    """The running assistant's reminders, else a local service (announcements print as lines);
    None when neither can be had (the dialogue then says reminders are not running). A local
    service is shut down when the command exits."""
    directory = reminders_data_dir()
    path = socket_path_for(directory)
    config = getattr(args, "config", None)
    content = getattr(args, "content", None)
    content_dir = Path(content) if content else None
    try:
        if send_request(path, {"op": "ping"}, timeout=2.0).get("ok"):
            return RemoteReminders(path, content_dir)
    except (NotRunning, OSError, ValueError):
        pass
    holder: list[ReminderService] = []
    try:
        service = ReminderService(
            load_settings(Path(config) if config else None),
            directory,
            _print_announcement(holder),
            content_dir=content_dir,
        )
        service.start()
    except VoiceHelperError as exc:
        _LOGGER.warning("reminders are not available: %s", exc)
        return None
    holder.append(service)
    atexit.register(service.shutdown)
    return service


def _conforms(service: ReminderService, remote: RemoteReminders) -> list[ReminderPort]:
    """Never called: mypy checks here that both implementations keep to the contract."""
    return [service, remote]
