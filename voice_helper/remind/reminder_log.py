"""The reminders' log file as one object: deliveries and notices, and pumping sessions (the
pumping log's amounts live in the same file, voice_helper/pumplog/store.py)."""

from __future__ import annotations

from voice_helper.remind.delivery_log import DeliveryLog
from voice_helper.remind.session_log import SessionLog


class ReminderLog(DeliveryLog, SessionLog):
    """The log file (log.sqlite): one connection, one queue of kept writes, every table."""
