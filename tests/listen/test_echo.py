"""The echo canceller tells her voice from ours: real espeak-ng speech, a simulated echo path."""

from __future__ import annotations

import numpy as np

from tests.listen.conftest import Speak
from voice_helper.listen.audio import FRAME_SAMPLES, SAMPLE_RATE, frames_from_samples
from voice_helper.listen.echo import EchoCanceller
from voice_helper.listen.endpoint import frame_energy_db

PLAYED_AT = 100.0
"""Wall time the reply starts playing; stream time 0 is wall time 100 s - the start offset."""
DELAY_S = 0.05
"""Speaker-to-microphone delay of the simulated echo."""


class Clock:
    """A wall clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _hers_per_frame(reply: np.ndarray, mic: np.ndarray, played: bool = True) -> list[bool]:
    """Play `reply` (if `played`), hear `mic`; her_voice() after each microphone frame."""
    clock = Clock()
    echo = EchoCanceller(clock=clock)
    chunks = iter(range(0, reply.size if played else 0, 320))
    next_chunk = next(chunks, None)
    verdicts = []
    for frame in frames_from_samples(mic):
        clock.now = PLAYED_AT + frame.end_s + 0.01  # the frame arrives just after it ends
        # The channel reports each 20 ms chunk as it hands it to the speaker.
        while next_chunk is not None and PLAYED_AT + next_chunk / SAMPLE_RATE <= clock.now:
            echo.add_reference(
                reply[next_chunk : next_chunk + 320],
                SAMPLE_RATE,
                PLAYED_AT + next_chunk / SAMPLE_RATE,
            )
            next_chunk = next(chunks, None)
        echo.process(frame)
        verdicts.append(echo.her_voice())
    return verdicts


def _loud(mic: np.ndarray) -> list[bool]:
    """Frames loud enough to be voiced at all (the endpointer asks only about those)."""
    return [frame_energy_db(frame.samples) > -45 for frame in frames_from_samples(mic)]


def _scene(speak: Speak, with_her: bool) -> tuple[np.ndarray, np.ndarray, slice]:
    """Our reply, and a microphone hearing it at half level (plus her "no" at full level)."""
    reply = speak("let's work out why the milk isn't coming, I'll ask a few questions", pad_s=0.1)
    delay = int(DELAY_S * SAMPLE_RATE)
    mic = np.zeros(reply.size + delay, np.float32)
    mic[delay:] += 0.5 * reply
    rng = np.random.default_rng(3)
    mic += rng.normal(0, 1e-3, mic.size).astype(np.float32)
    at = mic.size // 2
    no = speak("no", pad_s=0)
    if with_her:
        mic[at : at + no.size] += no[: mic.size - at]
    frames = slice(at // FRAME_SAMPLES, (at + no.size) // FRAME_SAMPLES)
    return reply, mic, frames


def test_our_own_voice_is_never_hers(speak: Speak) -> None:
    reply, mic, _ = _scene(speak, with_her=False)
    verdicts = _hers_per_frame(reply, mic)
    loud = _loud(mic)
    assert sum(loud) > 50
    assert not any(hers and voiced for hers, voiced in zip(verdicts, loud))


def test_her_voice_over_ours_is_hers(speak: Speak) -> None:
    reply, mic, during = _scene(speak, with_her=True)
    verdicts = _hers_per_frame(reply, mic)
    assert sum(verdicts[during]) >= 4
    loud = _loud(mic)
    before = range(during.start)
    assert not any(verdicts[i] and loud[i] for i in before)


def test_with_nothing_played_everything_is_hers(speak: Speak) -> None:
    reply, mic, _ = _scene(speak, with_her=True)
    assert all(_hers_per_frame(reply, mic, played=False))
