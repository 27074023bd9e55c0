"""Reminders: APScheduler on SQLite, pumping sessions, relaxation and breathing, quiet hours.

runtime.py runs them (job store, firing, what was spoken); reminder_replies.py says what the
dialogue's requests come to; control_dispatch.py answers the control socket; contract.py is
the one ReminderPort the dialogue calls. voice_helper/reminder_service.py puts them together
with the pumping log's replies.
"""

from voice_helper.remind.announcement import Announcement

__all__ = ["Announcement"]
