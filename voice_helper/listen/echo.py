"""Echo cancellation: subtract the assistant's own voice from the microphone signal.

The output channel reports every chunk it plays; the microphone frames arrive a little later
with that audio mixed in (through the air, or through a virtual device's monitor). We find the
delay by cross-correlation, fit a short filter (gain, fractional delay, colouring) by least
squares on the last half second, and subtract it. What remains is the user's voice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from voice_helper.listen.audio import SAMPLE_RATE, Frame

_LOGGER = logging.getLogger(__name__)

RECENT_FRAMES = 6
"""Microphone frames (180 ms) whose residual and echo power only_echo() weighs."""

HER_VOICE_MARGIN_DB = 3.0
"""How far what our voice cannot explain must rise above what it can, to be her voice. On the
PulseAudio loopback (tests/assistant/test_pulse_echo.py, the reply at half her level) our own
voice leaves 12-70 dB less than it explains while the filter holds, her voice 1-17 dB more.
Judging by the running filter alone failed there: when playback stutters (ALSA underruns, a
new clip at a new delay) it is misaligned for a moment, and our own words were taken as
answers twice ("It's." as yes); a fit made afresh for the judged samples does not drift."""


@dataclass(frozen=True)
class EchoSettings:
    """How far and how finely to look for the echo."""

    max_delay_s: float = 1.5
    """Longest speaker-to-microphone delay searched (sound servers buffer a lot)."""
    lead_s: float = 0.3
    """How far the microphone clock may run ahead of the playback timestamps."""
    taps: int = 64
    """Filter length around the delay, in samples."""
    fit_s: float = 0.6
    """Audio used to fit the filter."""
    refit_every: int = 5
    """Frames between re-estimates of the delay and filter."""
    ridge: float = 1e-3
    """Regularisation of the fit, relative to the reference energy."""
    suppress: float = 1.0
    """Residual echo suppression strength: how much of the echo estimate's power per frequency
    is assumed to survive the subtraction (timing jitter, resampling) and is gated out."""
    floor: float = 0.05
    """Lowest gain the residual suppressor applies to a frequency bin."""


def _resample(samples: np.ndarray, rate: int) -> np.ndarray:
    if rate == SAMPLE_RATE:
        return samples.astype(np.float32)
    count = round(samples.size * SAMPLE_RATE / rate)
    positions = np.arange(count) * (rate / SAMPLE_RATE)
    return np.interp(positions, np.arange(samples.size), samples).astype(np.float32)


class EchoCanceller:
    """Feed it what is played (add_reference) and what is heard (process)."""

    def __init__(
        self, settings: EchoSettings | None = None, clock: Callable[[], float] = time.monotonic
    ):
        self.settings = settings or EchoSettings()
        self._clock = clock
        self._lock = threading.Lock()
        history = int((self.settings.max_delay_s + self.settings.fit_s + 2.0) * SAMPLE_RATE)
        self._ref = np.zeros(history, np.float32)
        """Reference timeline at 16 kHz; index 0 is wall time self._ref_t0."""
        self._ref_t0 = clock()
        self._clip_end: float | None = None
        self._clip_start = 0.0
        self._clip_rate = 0
        self._clip_in = 0
        self._clip_tail = np.zeros(0, np.float32)
        self._last_echo_power: np.ndarray | None = None
        self._recent_power: deque[tuple[float, float]] = deque(maxlen=RECENT_FRAMES)
        self._last_window = np.zeros(0, np.float32)
        self._last_max_delay = 0
        self._echo_frames = 0
        """Frames heard since something began to be played."""
        self._echo_lately = False
        """Something was played lately, so the microphone may be hearing our own voice."""
        self._mic: deque[np.ndarray] = deque(maxlen=int(self.settings.fit_s * 1000 / 30) + 1)
        self._mic_offset: float | None = None
        self._filter: np.ndarray | None = None
        self._delay = 0
        self._frames = 0
        self.last_delay_s: float | None = None

    def add_reference(self, samples: np.ndarray, rate: int, played_at: float) -> None:
        """Record a chunk that the speaker is about to play (from the channel's hook)."""
        chunk = np.asarray(samples, np.float32).reshape(-1)
        with self._lock:
            # Chunks of one clip follow each other without gaps; a late timestamp starts anew.
            if (
                self._clip_end is None
                or rate != self._clip_rate
                or abs(played_at - self._clip_end) >= 0.1
            ):
                self._clip_start, self._clip_rate, self._clip_in = played_at, rate, 0
                self._clip_tail = np.zeros(0, np.float32)
            first_in = self._clip_in - self._clip_tail.size
            source = np.concatenate([self._clip_tail, chunk])
            self._clip_in += chunk.size
            self._clip_end = self._clip_start + self._clip_in / rate
            # Resample at exact positions on the clip's own time line (no per-chunk rounding).
            begin_t = self._clip_start + (self._clip_in - chunk.size) / rate
            first = int(np.ceil((begin_t - self._ref_t0) * SAMPLE_RATE))
            last = int(np.ceil((self._clip_end - self._ref_t0) * SAMPLE_RATE))
            if last > first:
                times = self._ref_t0 + np.arange(first, last) / SAMPLE_RATE
                positions = (times - self._clip_start) * rate - first_in
                values = np.interp(positions, np.arange(source.size), source).astype(np.float32)
                self._write_ref(self._ref_t0 + first / SAMPLE_RATE, values)
            self._clip_tail = chunk[-1:]

    def _write_ref(self, start: float, chunk: np.ndarray) -> None:
        end_index = round((start - self._ref_t0) * SAMPLE_RATE) + chunk.size
        if end_index > self._ref.size:  # slide the timeline forward
            shift = end_index - self._ref.size
            self._ref = np.roll(self._ref, -shift)
            self._ref[-shift:] = 0
            self._ref_t0 += shift / SAMPLE_RATE
        begin = round((start - self._ref_t0) * SAMPLE_RATE)
        lo = max(0, begin)
        if lo < begin + chunk.size:
            self._ref[lo : begin + chunk.size] = chunk[lo - begin :]

    def _reference(self, end_t: float, count: int) -> np.ndarray:
        """Reference samples for the wall-time window of `count` samples ending at end_t."""
        end = round((end_t - self._ref_t0) * SAMPLE_RATE)
        out = np.zeros(count, np.float32)
        lo, hi = max(0, end - count), min(self._ref.size, end)
        if hi > lo:
            out[count - (end - lo) : count - (end - hi)] = self._ref[lo:hi]
        return out

    def process(self, frame: Frame) -> Frame:
        """Return the frame with the assistant's own voice removed (unchanged when silent)."""
        now = self._clock()
        # Map stream time to wall time with the least-delayed arrival seen (jitter-free offset).
        offset = now - frame.end_s
        self._mic_offset = offset if self._mic_offset is None else min(self._mic_offset, offset)
        mic = frame.samples.astype(np.float32) / 32768.0
        self._mic.append(mic)
        # The window reaches lead_s past the frame, so the search also covers a playback clock
        # that runs late; lags below count from the window's end ("effective" = delay + lead).
        s = self.settings
        end_t = frame.end_s + self._mic_offset + s.lead_s
        max_delay = int((s.max_delay_s + s.lead_s) * SAMPLE_RATE)
        with self._lock:
            history = (self._mic.maxlen or 1) * frame.samples.size
            window = self._reference(end_t, max_delay + 2 * s.taps + history)
        window = window.astype(np.float32)
        if not np.any(window[-(max_delay + mic.size + s.taps) :]):
            self._recent_power.clear()
            self._echo_lately = False
            self._echo_frames = 0
            return frame
        self._echo_frames += 1  # nothing played lately; the last filter is kept for the next clip
        self._frames += 1
        self._echo_lately = True
        self._last_window, self._last_max_delay = window, max_delay
        if self._filter is None or self._frames % s.refit_every == 0:
            self._fit(window, max_delay)
        if self._filter is None:
            return frame
        recent = _design(window, mic.size, self._delay, s.taps)
        estimate = recent @ self._filter
        residual = self._suppress(mic - estimate, estimate)
        power = float(np.mean(residual**2)), float(np.mean(estimate**2))
        self._recent_power.append(power)
        pcm = np.clip(residual * 32768.0, -32768, 32767).astype(np.int16)
        return Frame(pcm, frame.start_s)

    def only_echo(self, margin_db: float = 3.0) -> bool:
        """True while the last ~180 ms hold nothing but what is left of our own voice.

        The user's voice adds power the echo estimate does not explain; without it the
        residual stays well below the estimate, and there is nothing worth recognising.
        """
        if len(self._recent_power) < RECENT_FRAMES:
            return False
        residual = sum(p[0] for p in self._recent_power)
        echo = sum(p[1] for p in self._recent_power)
        return echo > 0 and residual * 10 ** (margin_db / 10) < echo

    def her_voice(self, margin_db: float = HER_VOICE_MARGIN_DB) -> bool:
        """True while the last ~180 ms hold clearly more than our own voice can explain.

        With nothing played lately there is no echo to mistake, so any voice is hers. While we
        speak, the delay and filter are found afresh for the latest audio (the running
        filter may be misaligned for a moment, and then subtracting it adds power rather than
        removing it), and what that best fit cannot explain must outweigh what it can.
        """
        if not self._echo_lately:
            return True
        count = self.HER_VOICE_FRAMES
        if self._echo_frames < count or self._last_window.size == 0:
            return False  # a clip has only just started: too soon to tell
        # The delay is found on all the recent audio (0.6 s; 180 ms alone is too little to
        # find it reliably in speech), the verdict on the latest 180 ms.
        mic = np.concatenate(self._mic)
        window, max_delay = self._last_window, self._last_max_delay
        delay, taps = _solve(window, mic, max_delay, self.settings.taps, self.settings.ridge)
        explained = (_design(window, mic.size, delay, self.settings.taps) @ taps)[
            -count * mic.size // len(self._mic) :
        ]
        latest = mic[-explained.size :]
        echo = float(np.mean(explained**2))
        unexplained = float(np.mean((latest - explained) ** 2))
        return unexplained >= echo * 10 ** (margin_db / 10)

    HER_VOICE_FRAMES = 6
    """Microphone frames (180 ms) judged at once."""

    def _suppress(self, residual: np.ndarray, estimate: np.ndarray) -> np.ndarray:
        """Gate frequency bins where the echo estimate outweighs what is left after subtraction.

        Subtraction alone leaves echo wherever the timing wobbles; the user's own voice is in
        bins the echo does not fill, so it passes. The last frame's estimate is remembered too.
        """
        size = 512
        spectrum = np.fft.rfft(residual, size)
        echo_power = np.abs(np.fft.rfft(estimate, size)) ** 2
        if self._last_echo_power is not None:
            echo_power = np.maximum(echo_power, self._last_echo_power)
        self._last_echo_power = np.abs(np.fft.rfft(estimate, size)) ** 2
        power = np.abs(spectrum) ** 2 + 1e-12
        gain = np.clip(1.0 - self.settings.suppress * echo_power / power, self.settings.floor, 1.0)
        return np.fft.irfft(spectrum * gain, size)[: residual.size].astype(np.float32)

    def _fit(self, window: np.ndarray, max_delay: int) -> None:
        mic = np.concatenate(self._mic)
        if mic.size < 4 * 480:
            return
        self._delay, self._filter = _solve(
            window, mic, max_delay, self.settings.taps, self.settings.ridge
        )
        self.last_delay_s = self._delay / SAMPLE_RATE - self.settings.lead_s


def _design(window: np.ndarray, count: int, delay: int, taps: int) -> np.ndarray:
    """Reference samples at each tap's lag, for the last `count` microphone samples."""
    first = max(0, delay - taps // 2)
    end = window.size
    cols = [window[end - count - lag : end - lag] for lag in range(first, first + taps)]
    return np.stack(cols, axis=1)


def _solve(
    window: np.ndarray, mic: np.ndarray, max_delay: int, taps: int, ridge: float
) -> tuple[int, np.ndarray]:
    """The delay and filter that best explain `mic` (the latest samples) by the reference."""
    ref = window[-(mic.size + max_delay) :]
    size = 1 << int(np.ceil(np.log2(ref.size + mic.size)))
    # corr[j] = sum_i ref[i + j] * mic[i]: the echo at delay d shows at j = max_delay - d.
    corr = np.fft.irfft(np.fft.rfft(ref, size) * np.conj(np.fft.rfft(mic, size)), size)
    best = int(np.argmax(np.abs(corr[: max_delay + 1])))
    delay = max_delay - best
    design = _design(window, mic.size, delay, taps)
    gram = design.T @ design
    gram += np.eye(gram.shape[0]) * (np.trace(gram) / gram.shape[0] * ridge + 1e-9)
    return delay, np.linalg.solve(gram, design.T @ mic)
