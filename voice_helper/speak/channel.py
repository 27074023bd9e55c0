"""The single ordered output channel: everything the assistant says, one utterance at a time."""

from __future__ import annotations

import itertools
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

from voice_helper.speak.playback import notify, speak_once
from voice_helper.speak.sinks import ChunkHook, Sink
from voice_helper.speak.speech import Priority, Speech, SpokenUtterance
from voice_helper.speak.tts import SpeechSynthesizer

_LOGGER = logging.getLogger(__name__)


@dataclass
class _Entry:
    seq: int
    utterance: Speech
    future: Future[SpokenUtterance]
    queued_at: float

    @property
    def order(self) -> tuple[int, int]:
        return (int(self.utterance.priority), self.seq)


class SpeechChannel:
    """One priority queue and one worker thread that synthesises and plays each utterance in turn."""

    def __init__(
        self,
        synthesizer: SpeechSynthesizer,
        sink: Sink,
        *,
        reminder_wait_seconds: float = 30.0,
        on_started: Callable[[Speech, float], None] | None = None,
        on_finished: Callable[[SpokenUtterance], None] | None = None,
        on_play_chunk: ChunkHook | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.synthesizer = synthesizer
        self.sink = sink
        self.reminder_wait_seconds = reminder_wait_seconds
        self.on_started = on_started
        self.on_finished = on_finished
        self.on_play_chunk = on_play_chunk
        self.clock = clock
        """What the channel's times are read from; a test drives its own and calls tick()."""
        self.speaking = threading.Event()
        """Set while audio is playing; read it, do not set it."""
        self._cond = threading.Condition()
        self._queue: list[_Entry] = []
        self._seq = itertools.count(1)
        self._current: _Entry | None = None
        self._cancel = threading.Event()
        self._held = False
        self._closed = False
        self._workdir = Path(tempfile.mkdtemp(prefix="voice-helper-speech-"))
        self._thread = threading.Thread(target=self._run, name="speech-channel", daemon=True)
        self._thread.start()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def say(self, utterance: Speech | str) -> Future[SpokenUtterance]:
        """Queue an utterance; the future resolves when it has been spoken, cut or failed."""
        if isinstance(utterance, str):
            utterance = Speech(utterance)
        future: Future[SpokenUtterance] = Future()
        with self._cond:
            if self._closed:
                raise RuntimeError("the speech channel is closed")
            entry = _Entry(next(self._seq), utterance, future, self.clock())
            self._queue.append(entry)
            self._cond.notify_all()
        _LOGGER.debug("queued %s #%d: %r", utterance.kind, entry.seq, utterance.text[:60])
        return future

    def current(self) -> Speech | None:
        """The utterance being synthesised or played, if any."""
        with self._cond:
            return self._current.utterance if self._current is not None else None

    def cancel_current(self) -> Speech | None:
        """Cut the utterance being synthesised or played (barge-in); return it, if any."""
        with self._cond:
            if self._current is None:
                return None
            self._cancel.set()
            return self._current.utterance

    def clear(
        self, from_priority: Priority = Priority.SAFETY, through: Priority | None = None
    ) -> list[Speech]:
        """Drop queued utterances of `from_priority` and anything less urgent (down to
        `through`, if given); return them."""
        last = max(Priority) if through is None else through
        with self._cond:
            dropped = [e for e in self._queue if from_priority <= e.utterance.priority <= last]
            self._queue = [
                e for e in self._queue if not from_priority <= e.utterance.priority <= last
            ]
            self._cond.notify_all()
        for entry in dropped:
            entry.future.cancel()
        return [entry.utterance for entry in dropped]

    def hold_announcements(self) -> None:
        """Keep announcements waiting while a conversation turn is in progress."""
        with self._cond:
            self._held = True
            self._cond.notify_all()

    def release_announcements(self) -> None:
        """Let held announcements be spoken."""
        with self._cond:
            self._held = False
            self._cond.notify_all()

    def tick(self) -> None:
        """Look at the clock again now: a test that moved its own clock calls this."""
        with self._cond:
            self._cond.notify_all()

    @property
    def announcements_held(self) -> bool:
        """Whether announcements are being held."""
        return self._held

    def pending(self) -> list[Speech]:
        """Queued utterances in the order they would be spoken now (ignoring the hold)."""
        with self._cond:
            return [e.utterance for e in sorted(self._queue, key=lambda e: e.order)]

    def busy(self) -> bool:
        """Speaking now, or something queued (held announcements too)."""
        return self.speaking.is_set() or bool(self.pending())

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until everything queued has been spoken (held announcements too); False on timeout."""
        with self._cond:
            return self._cond.wait_for(
                lambda: not self._queue and self._current is None, timeout=timeout
            )

    def close(self, timeout: float = 5.0) -> None:
        """Cut what is playing, drop what is queued and stop the worker."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            dropped, self._queue = self._queue, []
            self._cancel.set()
            self._cond.notify_all()
        for entry in dropped:
            entry.future.cancel()
        self._thread.join(timeout)
        if self._thread.is_alive():
            _LOGGER.warning(
                "speech worker still busy after %.1fs; leaving %s", timeout, self._workdir
            )
            return
        shutil.rmtree(self._workdir, ignore_errors=True)

    def _run(self) -> None:
        while (entry := self._next_entry()) is not None:
            try:
                record = self._speak(entry)
            except Exception as exc:  # the channel must outlive any one utterance
                _LOGGER.exception("speaking %r failed", entry.utterance.text[:60])
                record = SpokenUtterance(
                    entry.utterance, entry.queued_at, None, self.clock(), error=str(exc)
                )
            self.speaking.clear()
            entry.future.set_result(record)
            notify(self.on_finished, record)
            with self._cond:
                self._current = None
                self._cond.notify_all()

    def _next_entry(self) -> _Entry | None:
        with self._cond:
            while not self._closed:
                entry, wait = _pick(
                    self._queue, self._held, self.reminder_wait_seconds, self.clock()
                )
                if entry is not None:
                    self._queue.remove(entry)
                    if entry.future.set_running_or_notify_cancel():
                        self._current = entry
                        self._cancel = threading.Event()
                        return entry
                    continue
                self._cond.wait(wait)
            return None

    def _speak(self, entry: _Entry) -> SpokenUtterance:
        return speak_once(
            entry.utterance,
            self._workdir / f"{entry.seq:06d}.wav",
            entry.queued_at,
            self._cancel,
            synthesizer=self.synthesizer,
            sink=self.sink,
            clock=self.clock,
            speaking=self.speaking,
            hooks=self,
        )


def _pick(
    queue: list[_Entry], held: bool, hold_limit_s: float, now: float
) -> tuple[_Entry | None, float | None]:
    """The next entry allowed to speak, else how long until a held one may."""
    wait: float | None = None
    for entry in sorted(queue, key=lambda e: e.order):
        if entry.utterance.priority >= Priority.ANNOUNCEMENT and held:
            remaining = entry.queued_at + hold_limit_s - now
            if remaining > 0:
                wait = remaining if wait is None else min(wait, remaining)
                continue
            _LOGGER.info(
                "announcement waited %.1fs; speaking it during the conversation", hold_limit_s
            )
        return entry, None
    return None, wait
