"""Put speech into a stream of pump noise at a chosen signal-to-noise ratio."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from benchmarks.pump_noise import PumpSettings, pump_noise

SAMPLE_RATE = 16000
CONDITIONS = ("clean", "10dB", "5dB")
"""clean has only a faint noise floor; the others add the pump at that SNR."""
SPEECH_DBFS = -24.0
"""Average level of the speech-active part (a raised voice half a metre from the microphone)."""
FLOOR_DBFS = -60.0
"""The faint noise floor under every condition (room, microphone self-noise)."""
LEAD_S = 1.5
"""Pump noise before the speech: the endpointer learns the background from it."""
TRAIL_S = 1.2
"""Pump noise after the speech, longer than the endpointer's closing window."""
NOISE_VERSION = 2
"""Bump when the mixing or the pump changes, to invalidate cached transcripts."""
_FRAME = 480
_ACTIVE_BELOW_PEAK_DB = 35.0


@dataclass(frozen=True)
class Mixed:
    """A stream ready for the endpointer."""

    samples: np.ndarray
    """float32 -1..1 at 16 kHz."""
    speech_start_s: float
    """First speech-active frame."""
    speech_end_s: float
    """End of the last speech-active frame: where "end of speech" is measured from."""


def active_frames(speech: np.ndarray) -> np.ndarray:
    """Boolean per 30 ms frame: within 35 dB of the loudest frame (speech, not its silences)."""
    n = speech.size // _FRAME
    if n == 0:
        return np.zeros(0, bool)
    power = np.mean(speech[: n * _FRAME].reshape(n, _FRAME).astype(np.float64) ** 2, axis=1)
    level = 10 * np.log10(np.maximum(power, 1e-12))
    return level > level.max() - _ACTIVE_BELOW_PEAK_DB


def active_power(speech: np.ndarray) -> float:
    """Mean power of the speech-active frames."""
    mask = active_frames(speech)
    n = mask.size
    frames = speech[: n * _FRAME].reshape(n, _FRAME).astype(np.float64)
    return float(np.mean(frames[mask] ** 2)) if mask.any() else 0.0


@lru_cache(maxsize=8)
def pump_bank(index: int, seconds: float = 60.0) -> np.ndarray:
    """One of four pumps (cycle rate 0.7-1.5 Hz, motor 50-60 Hz), at -30 dBFS RMS."""
    settings = (
        PumpSettings(cycles_per_s=0.75, motor_hz=50.0),
        PumpSettings(cycles_per_s=1.0, motor_hz=55.0, whine_hz=2600.0),
        PumpSettings(cycles_per_s=1.25, motor_hz=60.0, whine_hz=1900.0),
        PumpSettings(cycles_per_s=1.45, motor_hz=58.0, stroke_db=-3.0),
    )[index % 4]
    return pump_noise(seconds, -30.0, settings, seed=100 + index)


def seed_for(*parts: str) -> int:
    """A stable seed from strings (Python's hash() changes between runs)."""
    return zlib.crc32("\n".join(parts).encode())


def mix(speech: np.ndarray, condition: str, seed: int) -> Mixed:
    """Lead noise + speech + trailing noise, the pump scaled to the SNR of `condition`."""
    rng = np.random.default_rng(seed)
    speech = speech.astype(np.float64)
    # Trim the synthesiser's own silences, then place the speech in the stream ourselves.
    mask = active_frames(speech)
    if mask.any():
        first, last = np.flatnonzero(mask)[[0, -1]]
        speech = speech[first * _FRAME : (last + 1) * _FRAME]
    gain_db = SPEECH_DBFS + rng.uniform(-3.0, 3.0)
    speech *= 10 ** (gain_db / 20) / np.sqrt(max(active_power(speech), 1e-12))
    lead, trail = int(LEAD_S * SAMPLE_RATE), int(TRAIL_S * SAMPLE_RATE)
    total = lead + speech.size + trail
    stream = np.zeros(total)
    stream[lead : lead + speech.size] = speech
    stream += rng.normal(0.0, 10 ** (FLOOR_DBFS / 20), total)
    if condition != "clean":
        snr_db = float(condition.removesuffix("dB"))
        bank = pump_bank(int(rng.integers(0, 4)))
        start = int(rng.integers(0, bank.size - total))
        noise = bank[start : start + total].astype(np.float64)
        noise_power = float(np.mean(noise**2))
        target = active_power(speech) / 10 ** (snr_db / 10)
        stream += noise * np.sqrt(target / noise_power)
    return Mixed(
        np.clip(stream, -1, 1).astype(np.float32), LEAD_S, LEAD_S + speech.size / SAMPLE_RATE
    )


def mix_sequence(
    speeches: list[np.ndarray], condition: str, gap_s: float, seed: int
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Many utterances in one continuous stream of pump noise; returns (stream, speech spans)."""
    rng = np.random.default_rng(seed)
    pieces, spans, position = [], [], int(LEAD_S * SAMPLE_RATE)
    for speech in speeches:
        mask = active_frames(speech)
        first, last = np.flatnonzero(mask)[[0, -1]] if mask.any() else (0, speech.size // _FRAME)
        clip = speech[first * _FRAME : (last + 1) * _FRAME].astype(np.float64)
        clip *= 10 ** ((SPEECH_DBFS + rng.uniform(-3.0, 3.0)) / 20) / np.sqrt(
            max(active_power(clip), 1e-12)
        )
        pieces.append((position, clip))
        spans.append((position / SAMPLE_RATE, (position + clip.size) / SAMPLE_RATE))
        position += clip.size + int(gap_s * SAMPLE_RATE)
    stream = np.zeros(position)
    for start, clip in pieces:
        stream[start : start + clip.size] += clip
    stream += rng.normal(0.0, 10 ** (FLOOR_DBFS / 20), stream.size)
    if condition != "clean":
        mean_power = float(np.mean([active_power(c) for _, c in pieces]))
        noise = pump_noise(stream.size / SAMPLE_RATE + 0.1, -30.0, seed=seed)
        noise = noise[: stream.size].astype(np.float64)
        target = mean_power / 10 ** (float(condition.removesuffix("dB")) / 10)
        stream += noise * np.sqrt(target / float(np.mean(noise**2)))
    return np.clip(stream, -1, 1).astype(np.float32), spans
