"""What the assistant says: one queued piece of speech, its priority, and what became of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any


class Priority(IntEnum):
    """Which queued speech is spoken first; lower goes first."""

    SAFETY = 0
    """Urgent health advice."""
    REPLY = 1
    """The answer to what the user just said."""
    ANNOUNCEMENT = 2
    """Scheduled reminders and cues; held while a conversation turn is in progress."""


@dataclass
class Speech:
    """Something the assistant wants to say."""

    text: str
    """The words to speak."""
    priority: Priority = Priority.REPLY
    """Queue priority."""
    kind: str = "reply"
    """What it is for, e.g. reply, safety, announcement, breathing; names the kept file."""
    metadata: dict[str, Any] = field(default_factory=dict)
    """Anything the caller wants back in the SpokenUtterance (e.g. a reminder id)."""
    volume: float | None = None
    """Volume for this utterance only (e.g. quiet hours); default: the voice's."""
    rate: int | None = None
    """Speaking rate for this utterance only (e.g. slow breathing cues); default: the voice's."""


@dataclass(frozen=True)
class SpokenUtterance:
    """What happened to one queued Speech, for logs and transcripts.

    Times are on the channel's clock: time.monotonic() unless a test gave it another."""

    utterance: Speech
    """The speech as queued."""
    queued_at: float
    """Clock time when it was queued."""
    started_at: float | None
    """Clock time when playback began; None when it never played."""
    ended_at: float
    """Clock time when playback ended (or it was given up)."""
    file: Path | None = None
    """Where the sink kept the audio, if it kept it."""
    cut: bool = False
    """Cancelled before or while playing."""
    duration_s: float = 0.0
    """Length of the synthesised audio."""
    error: str | None = None
    """Why it could not be spoken, if it could not."""

    @property
    def latency_ms(self) -> float | None:
        """Milliseconds from queueing to the start of playback."""
        return None if self.started_at is None else (self.started_at - self.queued_at) * 1000.0
