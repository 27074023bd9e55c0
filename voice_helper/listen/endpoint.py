"""Find where utterances start and end in a continuous stream, despite a humming pump.

webrtcvad alone calls much of a steady pump's noise "speech" (measured: 40-70% of frames of
brown or pink noise at -30..-20 dBFS), so a frame only counts as voiced when webrtcvad says so
*and* it is louder than the recent background by a margin. The background level is a high
percentile of the energy of recent unvoiced frames heard outside utterances, so the loud phase of a
pump's cycle sets the bar, not its quiet phase. An "utterance" that stays steady for two seconds
without falling back to the old background is a louder background (a pump switched on): it is
dropped and its level becomes the new background; one that runs to the length limit without a
pause is reported, and also teaches its level. The first second of a stream only learns the
background (all of it when steady, its quietest frames when it varies, as speech does), then is
judged as a whole, so speech that began with the stream is still caught from its first frame.
Measured on espeak-ng commands mixed with sox noise swelling and fading like a pump: found at
7-10 dB SNR, and no false starts in 30 s of steady noise at -45..-15 dBFS.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import webrtcvad

from voice_helper.listen.audio import FRAME_MS, SAMPLE_RATE, Frame, concatenate
from voice_helper.listen.endpoint_settings import EndpointSettings

_LOGGER = logging.getLogger(__name__)


@dataclass
class Utterance:
    """A stretch of speech cut out of the stream."""

    samples: np.ndarray
    """16 kHz mono int16 samples, pre-roll and tail included."""
    start_s: float
    """Stream time of the first sample, in seconds."""
    end_s: float
    """Stream time just after the last sample, in seconds."""

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return self.samples.size / SAMPLE_RATE


def frame_energy_db(samples: np.ndarray) -> float:
    """RMS level of int16 samples in dB relative to full scale."""
    power = float(np.mean(np.square(samples.astype(np.float64)))) / (32768.0**2)
    return 10.0 * np.log10(max(power, 1e-12))


class Endpointer:
    """Feed frames in order; get an Utterance back whenever one ends."""

    def __init__(self, settings: EndpointSettings | None = None):
        self.settings = settings or EndpointSettings()
        self._vad = webrtcvad.Vad(self.settings.aggressiveness)
        self._pre_frames = self.settings.pre_roll_ms // FRAME_MS + self.settings.start_window
        self._recent: deque[tuple[Frame, float, bool]] = deque(
            maxlen=max(self._pre_frames, self.settings.warm_up_frames + self.settings.start_window)
        )
        self._background: deque[float] = deque(maxlen=self.settings.noise_history_frames)
        self._speech: list[Frame] = []
        self._voiced_count = 0
        self._frames_seen = 0
        self._energies: list[float] = []
        self._bar_at_start = self.settings.silence_floor_db
        self._end_flags: deque[bool] = deque(maxlen=self.settings.end_window)
        self.last_voiced = False
        """Whether the last frame pushed counted as voiced."""

    @property
    def in_speech(self) -> bool:
        """True while an utterance is being collected."""
        return bool(self._speech)

    def background_db(self) -> float:
        """Current estimate of the background level in dBFS."""
        if not self._background:
            return self.settings.silence_floor_db
        return float(np.percentile(self._background, self.settings.noise_percentile))

    def voicing_bar_db(self) -> float:
        """Level (dBFS) a frame must reach before webrtcvad is asked about it."""
        return max(
            self.settings.silence_floor_db, self.background_db() + self.settings.noise_margin_db
        )

    def is_voiced(self, frame: Frame) -> bool:
        """webrtcvad's verdict, gated by loudness above the current background level."""
        energy, speech_like = self._measure(frame)
        return speech_like and energy >= self.voicing_bar_db()

    def _measure(self, frame: Frame) -> tuple[float, bool]:
        """The frame's level in dBFS and whether webrtcvad takes it for speech."""
        energy = frame_energy_db(frame.samples)
        speech_like = energy >= self.settings.silence_floor_db and self._vad.is_speech(
            frame.samples.tobytes(), SAMPLE_RATE
        )
        return energy, speech_like

    def push(self, frame: Frame) -> Utterance | None:
        """Take the next frame; return the utterance that it ends, if any."""
        energy, speech_like = self._measure(frame)
        voiced = speech_like and energy >= self.voicing_bar_db()
        self.last_voiced = voiced
        self._frames_seen += 1
        if self._speech:
            return self._continue(frame, energy, voiced)
        self._recent.append((frame, energy, speech_like))
        if self._frames_seen < self.settings.warm_up_frames:
            return None  # too little background heard yet to judge loudness against
        if self._frames_seen == self.settings.warm_up_frames:
            self._learn_first_background()
        elif not voiced:
            self._background.append(energy)
        # Judge the recent frames against today's bar: at the start of a stream the bar rises as
        # the background is learned, and speech that began before then is still caught whole.
        bar = self.voicing_bar_db()
        flags = [like and level >= bar for _, level, like in self._recent]
        window = self.settings.start_window
        if self._frames_seen == self.settings.warm_up_frames:
            # Speech may have begun with the stream: look at every window of the warm-up, and
            # keep all of it if any window started an utterance.
            started = max(
                sum(flags[i : i + window]) for i in range(max(1, len(flags) - window + 1))
            )
            keep = len(flags)
        else:
            started = sum(flags[-window:])
            keep = self._pre_frames
        if started >= self.settings.start_voiced:
            self._speech = [f for f, _, _ in list(self._recent)[-keep:]]
            self._voiced_count = sum(flags[-keep:])
            self._recent.clear()
            self._end_flags.clear()
            self._energies = []
            self._bar_at_start = bar
            _LOGGER.debug(
                "speech started at %.2f s (background %.1f dBFS)",
                self._speech[0].start_s,
                self.background_db(),
            )
        return None

    def _learn_first_background(self) -> None:
        """Set the background from the warm-up, which may already hold speech.

        Steady audio (a running pump, or silence) is all background; audio that varies is
        speech over a background, which shows in its quietest frames.
        """
        levels = np.array([level for _, level, _ in self._recent])
        low, high = np.percentile(levels, [10, 90])
        if high - low >= self.settings.steady_spread_db:
            levels = levels[levels <= np.percentile(levels, 30)]
        self._background.extend(levels.tolist())

    def _continue(self, frame: Frame, energy: float, voiced: bool) -> Utterance | None:
        """Extend the utterance in progress; return it when this frame ends it."""
        self._speech.append(frame)
        self._energies.append(energy)
        self._voiced_count += voiced
        self._end_flags.append(voiced)
        ended = (
            len(self._end_flags) == self.settings.end_window
            and sum(self._end_flags) <= self.settings.end_voiced_max
        )
        if not ended and self._is_gapless():
            _LOGGER.info(
                "the background got louder (%.1f dBFS); listening on above it",
                float(np.percentile(self._energies, 90)),
            )
            self._background.extend(self._energies)
            self.reset()
            return None
        too_long = len(self._speech) * FRAME_MS / 1000 >= self.settings.max_utterance_s
        if not (ended or too_long):
            return None
        if too_long and not ended:
            # Nobody gives a command this long without a pause: most likely a louder, uneven
            # background (a pump that swells and fades), so its level becomes the background.
            _LOGGER.debug("utterance cut at %.1f s", self.settings.max_utterance_s)
            self._background.extend(self._energies)
        return self._finish(trim=ended)

    @property
    def trailing_silence_frames(self) -> int:
        """Unvoiced frames at the end of the utterance in progress (0 when none is)."""
        count = 0
        for voiced in reversed(self._end_flags):
            if voiced:
                break
            count += 1
        return count if self._speech else 0

    def take_current(self) -> Utterance | None:
        """End the utterance in progress now (the caller decided it is complete)."""
        if not self._speech:
            return None
        frames = self._speech
        self.reset()
        return Utterance(concatenate(frames), frames[0].start_s, frames[-1].end_s)

    def current_audio(self) -> np.ndarray | None:
        """The speech collected so far in the utterance in progress (for early stop words)."""
        return concatenate(self._speech) if self._speech else None

    def current_start_s(self) -> float:
        """Stream time of the first sample of the utterance in progress (0 when none is)."""
        return self._speech[0].start_s if self._speech else 0.0

    def _is_gapless(self) -> bool:
        """True when, gapless_check_s into an utterance, the audio has been steady and never fell
        back to the old background: speech pauses and varies, a switched-on pump does not."""
        if len(self._energies) != int(self.settings.gapless_check_s * 1000 / FRAME_MS):
            return False
        low, high = np.percentile(self._energies, [10, 90])
        return bool(low > self._bar_at_start and high - low < self.settings.steady_spread_db)

    def flush(self) -> Utterance | None:
        """End of stream: return the utterance in progress, if any."""
        if not self._speech:
            return None
        return self._finish(trim=True)

    def reset(self) -> None:
        """Drop any utterance in progress (the background estimate is kept)."""
        self._speech = []
        self._voiced_count = 0
        self._energies = []
        self._recent.clear()
        self._end_flags.clear()

    def _finish(self, trim: bool) -> Utterance | None:
        frames = self._speech
        if self._voiced_count < self.settings.min_voiced:
            _LOGGER.debug("dropped a %d-frame bump at %.2f s", len(frames), frames[0].start_s)
            self.reset()
            return None
        if trim:
            # Keep tail_ms after the last voiced frame, drop the rest of the closing silence.
            flags = list(self._end_flags)
            silent_tail = len(flags) - (
                max(i for i, f in enumerate(flags) if f) + 1 if any(flags) else 0
            )
            drop = max(0, silent_tail - self.settings.tail_ms // FRAME_MS)
            frames = frames[: len(frames) - drop] if drop else frames
        self.reset()
        utterance = Utterance(concatenate(frames), frames[0].start_s, frames[-1].end_s)
        _LOGGER.debug("utterance %.2f-%.2f s", utterance.start_s, utterance.end_s)
        return utterance


def utterances(
    frames: Iterable[Frame], settings: EndpointSettings | None = None
) -> Iterator[Utterance]:
    """Every utterance in a stream of frames, in order."""
    endpointer = Endpointer(settings)
    for frame in frames:
        found = endpointer.push(frame)
        if found is not None:
            yield found
    last = endpointer.flush()
    if last is not None:
        yield last
