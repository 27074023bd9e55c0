"""Where spoken clips go: a folder of numbered WAV files, or a sound card."""

from __future__ import annotations

import logging
import re
import shutil
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from voice_helper.errors import AudioError
from voice_helper.speak.tts import SpeechClip

_LOGGER = logging.getLogger(__name__)

ChunkHook = Callable[[np.ndarray, int, float], None]
"""Called with (samples, sample_rate, time.monotonic() at which they reach the speaker) as a clip
plays: the reference signal for an echo canceller. WavDirSink reports the whole clip at once."""

_NUMBERED = re.compile(r"^(\d{4,})-")


@dataclass(frozen=True)
class Played:
    """What a sink did with one clip."""

    file: Path | None
    """Where the clip was kept, if it was kept."""
    cut: bool
    """Whether playback stopped early because it was cancelled."""


class Sink(ABC):
    """An audio output that plays one clip at a time."""

    @abstractmethod
    def play(
        self,
        clip: SpeechClip,
        kind: str,
        cancel: threading.Event,
        on_chunk: ChunkHook | None = None,
    ) -> Played:
        """Play `clip` to the end, or until `cancel` is set; block meanwhile.

        `kind` says what the clip is for (reply, safety, announcement, ...)."""

    def close(self) -> None:
        """Release the output."""


class WavDirSink(Sink):
    """Keep each clip as a numbered file in a folder: 0001-reply.wav, 0002-safety.wav, ..."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        # 0700 when made here: the transcript of what she said goes beside the replies.
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        numbers = [
            int(match.group(1))
            for entry in self.directory.iterdir()
            if (match := _NUMBERED.match(entry.name))
        ]
        self._next = max(numbers, default=0) + 1

    def play(
        self,
        clip: SpeechClip,
        kind: str,
        cancel: threading.Event,
        on_chunk: ChunkHook | None = None,
    ) -> Played:
        """Move the clip into the folder under the next number."""
        name = re.sub(r"[^a-z0-9_]+", "_", kind.lower()) or "speech"
        target = self.directory / f"{self._next:04d}-{name}.wav"
        self._next += 1
        if on_chunk is not None:
            on_chunk(clip.samples(), clip.sample_rate, time.monotonic())
        shutil.move(str(clip.path), target)
        return Played(file=target, cut=cancel.is_set())


def _resample(samples: np.ndarray, rate: int, new_rate: int) -> np.ndarray:
    """Linear-interpolation resampling; good enough for speech."""
    if rate == new_rate or samples.size == 0:
        return samples
    count = round(samples.size * new_rate / rate)
    positions = np.linspace(0, samples.size - 1, count)
    return np.interp(positions, np.arange(samples.size), samples).astype(np.float32)


def _device_id(device: str | int | None) -> str | int | None:
    if isinstance(device, str) and device.strip().isdigit():
        return int(device)
    return device


class _Playback:
    """State shared between the audio callback and the thread waiting for the clip to end."""

    def __init__(self, samples: np.ndarray, stop: type[BaseException]) -> None:
        self.samples = samples
        self._stop = stop
        """sounddevice.CallbackStop: raised when the last sample has been handed over."""
        self.position = 0
        self.done = threading.Event()
        self.heard: deque[tuple[int, int, float]] = deque()
        """(start, end, monotonic time the block reaches the speaker), filled by the callback."""

    def callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        start = self.position
        block = self.samples[start : start + frames]
        outdata[: block.size, 0] = block
        outdata[block.size :, 0] = 0.0
        self.position = start + block.size
        if block.size:
            ahead = time_info.outputBufferDacTime - time_info.currentTime
            ahead = ahead if 0.0 <= ahead < 1.0 else 0.0  # some host APIs report no DAC time
            self.heard.append((start, self.position, time.monotonic() + ahead))
        if self.position >= self.samples.size:
            raise self._stop()


class SoundDeviceSink(Sink):
    """Play clips on a sound card through sounddevice; a cut takes effect within one poll."""

    def __init__(self, device: str | int | None = None, poll_ms: int = 20) -> None:
        try:
            import sounddevice
        except (ImportError, OSError) as exc:
            raise AudioError(
                f"Cannot use the sound card: {exc}. Install PortAudio (apt install libportaudio2)."
            ) from exc
        self._sd: Any = sounddevice
        self.device = _device_id(device)
        self.poll_s = poll_ms / 1000.0
        try:
            info = sounddevice.query_devices(self.device, "output")
        except (ValueError, sounddevice.PortAudioError) as exc:
            raise AudioError(
                f"Output device {device!r} is not usable: {exc}. "
                "Set output_device in the config to one listed by `python -m sounddevice`."
            ) from exc
        self._default_rate = int(info["default_samplerate"])

    def play(
        self,
        clip: SpeechClip,
        kind: str,
        cancel: threading.Event,
        on_chunk: ChunkHook | None = None,
    ) -> Played:
        """Play the clip from an audio callback; abort the stream as soon as `cancel` is set."""
        samples, rate = clip.samples(), clip.sample_rate
        problem: Exception | None = None
        for device_rate in dict.fromkeys((rate, self._default_rate)):
            playback = _Playback(_resample(samples, rate, device_rate), self._sd.CallbackStop)
            try:
                stream = self._sd.OutputStream(
                    samplerate=device_rate,
                    channels=1,
                    dtype="float32",
                    device=self.device,
                    latency="low",
                    blocksize=max(1, device_rate // 100),
                    callback=playback.callback,
                    finished_callback=playback.done.set,
                )
                break
            except (self._sd.PortAudioError, ValueError) as exc:
                problem = exc
        else:
            raise AudioError(f"Cannot open output device {self.device!r}: {problem}.")
        deadline = time.monotonic() + clip.duration_s * 2 + 5.0
        cut = False
        try:
            stream.start()
            while not playback.done.wait(self.poll_s):
                self._report(playback, device_rate, on_chunk)
                if cancel.is_set():
                    stream.abort()  # drops what is buffered: the cut is heard at once
                    cut = True
                    break
                if time.monotonic() > deadline:
                    stream.abort()
                    raise AudioError(f"Output device {self.device!r} stopped playing.")
            self._report(playback, device_rate, on_chunk)
        except self._sd.PortAudioError as exc:
            raise AudioError(f"Playback on {self.device!r} failed: {exc}.") from exc
        finally:
            stream.close()
        return Played(file=None, cut=cut)

    @staticmethod
    def _report(playback: _Playback, rate: int, on_chunk: ChunkHook | None) -> None:
        while playback.heard:
            start, end, heard_at = playback.heard.popleft()
            if on_chunk is not None:
                on_chunk(playback.samples[start:end], rate, heard_at)
