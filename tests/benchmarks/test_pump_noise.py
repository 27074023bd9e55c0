"""The synthetic breast pump sounds like one: a 50-60 Hz motor hum and a 0.7-1.5 Hz suction cycle."""

import numpy as np
import pytest

from benchmarks.pump_noise import SAMPLE_RATE, PumpSettings, pump_noise


def _envelope(samples: np.ndarray, hop: int = 160) -> np.ndarray:
    """RMS per 10 ms."""
    n = samples.size // hop
    return np.sqrt(np.mean(samples[: n * hop].reshape(n, hop) ** 2, axis=1))


def _cycle_period_s(samples: np.ndarray) -> float:
    """Strongest repetition period of the loudness envelope, between 0.5 and 2 s."""
    env = _envelope(samples)
    env = env - env.mean()
    corr = np.correlate(env, env, "full")[env.size - 1 :]
    low, high = 50, 200  # lags in 10 ms steps
    return (low + int(np.argmax(corr[low:high]))) / 100


@pytest.mark.parametrize("cycles_per_s", [0.75, 1.0, 1.45])
def test_suction_cycle_repeats_at_its_rate(cycles_per_s: float) -> None:
    noise = pump_noise(12.0, settings=PumpSettings(cycles_per_s=cycles_per_s), seed=1)
    period = _cycle_period_s(noise)
    assert 0.7 <= 1 / period <= 1.5
    assert period == pytest.approx(1 / cycles_per_s, rel=0.1)


@pytest.mark.parametrize("motor_hz", [50.0, 55.0, 60.0])
def test_motor_hum_is_near_mains_frequency_with_harmonics(motor_hz: float) -> None:
    noise = pump_noise(8.0, settings=PumpSettings(motor_hz=motor_hz), seed=2)
    spectrum = np.abs(np.fft.rfft(noise))
    freqs = np.fft.rfftfreq(noise.size, 1 / SAMPLE_RATE)
    low = (freqs > 20) & (freqs < 300)
    peak = freqs[low][np.argmax(spectrum[low])]
    assert 48 <= peak <= 61 and abs(peak - motor_hz) < 3  # it sags a little under load

    def band(centre: float) -> float:
        return float(np.mean(spectrum[(freqs > centre - 3) & (freqs < centre + 3)]))

    between = float(np.median(spectrum[(freqs > 20) & (freqs < 1000)]))
    for harmonic in (2, 3, 5):  # a motor buzz, not a pure tone
        assert band(harmonic * motor_hz) > 3 * between


def test_hum_swells_with_the_suction_stroke() -> None:
    noise = pump_noise(10.0, settings=PumpSettings(cycles_per_s=1.0), seed=3)
    spectrum = np.fft.rfft(noise)
    freqs = np.fft.rfftfreq(noise.size, 1 / SAMPLE_RATE)
    spectrum[(freqs < 40) | (freqs > 400)] = 0  # keep the hum's first harmonics
    hum_env = _envelope(np.fft.irfft(spectrum, noise.size), hop=800)  # 50 ms
    swing_db = 20 * np.log10(np.percentile(hum_env, 90) / np.percentile(hum_env, 10))
    assert swing_db > 4


def test_level_and_seed() -> None:
    a = pump_noise(3.0, rms_dbfs=-30.0, seed=4)
    assert a.dtype == np.float32 and a.size == 3 * SAMPLE_RATE
    assert 20 * np.log10(np.sqrt(np.mean(a.astype(np.float64) ** 2))) == pytest.approx(-30, abs=0.1)
    assert np.array_equal(a, pump_noise(3.0, rms_dbfs=-30.0, seed=4))
    assert not np.array_equal(a, pump_noise(3.0, rms_dbfs=-30.0, seed=5))
