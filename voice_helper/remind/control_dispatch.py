"""What the control socket's requests do in the running assistant: the CLI's reminder edits
(list/add/remove/clear/sessions) on the runtime, and the `chat` command's calls on the port."""

from __future__ import annotations

import logging
from typing import Any

from voice_helper.remind import commands
from voice_helper.remind.contract import PORT_METHODS, LogFacts, ReminderPort
from voice_helper.remind.jobs import JOBS_FILE
from voice_helper.remind.runtime import ReminderRuntime
from voice_helper.remind.storage import STORE_ERRORS, is_locked_error, locked_message, unavailable

_LOGGER = logging.getLogger(__name__)


class ControlDispatch:
    """Answers one request from the control socket (under the runtime's lock)."""

    def __init__(self, runtime: ReminderRuntime, port: ReminderPort):
        self.runtime = runtime
        self.port = port

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        """Apply a CLI request (list/add/remove/clear/sessions, ping, call) to the runtime."""
        runtime = self.runtime
        with runtime.lock:
            if request.get("op") == "sessions":
                sessions = runtime.log_or_raise().sessions()
                return {"ok": True, "sessions": [s.to_json() for s in sessions]}
            if request.get("op") == "ping":
                return {"ok": True}
            if request.get("op") == "call":
                return self.call(request)
            try:
                return commands.apply(
                    runtime.reminder_list_or_raise(), request, runtime.now(), runtime.first_run
                )
            except STORE_ERRORS as exc:  # not applied: say why, in one line
                _LOGGER.error("a CLI request could not be applied: %s", exc)
                path = runtime.directory / JOBS_FILE
                text = locked_message(path) if is_locked_error(exc) else unavailable(path, exc)
                return {"ok": False, "error": str(text)}

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        """Run one method of the contract for a client (the `chat` command); its reply."""
        method, slots = request.get("method"), request.get("slots") or {}
        if method not in PORT_METHODS or not isinstance(slots, dict):
            return {"ok": False, "error": f"unknown call {method!r}"}
        try:
            reply = getattr(self.port, method)(**slots)
        except TypeError as exc:
            return {"ok": False, "error": f"bad slots for {method}: {exc}"}
        return {"ok": True, "reply": reply.to_json() if isinstance(reply, LogFacts) else reply}
