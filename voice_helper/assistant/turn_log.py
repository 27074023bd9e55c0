"""The turn log: transcript.jsonl, with one event per turn once all its replies have ended."""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voice_helper.assistant.turns import Turn
from voice_helper.speak.channel import SpeechChannel
from voice_helper.speak.speech import Priority, Speech, SpokenUtterance


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


@dataclass
class _PendingTurn:
    """A turn whose replies are still queued or playing."""

    turn: Turn
    speech_end_s: float
    """Stream time her speech ended."""
    emitted_s: float
    """Stream time the utterance was handed on (after the closing window, or early)."""
    emitted_wall: float
    """time.monotonic() when recognition of it began."""
    replies: list[dict[str, Any]] = field(default_factory=list)
    """What became of each reply so far."""
    first_audio_wall: float | None = None
    """time.monotonic() when its first reply began to play."""
    remaining: int = 0
    """Replies not yet ended."""


class TurnLog:
    """Holds each turn until its last reply has played, been cut or failed, then writes it."""

    def __init__(self, transcript: TranscriptLog):
        self.transcript = transcript
        self._lock = threading.Lock()
        self._pending: dict[int, _PendingTurn] = {}
        self._turn_ids = iter(range(1, 10**9))

    def write(self, event: dict[str, Any]) -> None:
        """Record an event that is not a turn (a barge-in, a continuation, ...)."""
        self.transcript.write(event)

    def open(self, turn: Turn, speech_end_s: float, emitted_s: float, emitted_wall: float) -> int:
        """Start the record of a turn whose replies are about to be queued; return its id."""
        pending = _PendingTurn(
            turn, speech_end_s, emitted_s, emitted_wall, remaining=len(turn.replies)
        )
        if not turn.replies:
            self._write_turn(pending)
        turn_id = next(self._turn_ids)
        with self._lock:
            self._pending[turn_id] = pending
        return turn_id

    def drop_queued_replies(self, channel: SpeechChannel) -> None:
        """Drop the replies not yet begun; their turns are logged as cut, not left pending.

        Announcements stay queued: a reminder that fell due during the reply is still said.
        """
        for speech in channel.clear(Priority.REPLY, through=Priority.REPLY):
            turn_id = speech.metadata.get("turn")
            if not turn_id:
                continue
            with self._lock:
                pending = self._pending.get(turn_id)
                if pending is None:
                    continue
                pending.replies.append(
                    {"text": speech.text, "file": None, "cut": True, "error": None}
                )
                pending.remaining -= 1
                if pending.remaining > 0:
                    continue
                del self._pending[turn_id]
            self._write_turn(pending)

    def on_started(self, speech: Speech, started_at: float) -> None:
        """Channel hook: a clip started playing."""
        turn_id = speech.metadata.get("turn")
        with self._lock:
            pending = self._pending.get(turn_id) if turn_id else None
            if pending is not None and pending.first_audio_wall is None:
                pending.first_audio_wall = started_at

    def on_finished(self, spoken: SpokenUtterance) -> None:
        """Channel hook: a clip finished, was cut, or failed."""
        turn_id = spoken.utterance.metadata.get("turn")
        if spoken.utterance.metadata.get("resumed"):
            return  # a reply said again after she finished her sentence
        if not turn_id:
            self._write_announcement(spoken)
            return
        with self._lock:
            pending = self._pending.get(turn_id)
            if pending is None:
                return
            pending.replies.append(
                {
                    "text": spoken.utterance.text,
                    "file": str(spoken.file) if spoken.file else None,
                    "cut": spoken.cut,
                    "error": spoken.error,
                }
            )
            pending.remaining -= 1
            if pending.remaining > 0:
                return
            del self._pending[turn_id]
        self._write_turn(pending)

    def _write_turn(self, pending: _PendingTurn) -> None:
        turn = pending.turn
        latency = None
        if pending.first_audio_wall is not None:
            hangover = pending.emitted_s - pending.speech_end_s
            latency = round((hangover + pending.first_audio_wall - pending.emitted_wall) * 1000)
        self.transcript.write(
            {
                "event": "turn",
                "heard": turn.heard,
                "intent": turn.intent.name if turn.intent else None,
                "slots": dict(turn.intent.slots) if turn.intent else {},
                "reply": " ".join(r["text"] for r in pending.replies),
                "reply_files": [r["file"] for r in pending.replies],
                "reply_file": pending.replies[0]["file"] if pending.replies else None,
                "latency_ms": latency,
                "speech_end_s": round(pending.speech_end_s, 3),
                "hangover_ms": round((pending.emitted_s - pending.speech_end_s) * 1000),
            }
        )

    def _write_announcement(self, spoken: SpokenUtterance) -> None:
        meta = spoken.utterance.metadata
        self.transcript.write(
            {
                "event": "announcement",
                "kind": spoken.utterance.kind,
                "text": spoken.utterance.text,
                "due_at": meta.get("due_at"),
                "spoken_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "file": str(spoken.file) if spoken.file else None,
                "cut": spoken.cut,
            }
        )
