"""Text to speech: synthesise text into a checked WAV file with pyttsx3 and espeak-ng."""

from __future__ import annotations

import logging
import os
import threading
import uuid
import weakref
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Self

import numpy as np

from voice_helper.config import Settings
from voice_helper.errors import AudioError, VoiceHelperError
from voice_helper.speak.tts_process import TtsProcess, TtsWorkerError, stop_process
from voice_helper.speech_time import speech_units
from voice_helper.wavfile import inspect_wav, read_wav

_LOGGER = logging.getLogger(__name__)


class TtsError(VoiceHelperError):
    """Speech could not be synthesised."""


@dataclass(frozen=True)
class VoiceSettings:
    """How the assistant sounds."""

    voice: str = "en-us"
    """espeak-ng voice, e.g. "en-us"."""
    rate: int = 160
    """Speaking rate in words per minute."""
    volume: float = 1.0
    """Loudness, 0..1."""

    @classmethod
    def from_settings(cls, settings: Settings) -> VoiceSettings:
        """The voice part of the assistant's settings."""
        return cls(voice=settings.voice, rate=settings.rate, volume=settings.volume)


@dataclass(frozen=True)
class SpeechClip:
    """A finished, checked speech file."""

    path: Path
    """The WAV file (16-bit mono)."""
    text: str
    """What it says."""
    duration_s: float
    """Length of the audio in seconds."""
    sample_rate: int
    """Frames per second of the file."""

    def samples(self) -> np.ndarray:
        """The audio as mono float32 samples in -1..1."""
        return read_wav(self.path)[0]


class _BadClip(Exception):
    """The engine reported success but the file fails a check."""


def plausible_duration(text: str, rate: int) -> tuple[float, float]:
    """Shortest and longest believable duration in seconds of `text` spoken at `rate` wpm."""
    expected = speech_units(text) * 60.0 / max(rate, 1)
    return 0.3 * expected, 3.0 * expected + 2.0


class SpeechSynthesizer:
    """Synthesise speech to files, one request at a time, through one engine process."""

    def __init__(self, voice: VoiceSettings | None = None, *, timeout_s: float = 10.0) -> None:
        self.voice = voice or VoiceSettings()
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._worker: TtsProcess | None = None
        self._finalizer: weakref.finalize | None = None
        self._closed = False
        with self._lock:  # start now so the first reply does not pay for the engine start
            self._ensure_worker()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def synthesize(
        self,
        text: str,
        out_path: Path,
        rate: int | None = None,
        volume: float | None = None,
        voice: str | None = None,
    ) -> SpeechClip:
        """Write `text` as speech to `out_path` and return the checked clip."""
        text = " ".join(text.split())
        if not text:
            raise TtsError("Nothing to say: the text is empty.")
        wanted = replace(
            self.voice,
            rate=self.voice.rate if rate is None else int(rate),
            volume=self.voice.volume if volume is None else float(volume),
            voice=voice or self.voice.voice,
        )
        if not 0.0 <= wanted.volume <= 1.0:
            raise TtsError(f"Volume {wanted.volume} is outside 0..1; use a value like 0.8.")
        if not 20 <= wanted.rate <= 1000:
            raise TtsError(f"Rate {wanted.rate} wpm is not usable; use 60..400 (160 is usual).")
        out_path = Path(out_path)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        problem = ""
        with self._lock:
            if self._closed:
                raise TtsError("The speech synthesizer is closed.")
            for attempt in (1, 2):
                tmp = out_path.with_name(f".{out_path.stem}.{uuid.uuid4().hex[:10]}.tmp.wav")
                try:
                    clip = self._attempt(text, wanted, tmp, out_path)
                    if attempt > 1:
                        _LOGGER.info("speech synthesis succeeded on retry for %r", text[:40])
                    return clip
                except (TtsWorkerError, _BadClip, AudioError) as exc:
                    problem = str(exc)
                    _LOGGER.warning("speech synthesis attempt %d failed: %s", attempt, problem)
                    self._stop_worker()  # a fresh engine process for the retry
                finally:
                    tmp.unlink(missing_ok=True)
        raise TtsError(
            f"Could not synthesise speech for {text[:40]!r}: {problem}. "
            "Check that espeak-ng works (`espeak-ng hello`)."
        )

    def _attempt(self, text: str, wanted: VoiceSettings, tmp: Path, out_path: Path) -> SpeechClip:
        worker = self._ensure_worker()
        reply = worker.request(
            {
                "text": text,
                "path": str(tmp),
                "voice": wanted.voice,
                "rate": wanted.rate,
                "volume": wanted.volume,
                "timeout_s": self.timeout_s,
            },
            self.timeout_s + 5.0 + len(text) * 0.002,
        )
        if not reply.get("ok"):
            if reply.get("fatal"):
                raise TtsError(
                    f"The speech engine refused: {reply.get('error')}. List voices with "
                    "`espeak-ng --voices` and set `voice` in the config (e.g. en-us)."
                )
            raise _BadClip(str(reply.get("error")))
        if reply.get("set_tries", 1) > 1 or reply.get("attempts", 1) > 1:
            _LOGGER.info(
                "speech engine needed %s tries to apply rate/volume and %s to write the file",
                reply.get("set_tries"),
                reply.get("attempts"),
            )
        info = inspect_wav(tmp)
        if tmp.stat().st_size != info.file_size:
            raise _BadClip(f"{tmp.name} was still growing")
        if info.frames == 0:
            raise _BadClip(f"{tmp.name} has no audio frames")
        low, high = plausible_duration(text, wanted.rate)
        if not low <= info.duration_s <= high:
            raise _BadClip(
                f"{info.duration_s:.2f}s of audio is implausible for {speech_units(text)} words "
                f"at {wanted.rate} wpm (expected {low:.2f}..{high:.2f}s)"
            )
        if wanted.volume >= 0.05 and speech_units(text) and not np.any(read_wav(tmp)[0]):
            raise _BadClip(f"{tmp.name} is silent")
        os.replace(tmp, out_path)
        _LOGGER.debug("synthesised %.2fs for %r -> %s", info.duration_s, text[:40], out_path)
        return SpeechClip(out_path, text, info.duration_s, info.sample_rate)

    def _ensure_worker(self) -> TtsProcess:
        if self._worker is None or not self._worker.alive:
            self._stop_worker()
            try:
                self._worker = TtsProcess()
            except TtsWorkerError as exc:
                raise TtsError(
                    f"The speech engine did not start: {exc}. Install espeak-ng "
                    "(`sudo apt install espeak-ng`) and pyttsx3."
                ) from exc
            self._finalizer = weakref.finalize(self, stop_process, self._worker.process)
        return self._worker

    def _stop_worker(self) -> None:
        if self._finalizer is not None:
            self._finalizer()
        self._worker = None
        self._finalizer = None

    def close(self) -> None:
        """Stop the engine process; later synthesize() calls raise TtsError."""
        with self._lock:
            self._closed = True
            self._stop_worker()
