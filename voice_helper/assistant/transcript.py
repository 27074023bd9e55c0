"""transcript.jsonl: one JSON event per turn and per announcement."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any


class TranscriptLog:
    """Appends events to a JSON-lines file, one line each, safely from several threads.

    What she said is in it: the file is 0600, and its folder 0700 when it is made here."""

    def __init__(self, path: Path | None):
        self.path = path
        self._lock = threading.Lock()
        self.events: list[dict[str, Any]] = []
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
            os.chmod(path, 0o600)

    def write(self, event: dict[str, Any]) -> None:
        """Record one event."""
        with self._lock:
            self.events.append(event)
            if self.path is not None:
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(event, ensure_ascii=False) + "\n")
