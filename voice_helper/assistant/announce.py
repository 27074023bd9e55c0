"""Reminders -> output channel: announcements are queued, and marked spoken once played."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from voice_helper.assistant.reminder_service import ReminderService
from voice_helper.config import Settings
from voice_helper.content import Content
from voice_helper.remind.announcement import Announcement
from voice_helper.speak.channel import SpeechChannel
from voice_helper.speak.speech import Priority, Speech, SpokenUtterance

_LOGGER = logging.getLogger(__name__)


def start_reminders(
    settings: Settings, content: Content, channel: SpeechChannel, data_dir: Path | None = None
) -> ReminderService:
    """Start the reminder service with every announcement going to the channel."""

    def announce(announcement: Announcement) -> None:
        channel.say(
            Speech(
                announcement.text,
                Priority.ANNOUNCEMENT,
                announcement.kind,
                {"job_id": announcement.job_id, "due_at": announcement.due_at.isoformat()},
                volume=announcement.volume,
            )
        )

    service = ReminderService(
        settings, data_dir, announce=announce, content_dir=content.directory, speech_reports=True
    )
    summary = service.start()
    if summary:
        _LOGGER.info("start-up summary: %s", summary)
    return service


def mark_spoken(service: ReminderService, spoken: SpokenUtterance) -> None:
    """Record a played announcement so it is never announced again after a restart; tell the
    reminders every utterance that ended (a breathing intro starts the cues' clock)."""
    try:
        service.speech_finished(spoken.utterance.text)
    except Exception:  # a bookkeeping failure must never silence the assistant
        _LOGGER.exception("could not pass on the end of an utterance")
    meta: dict[str, Any] = spoken.utterance.metadata
    if "job_id" not in meta or spoken.started_at is None or spoken.error:
        return
    try:
        service.mark_spoken(meta["job_id"], datetime.fromisoformat(meta["due_at"]))
    except Exception:  # a bookkeeping failure must never silence the assistant
        _LOGGER.exception("could not record that %s was spoken", meta["job_id"])
