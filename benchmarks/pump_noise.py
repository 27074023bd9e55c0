"""A synthetic electric breast pump: motor hum, motor whine, suction strokes and releases.

An electric pump is a small DC motor driving a diaphragm through a gear. What a microphone beside
it hears, and what this module makes with numpy alone:

- hum: the motor's rotation (near 50-60 Hz) with many harmonics, rich like a buzzing motor; it gets
  louder and slightly lower while the diaphragm is pulling (the motor is under load);
- whine: the gear and brush whine, a few kHz, following the same load;
- suction stroke: air rushing through the valve as the vacuum builds, a band of hiss that swells
  over the first part of each cycle;
- release: the vacuum let go at the end of the stroke, a short broadband puff with a low thump;
- a faint rattle bed (the pump body and the table), so the pauses are not digital silence.

The cycle repeats roughly 0.7-1.5 times a second, with a little jitter as a real pump has.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 16000


@dataclass(frozen=True)
class PumpSettings:
    """How the synthetic pump sounds."""

    cycles_per_s: float = 1.0
    """Suction cycles per second (expression mode is about 0.7-1.5)."""
    motor_hz: float = 55.0
    """Fundamental of the motor hum."""
    harmonics: int = 40
    """Hum harmonics kept (below the Nyquist frequency)."""
    whine_hz: float = 2300.0
    """Centre of the motor whine."""
    stroke_fraction: float = 0.55
    """Part of each cycle spent pulling, before the release."""
    jitter: float = 0.04
    """Relative random variation of each cycle's length."""
    hum_db: float = 0.0
    """Relative levels of the parts, dB."""
    whine_db: float = -14.0
    stroke_db: float = -6.0
    release_db: float = -2.0
    bed_db: float = -26.0


def pump_noise(
    seconds: float,
    rms_dbfs: float = -30.0,
    settings: PumpSettings | None = None,
    seed: int = 0,
    sample_rate: int = SAMPLE_RATE,
) -> np.ndarray:
    """`seconds` of pump noise as float32 in -1..1, scaled to an overall RMS of `rms_dbfs`."""
    s = settings or PumpSettings()
    rng = np.random.default_rng(seed)
    n = round(seconds * sample_rate)
    t = np.arange(n) / sample_rate
    phase = _cycle_phase(n, s, rng, sample_rate)
    pulling = phase < s.stroke_fraction
    # Load on the motor: rises through the stroke, falls away after the release.
    stroke_pos = np.clip(phase / s.stroke_fraction, 0.0, 1.0)
    after = np.clip((phase - s.stroke_fraction) / (1.0 - s.stroke_fraction), 0.0, 1.0)
    load = np.where(pulling, np.sin(0.5 * np.pi * stroke_pos), np.exp(-6.0 * after))
    load = _smooth(load, int(0.01 * sample_rate))

    parts = [
        _db(s.hum_db) * _hum(t, load, s, rng, sample_rate),
        _db(s.whine_db) * _whine(t, load, s, rng, sample_rate),
        _db(s.stroke_db) * _stroke(n, load, pulling, rng, sample_rate),
        _db(s.release_db) * _releases(n, phase, s, rng, sample_rate),
        _db(s.bed_db) * _normalised(_pink(n, rng)),
    ]
    mix = np.sum(parts, axis=0)
    mix *= _db(rms_dbfs) / max(float(np.sqrt(np.mean(mix**2))), 1e-12)
    return np.clip(mix, -1.0, 1.0).astype(np.float32)


def _db(level: float) -> float:
    return float(10.0 ** (level / 20.0))


def _normalised(x: np.ndarray) -> np.ndarray:
    return x / max(float(np.sqrt(np.mean(x**2))), 1e-12)


def _smooth(x: np.ndarray, width: int) -> np.ndarray:
    if width < 2:
        return x
    kernel = np.ones(width) / width
    return np.convolve(x, kernel, mode="same")


