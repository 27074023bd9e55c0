"""Audio sources that yield fixed 16 kHz mono int16 frames: WAV files, raw stdin, a microphone."""

from __future__ import annotations

import logging
import queue
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Self

import numpy as np

from voice_helper.errors import AudioError
from voice_helper.wavfile import load_wav_16k

_LOGGER = logging.getLogger(__name__)

SAMPLE_RATE = 16000
"""Samples per second of every frame and utterance."""
FRAME_MS = 30
"""Frame length; webrtcvad accepts 10, 20 or 30 ms."""
FRAME_SAMPLES = SAMPLE_RATE * FRAME_MS // 1000
NO_INPUT_HINT = (
    "pass --input FILE.wav, or run `voice-helper demo` / `voice-helper chat`, "
    "or name a device with --device"
)


@dataclass(frozen=True)
class Frame:
    """One fixed-length block of 16 kHz mono audio."""

    samples: np.ndarray
    """int16 samples, FRAME_SAMPLES of them."""
    start_s: float
    """Seconds from the start of the stream to the first sample."""

    @property
    def end_s(self) -> float:
        """Seconds from the start of the stream to just after the last sample."""
        return self.start_s + self.samples.size / SAMPLE_RATE


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Samples as int16; floats are taken to be in -1..1."""
    if samples.dtype == np.int16:
        return samples
    if np.issubdtype(samples.dtype, np.floating):
        return (np.clip(samples, -1.0, 1.0) * 32767.0).round().astype(np.int16)
    return np.clip(samples, -32768, 32767).astype(np.int16)


def to_float32(samples: np.ndarray) -> np.ndarray:
    """Samples as float32 in -1..1."""
    if samples.dtype == np.float32:
        return samples
    if samples.dtype == np.int16:
        return samples.astype(np.float32) / 32768.0
    return samples.astype(np.float32)


def frames_from_samples(samples: np.ndarray, start_s: float = 0.0) -> Iterator[Frame]:
    """Cut 16 kHz samples into frames; the last one is padded with silence."""
    pcm = to_int16(samples)
    for index in range(0, pcm.size, FRAME_SAMPLES):
        chunk = pcm[index : index + FRAME_SAMPLES]
        if chunk.size < FRAME_SAMPLES:
            chunk = np.concatenate([chunk, np.zeros(FRAME_SAMPLES - chunk.size, np.int16)])
        yield Frame(chunk, start_s + index / SAMPLE_RATE)


def file_frames(path: Path) -> Iterator[Frame]:
    """Frames of a WAV file of any common format, resampled to 16 kHz mono."""
    return frames_from_samples(load_wav_16k(path))


def raw_frames(stream: BinaryIO | None = None) -> Iterator[Frame]:
    """Frames of raw 16 kHz mono signed 16-bit little-endian PCM, e.g. from stdin."""
    source = stream if stream is not None else sys.stdin.buffer
    want = FRAME_SAMPLES * 2
    buffered = b""
    position = 0
    while True:
        chunk = source.read(want - len(buffered))
        if not chunk:
            break
        buffered += chunk
        if len(buffered) == want:
            yield Frame(np.frombuffer(buffered, "<i2").astype(np.int16), position / SAMPLE_RATE)
            position += FRAME_SAMPLES
            buffered = b""
    if len(buffered) >= 2:
        tail = np.frombuffer(buffered[: len(buffered) // 2 * 2], "<i2").astype(np.int16)
        yield from frames_from_samples(tail, position / SAMPLE_RATE)


def _sounddevice() -> Any:
    try:
        import sounddevice
    except OSError as exc:  # PortAudio's shared library is missing
        raise AudioError(
            "The PortAudio library is missing (on Debian: apt-get install "
            f"libportaudio2); or {NO_INPUT_HINT}"
        ) from exc
    return sounddevice


def input_devices() -> list[tuple[int, str]]:
    """Index and name of every device that can record."""
    sd = _sounddevice()
    try:
        devices = sd.query_devices()
    except sd.PortAudioError as exc:
        raise AudioError(f"Cannot list audio devices ({exc}); {NO_INPUT_HINT}") from exc
    return [
        (index, str(dev["name"]))
        for index, dev in enumerate(devices)
        if dev["max_input_channels"] > 0
    ]


def find_input_device(device: str | int | None) -> int | None:
    """Resolve a device name (or part of one) or index; None means the system default."""
    inputs = input_devices()
    if not inputs:
        raise AudioError(f"No microphone or other input device was found; {NO_INPUT_HINT}")
    if device is None or device == "":
        return None
    names = ", ".join(f"{index}: {name}" for index, name in inputs)
    if isinstance(device, int) or str(device).isdigit():
        wanted = int(device)
        if any(index == wanted for index, _ in inputs):
            return wanted
        raise AudioError(f"There is no input device number {wanted}; inputs are: {names}")
    exact = [index for index, name in inputs if name.lower() == str(device).lower()]
    partial = [index for index, name in inputs if str(device).lower() in name.lower()]
    if exact or len(partial) == 1:
        return (exact or partial)[0]
    if partial:
        raise AudioError(
            f"The device name {device!r} matches several inputs; name one exactly: {names}"
        )
    raise AudioError(f"No input device is called {device!r}; inputs are: {names}")


class Microphone:
    """Frames from a sound card input (or any PortAudio input) at 16 kHz mono."""

    def __init__(self, device: str | int | None = None, max_queued_s: float = 10.0):
        self._sd = _sounddevice()
        self.device = find_input_device(device)
        self._queue: queue.Queue[np.ndarray] = queue.Queue(
            maxsize=int(max_queued_s * 1000 / FRAME_MS)
        )
        self._stream: Any = None
        self._position = 0
        self.dropped = 0
        """Frames thrown away because the reader fell behind."""

    def _on_audio(self, indata: np.ndarray, frames: int, _time: Any, status: Any) -> None:
        if status:
            _LOGGER.debug("microphone status: %s", status)
        try:
            self._queue.put_nowait(indata[:, 0].copy())
        except queue.Full:
            self.dropped += 1

    def start(self) -> None:
        """Open the device and start recording into the queue."""
        try:
            self._stream = self._sd.InputStream(
                samplerate=SAMPLE_RATE,
                channels=1,
                dtype="int16",
                blocksize=FRAME_SAMPLES,
                device=self.device,
                callback=self._on_audio,
            )
            self._stream.start()
        except (self._sd.PortAudioError, ValueError) as exc:
            self._stream = None
            raise AudioError(
                f"Cannot record from input device {self.device!r} ({exc}); {NO_INPUT_HINT}"
            ) from exc
        _LOGGER.info("recording from %s", self.device if self.device is not None else "default")

    def stop(self) -> None:
        """Stop recording and close the device."""
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def frames(self, timeout_s: float | None = None) -> Iterator[Frame]:
        """Recorded frames in order; stops after timeout_s without audio, or when stopped."""
        while self._stream is not None or not self._queue.empty():
            try:
                block = self._queue.get(timeout=timeout_s if timeout_s is not None else 0.5)
            except queue.Empty:
                if timeout_s is not None:
                    return
                continue
            frame = Frame(block, self._position / SAMPLE_RATE)
            self._position += block.size
            yield frame


def concatenate(frames: Iterable[Frame]) -> np.ndarray:
    """All samples of some frames as one int16 array."""
    blocks = [frame.samples for frame in frames]
    return np.concatenate(blocks) if blocks else np.zeros(0, np.int16)
