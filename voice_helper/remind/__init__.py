"""Reminders: APScheduler on SQLite, pumping sessions, relaxation and breathing, quiet hours.

Wiring: `ReminderService(settings, announce=channel_hand_over).start()`; the output channel calls
`service.mark_spoken(announcement.job_id, announcement.due_at)` once it has played an
Announcement; `service.shutdown()` on exit. The dialogue calls the methods that return replies.
"""

from voice_helper.remind.announcement import Announcement
from voice_helper.remind.service import ReminderService

__all__ = ["Announcement", "ReminderService"]
