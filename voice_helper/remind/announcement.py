"""What the reminders hand to the output channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

KINDS = ("pump", "relax", "breathing", "session_cue", "summary")
"""Every Announcement kind."""


@dataclass(frozen=True)
class Announcement:
    """Something the reminders want said; the output channel decides when to speak it."""

    kind: str
    """One of KINDS."""
    text: str
    """Short speakable sentences."""
    due_at: datetime
    """When it came due (aware); with job_id, the key to pass back to mark_spoken()."""
    job_id: str
    """Id of the reminder job (or "summary", "breathing-..."), for mark_spoken()."""
    volume: float | None = None
    """Volume 0..1 to speak at (quiet hours); None for the normal volume."""
