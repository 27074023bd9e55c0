"""Reminders: APScheduler on SQLite, pumping sessions, relaxation and breathing, quiet hours."""

from voice_helper.remind.announcement import Announcement
from voice_helper.remind.service import ReminderService

__all__ = ["Announcement", "ReminderService"]
