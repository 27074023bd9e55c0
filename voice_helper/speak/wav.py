"""Check that a WAV file is complete and load it as mono float32 samples."""

from __future__ import annotations

import logging
import struct
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice_helper.errors import AudioError

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class WavInfo:
    """What the header of a complete PCM WAV file says."""

    sample_rate: int
    """Frames per second."""
    channels: int
    """Interleaved channels per frame."""
    sample_width: int
    """Bytes per sample."""
    frames: int
    """Number of frames in the data chunk."""
    file_size: int
    """Bytes in the file when it was read."""

    @property
    def duration_s(self) -> float:
        """Length of the audio in seconds."""
        return self.frames / self.sample_rate if self.sample_rate else 0.0


def inspect_wav(path: Path) -> WavInfo:
    """Read a WAV header and prove the file is complete; raise AudioError when it is not."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AudioError(f"Cannot read {path}: {exc.strerror}.") from exc
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioError(f"{path} is not a WAV file ({len(data)} bytes).")
    (riff_size,) = struct.unpack_from("<I", data, 4)
    if riff_size + 8 != len(data):
        raise AudioError(
            f"{path} is incomplete: header says {riff_size + 8} bytes, has {len(data)}."
        )
    fmt: tuple[int, int, int, int] | None = None
    data_size: int | None = None
    offset = 12
    while offset + 8 <= len(data):
        chunk_id = data[offset : offset + 4]
        (size,) = struct.unpack_from("<I", data, offset + 4)
        body = offset + 8
        if body + size > len(data):
            raise AudioError(f"{path} is incomplete: chunk {chunk_id!r} runs past the end.")
        if chunk_id == b"fmt " and size >= 16:
            tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", data, body)
            fmt = (tag, channels, rate, bits)
        elif chunk_id == b"data":
            data_size = size
        offset = body + size + (size & 1)
    if fmt is None or data_size is None:
        raise AudioError(f"{path} has no fmt or data chunk.")
    tag, channels, rate, bits = fmt
    if tag != 1 or bits not in (8, 16, 32) or channels < 1 or rate <= 0:
        raise AudioError(f"{path} is not plain PCM (format {tag}, {bits} bits, {channels} ch).")
    width = bits // 8
    return WavInfo(rate, channels, width, data_size // (width * channels), len(data))


def read_wav_mono(path: Path) -> tuple[np.ndarray, int]:
    """Load a PCM WAV file as mono float32 samples in -1..1 and its sample rate."""
    try:
        with wave.open(str(path), "rb") as wav:
            rate = wav.getframerate()
            channels = wav.getnchannels()
            width = wav.getsampwidth()
            raw = wav.readframes(wav.getnframes())
    except (OSError, EOFError, wave.Error) as exc:
        raise AudioError(f"Cannot read WAV file {path}: {exc}.") from exc
    if width == 2:
        samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    elif width == 4:
        samples = np.frombuffer(raw, dtype="<i4").astype(np.float32) / 2147483648.0
    elif width == 1:
        samples = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    else:
        raise AudioError(f"{path} uses {width * 8}-bit samples; only 8, 16 and 32 are supported.")
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return np.ascontiguousarray(samples, dtype=np.float32), rate
