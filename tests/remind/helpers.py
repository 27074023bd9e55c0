"""Test helpers: a clock the test drives, and a stand-in for the output channel."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from voice_helper.config import QuietHours, Settings
from voice_helper.remind import Announcement, ReminderService

ZONE = "Europe/London"


class FakeClock:
    """A clock that only moves when told to; it keeps UTC so that steps are real time."""

    def __init__(self, start: datetime):
        self.now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move forward and return the new time."""
        self.now += timedelta(**delta)
        return self.now


@dataclass
class Channel:
    """Keeps what it is handed; play() speaks the queue and confirms each one to the service."""

    queue: list[Announcement] = field(default_factory=list)
    heard: list[Announcement] = field(default_factory=list)
    service: ReminderService | None = None

    def __call__(self, announcement: Announcement) -> None:
        self.queue.append(announcement)

    def play(self) -> list[Announcement]:
        """Speak everything queued; return it."""
        played, self.queue = self.queue, []
        for announcement in played:
            self.heard.append(announcement)
            assert self.service is not None
            self.service.mark_spoken(announcement.job_id, announcement.due_at)
        return played

    def texts(self, kind: str | None = None) -> list[str]:
        """Texts heard (of one kind)."""
        return [a.text for a in self.heard if kind is None or a.kind == kind]


def settings(**changes: Any) -> Settings:
    """Settings for tests: London time, quiet hours off unless given."""
    quiet = changes.pop("quiet_hours", QuietHours(enabled=False))
    return replace(Settings(timezone=ZONE, quiet_hours=quiet), **changes)


def service(
    tmp_path: Path,
    clock: FakeClock | None,
    channel: Channel,
    config: Settings | None = None,
    **kwargs: Any,
) -> ReminderService:
    """A ReminderService on `tmp_path/data` whose socket lives in `tmp_path/run`."""
    made = ReminderService(
        config or settings(),
        tmp_path / "data",
        channel,
        clock,
        socket_path=tmp_path / "run" / "r.sock",
        **kwargs,
    )
    channel.service = made
    return made
