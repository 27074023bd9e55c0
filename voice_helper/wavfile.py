"""WAV files with numpy only: read any common format as mono, resample, prove a file complete.

The microphone side reads recordings of any format (load_wav_16k); the speech side checks that
a synthesised file is whole before it is played (inspect_wav) and plays its samples (read_wav).
"""

from __future__ import annotations

import logging
import math
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice_helper.errors import AudioError

_LOGGER = logging.getLogger(__name__)

_PCM = 1
_FLOAT = 3
_EXTENSIBLE = 0xFFFE
_HOW_TO_CONVERT = "convert it with: sox INPUT -r 16000 -c 1 -b 16 OUTPUT.wav"


@dataclass(frozen=True)
class WavFormat:
    """The sample format of a WAV file's data chunk."""

    rate: int
    """Samples per second per channel."""
    channels: int
    """Interleaved channels."""
    bits: int
    """Bits per sample: 8, 16, 24 or 32 (PCM), 32 or 64 (float)."""
    is_float: bool
    """IEEE float samples rather than integers."""


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


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Decode a WAV file to float32 mono in -1..1 at its own rate; raise AudioError if unusable."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise AudioError(f"{path}: no such file") from exc
    except OSError as exc:
        raise AudioError(f"{path}: cannot read it ({exc.strerror})") from exc
    if not data:
        raise AudioError(f"{path} is empty: it holds no audio")
    fmt, payload = _parse_riff(path, data)
    samples = _decode(payload, fmt)
    if samples.size == 0:
        raise AudioError(f"{path} is a WAV file with no audio samples in it")
    mono = samples.reshape(-1, fmt.channels).mean(axis=1, dtype=np.float32)
    return np.clip(mono, -1.0, 1.0).astype(np.float32), fmt.rate


def load_wav_16k(path: Path) -> np.ndarray:
    """Read any WAV file as 16 kHz mono float32 samples."""
    samples, rate = read_wav(path)
    return resample(samples, rate, 16000)


def _parse_riff(path: Path, data: bytes) -> tuple[WavFormat, bytes]:
    """Walk the RIFF chunks; return the format and the raw sample bytes."""
    if len(data) < 12 or data[:4] not in (b"RIFF", b"RIFX") or data[8:12] != b"WAVE":
        raise AudioError(f"{path} is not a WAV file (no RIFF/WAVE header); {_HOW_TO_CONVERT}")
    if data[:4] == b"RIFX":
        raise AudioError(
            f"{path} is a big-endian (RIFX) WAV, which is not supported; " + _HOW_TO_CONVERT
        )
    fmt: WavFormat | None = None
    offset = 12
    while offset + 8 <= len(data):
        chunk_id = data[offset : offset + 4]
        (size,) = struct.unpack_from("<I", data, offset + 4)
        body_start = offset + 8
        if chunk_id == b"fmt ":
            fmt = _parse_fmt(path, data[body_start : body_start + size])
        elif chunk_id == b"data":
            if fmt is None:
                raise AudioError(f"{path}: WAV data chunk comes before its format chunk")
            # Streamed WAVs (e.g. written to a pipe) carry a placeholder size: take what is there.
            end = len(data) if size in (0, 0xFFFFFFFF) else min(len(data), body_start + size)
            if end < body_start + size and size not in (0, 0xFFFFFFFF):
                _LOGGER.warning(
                    "%s: data chunk is cut short; using the %d bytes present",
                    path,
                    end - body_start,
                )
            block = fmt.channels * fmt.bits // 8
            payload = data[body_start:end]
            return fmt, payload[: len(payload) - len(payload) % block]
        offset = body_start + size + (size & 1)
    if fmt is None:
        raise AudioError(f"{path}: WAV file has no format chunk; {_HOW_TO_CONVERT}")
    raise AudioError(f"{path} is a WAV file with no audio samples in it")


def _parse_fmt(path: Path, body: bytes) -> WavFormat:
    if len(body) < 16:
        raise AudioError(f"{path}: WAV format chunk is too short")
    tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", body)
    if tag == _EXTENSIBLE and len(body) >= 26:
        (tag,) = struct.unpack_from("<H", body, 24)  # first two bytes of the sub-format GUID
    if tag not in (_PCM, _FLOAT):
        raise AudioError(
            f"{path}: WAV encoding {tag:#x} is not supported (only PCM and "
            f"float); {_HOW_TO_CONVERT}"
        )
    is_float = tag == _FLOAT
    allowed = (32, 64) if is_float else (8, 16, 24, 32)
    if bits not in allowed or channels < 1 or rate < 1000:
        raise AudioError(
            f"{path}: unsupported WAV format ({channels} channels, {rate} Hz, "
            f"{bits}-bit {'float' if is_float else 'PCM'}); {_HOW_TO_CONVERT}"
        )
    return WavFormat(rate=rate, channels=channels, bits=bits, is_float=is_float)


def _decode(payload: bytes, fmt: WavFormat) -> np.ndarray:
    """Interleaved samples as float32 in -1..1."""
    if fmt.is_float:
        dtype = "<f4" if fmt.bits == 32 else "<f8"
        return np.nan_to_num(np.frombuffer(payload, dtype=dtype)).astype(np.float32)
    if fmt.bits == 8:  # 8-bit WAV is unsigned, centred on 128
        return (np.frombuffer(payload, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    if fmt.bits == 16:
        return np.frombuffer(payload, dtype="<i2").astype(np.float32) / 32768.0
    if fmt.bits == 24:
        raw = np.frombuffer(payload, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        value = raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16)
        value = np.where(value >= 1 << 23, value - (1 << 24), value)
        return value.astype(np.float32) / float(1 << 23)
    return (np.frombuffer(payload, dtype="<i4").astype(np.float64) / 2.0**31).astype(np.float32)


def resample(samples: np.ndarray, src_rate: int, dst_rate: int, half_taps: int = 16) -> np.ndarray:
    """Band-limited (windowed-sinc, polyphase) resampling of float32 mono samples."""
    if src_rate == dst_rate or samples.size == 0:
        return samples.astype(np.float32, copy=False)
    common = math.gcd(src_rate, dst_rate)
    up, down = dst_rate // common, src_rate // common
    cutoff = min(1.0, dst_rate / src_rate)  # below the lower of the two Nyquist frequencies
    width = int(np.ceil(half_taps / cutoff))
    offsets = np.arange(-width + 1, width + 1)
    # Output n sits at input position n*down/up = base + phase/up: one kernel row per phase.
    x = (np.arange(up)[:, None] / up - offsets[None, :]) * cutoff
    window = np.cos(np.clip(x / (half_taps + 1), -1.0, 1.0) * (np.pi / 2)) ** 2
    table = (cutoff * np.sinc(x) * window).astype(np.float32)
    n_out = samples.size * up // down
    padded = np.concatenate(
        [np.zeros(width, np.float32), samples.astype(np.float32), np.zeros(width + 1, np.float32)]
    )
    out = np.empty(n_out, np.float32)
    step = max(1, 1_000_000 // offsets.size)  # bound the temporary matrices to a few MB
    for start in range(0, n_out, step):
        pos = np.arange(start, min(n_out, start + step), dtype=np.int64) * down
        base, phase = np.divmod(pos, up)
        taps = padded[base[:, None] + offsets[None, :] + width]
        out[start : start + pos.size] = np.einsum("ij,ij->i", taps, table[phase])
    return out
