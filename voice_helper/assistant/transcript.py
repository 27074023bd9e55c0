"""transcript.jsonl: one JSON event per turn and per announcement."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any


class TranscriptLog:
    """Appends events to a JSON-lines file, one line each, safely from several threads."""

    def __init__(self, path: Path | None):
        self.path = path
        self._lock = threading.Lock()
        self.events: list[dict[str, Any]] = []
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")

    def write(self, event: dict[str, Any]) -> None:
        """Record one event."""
        with self._lock:
            self.events.append(event)
            if self.path is not None:
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(event, ensure_ascii=False) + "\n")