def _cycle_phase(n: int, s: PumpSettings, rng: np.random.Generator, sample_rate: int) -> np.ndarray:
    """Phase 0..1 within the current suction cycle for every sample."""
    phase = np.zeros(n)
    position = int(rng.uniform(0, sample_rate / s.cycles_per_s))  # start mid-cycle
    first = sample_rate / s.cycles_per_s
    phase[:position] = np.linspace(1.0 - position / first, 1.0, position, endpoint=False)
    while position < n:
        length = int(sample_rate / s.cycles_per_s * (1.0 + rng.uniform(-s.jitter, s.jitter)))
        end = min(n, position + length)
        phase[position:end] = np.arange(end - position) / length
        position += length
    return phase


def _hum(
    t: np.ndarray, load: np.ndarray, s: PumpSettings, rng: np.random.Generator, sample_rate: int
) -> np.ndarray:
    """Motor rotation and its harmonics; pitch sags and level rises under load."""
    wobble = 1.0 + 0.004 * np.sin(2 * np.pi * 0.3 * t + rng.uniform(0, 2 * np.pi))
    freq = s.motor_hz * wobble * (1.0 - 0.03 * load)
    base_phase = 2 * np.pi * np.cumsum(freq) / sample_rate
    hum = np.zeros_like(t)
    for k in range(1, s.harmonics + 1):
        if k * s.motor_hz * 1.05 >= sample_rate / 2:
            break
        # Odd harmonics stronger, like a buzzing brushed motor; a slow roll-off keeps it bright.
        amp = (1.0 if k % 2 else 0.6) / k**0.7
        hum += amp * np.sin(k * base_phase + rng.uniform(0, 2 * np.pi))
    return _normalised(hum) * (0.45 + 0.55 * load)


def _whine(
    t: np.ndarray, load: np.ndarray, s: PumpSettings, rng: np.random.Generator, sample_rate: int
) -> np.ndarray:
    """Gear and brush whine a few kHz up, dipping in pitch and rising in level under load."""
    freq = s.whine_hz * (1.0 - 0.06 * load)
    ph = 2 * np.pi * np.cumsum(freq) / sample_rate
    whine = np.sin(ph) + 0.5 * np.sin(2 * ph + 1.0) + 0.25 * np.sin(1.5 * ph + 2.0)
    whine += 0.3 * _band_noise(t.size, s.whine_hz * 0.8, s.whine_hz * 1.2, rng, sample_rate)
    return _normalised(whine) * (0.5 + 0.5 * load)


def _stroke(
    n: int, load: np.ndarray, pulling: np.ndarray, rng: np.random.Generator, sample_rate: int
) -> np.ndarray:
    """Air hissing through the valve while the vacuum builds."""
    hiss = _normalised(_band_noise(n, 300.0, 4000.0, rng, sample_rate))
    envelope = np.where(pulling, load, 0.0)
    return hiss * _smooth(envelope, int(0.02 * sample_rate))


def _releases(
    n: int, phase: np.ndarray, s: PumpSettings, rng: np.random.Generator, sample_rate: int
) -> np.ndarray:
    """A puff of air and a low thump where each stroke lets go of the vacuum."""
    out = np.zeros(n)
    puff_len = int(0.12 * sample_rate)
    tt = np.arange(puff_len) / sample_rate
    # Where the phase passes the end of the stroke.
    points = np.flatnonzero(np.diff((phase >= s.stroke_fraction).astype(int)) == 1) + 1
    for point in points:
        puff = rng.normal(0, 1, puff_len) * np.exp(-tt / 0.025)
        thump = np.sin(2 * np.pi * 90 * tt) * np.exp(-tt / 0.04)
        event = 0.8 * puff + 1.2 * thump
        end = min(n, point + puff_len)
        out[point:end] += event[: end - point]
    return out


def _band_noise(
    n: int, low: float, high: float, rng: np.random.Generator, sample_rate: int
) -> np.ndarray:
    spectrum = np.fft.rfft(rng.normal(0, 1, n))
    freqs = np.fft.rfftfreq(n, 1 / sample_rate)
    spectrum[(freqs < low) | (freqs > high)] = 0
    return np.fft.irfft(spectrum, n)


def _pink(n: int, rng: np.random.Generator) -> np.ndarray:
    spectrum = np.fft.rfft(rng.normal(0, 1, n))
    freqs = np.fft.rfftfreq(n)
    spectrum[1:] /= np.sqrt(freqs[1:])
    spectrum[0] = 0
    return np.fft.irfft(spectrum, n)
