"""Endpointing real espeak-ng speech in silence and in steady, pump-like noise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.listen.conftest import Speak, sox_noise
from voice_helper.listen.audio import SAMPLE_RATE, frames_from_samples
from voice_helper.listen.endpoint import Utterance, utterances
from voice_helper.listen.endpoint_settings import EndpointSettings

LEAD_S, GAP_S, TAIL_S = 1.5, 1.5, 1.5


def _trim(samples: np.ndarray) -> np.ndarray:
    loud = np.nonzero(np.abs(samples) > 0.01)[0]
    return samples[loud[0] : loud[-1] + 1]


@pytest.fixture(scope="module")
def two_commands(speak: Speak) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Silence, a command, silence, a short command, silence; and where the speech really is."""
    first = _trim(speak("remind me to pump in three hours", pad_s=0))
    second = _trim(speak("stop", pad_s=0))
    silence = [np.zeros(int(s * SAMPLE_RATE), np.float32) for s in (LEAD_S, GAP_S, TAIL_S)]
    stream = np.concatenate([silence[0], first, silence[1], second, silence[2]])
    start2 = LEAD_S + first.size / SAMPLE_RATE + GAP_S
    truth = [
        (LEAD_S, LEAD_S + first.size / SAMPLE_RATE),
        (start2, start2 + second.size / SAMPLE_RATE),
    ]
    return stream, truth


def _pump(kind: str, level_db: float, size: int, tmp_path: Path, swing: float = 0.4) -> np.ndarray:
    """Noise at level_db RMS, swelling and fading once a second like a pump's cycle."""
    noise = sox_noise(kind, size / SAMPLE_RATE + 0.1, tmp_path / f"{kind}.wav")[:size]
    cycle = 1 - swing + swing * np.sin(2 * np.pi * 1.1 * np.arange(size) / SAMPLE_RATE)
    return (noise * 10 ** (level_db / 20) * cycle).astype(np.float32)


def _check_found(found: list[Utterance], truth: list[tuple[float, float]]) -> None:
    assert len(found) == len(truth)
    for utterance, (start, end) in zip(found, truth):
        # The pre-roll reaches back before the first syllable; the tail covers the last one.
        assert start - 0.9 <= utterance.start_s <= start - 0.1
        assert end <= utterance.end_s <= end + 0.6
        assert utterance.samples.dtype == np.int16
        assert utterance.samples.size == pytest.approx(
            (utterance.end_s - utterance.start_s) * SAMPLE_RATE, abs=1
        )


def test_two_utterances_in_silence(two_commands: tuple[np.ndarray, list]) -> None:
    stream, truth = two_commands
    _check_found(list(utterances(frames_from_samples(stream))), truth)


@pytest.mark.parametrize(
    ("kind", "level_db"), [("brownnoise", -30), ("pinknoise", -30), ("whitenoise", -27)]
)
def test_two_utterances_in_pump_noise(
    two_commands: tuple[np.ndarray, list], tmp_path: Path, kind: str, level_db: float
) -> None:
    stream, truth = two_commands
    noisy = stream + _pump(kind, level_db, stream.size, tmp_path, swing=0.2)
    _check_found(list(utterances(frames_from_samples(noisy))), truth)


@pytest.mark.parametrize("kind", ["brownnoise", "pinknoise", "whitenoise"])
@pytest.mark.parametrize("swing", [0.0, 0.2])
def test_steady_noise_alone_is_not_speech(tmp_path: Path, kind: str, swing: float) -> None:
    noise = _pump(kind, -20, 8 * SAMPLE_RATE, tmp_path, swing)
    assert list(utterances(frames_from_samples(noise))) == []


@pytest.mark.parametrize(("swing", "first_s"), [(0.0, None), (0.4, 8.0)])
def test_pump_switched_on_is_learned_as_background(
    tmp_path: Path, speak: Speak, swing: float, first_s: float | None
) -> None:
    quiet = np.zeros(2 * SAMPLE_RATE, np.float32)
    pump = _pump("brownnoise", -25, 14 * SAMPLE_RATE, tmp_path, swing)
    command = _trim(speak("start a breathing exercise", pad_s=0))
    stream = np.concatenate([quiet, pump])
    at = 2 * SAMPLE_RATE + 12 * SAMPLE_RATE
    stream[at : at + command.size] += command
    found = list(utterances(frames_from_samples(stream), EndpointSettings(max_utterance_s=8)))
    # A steady pump is recognised as background 2 s after it starts and never reported; one
    # that swells and fades like speech is cut at the length limit. Either way it is background
    # afterwards, and the command stands out on its own.
    if first_s is None:
        assert len(found) == 1
    else:
        assert found[0].duration_s == pytest.approx(first_s, abs=0.1)
    assert found[-1].start_s < at / SAMPLE_RATE < found[-1].end_s
    assert found[-1].duration_s < 4


def test_speech_at_the_very_start_of_a_stream(speak: Speak) -> None:
    command = _trim(speak("remind me to pump in three hours", pad_s=0))
    stream = np.concatenate([command, np.zeros(SAMPLE_RATE, np.float32)])
    found = list(utterances(frames_from_samples(stream)))
    assert len(found) == 1 and found[0].start_s == 0.0
    assert found[0].end_s >= command.size / SAMPLE_RATE


def test_max_utterance_length_cuts_long_speech(speak: Speak) -> None:
    long_talk = speak(
        "the milk is not coming out and the pump makes a strange noise "
        "and I do not know what to do about it",
        pad_s=1.5,
    )
    stop = _trim(speak("stop", pad_s=0))
    pause = np.zeros(int(3.5 * SAMPLE_RATE), np.float32)
    stream = np.concatenate([long_talk, pause, stop, np.zeros(SAMPLE_RATE, np.float32)])
    found = list(utterances(frames_from_samples(stream), EndpointSettings(max_utterance_s=3)))
    # Talk without a pause past the limit is cut there and taken as background for a while;
    # after a few seconds of quiet a short command is heard again.
    assert found[0].duration_s == pytest.approx(3.0, abs=0.01)
    stop_at = (long_talk.size + pause.size) / SAMPLE_RATE
    assert found[-1].start_s < stop_at < found[-1].end_s


def test_a_click_is_not_an_utterance() -> None:
    stream = np.zeros(3 * SAMPLE_RATE, np.float32)
    stream[SAMPLE_RATE : SAMPLE_RATE + 400] = 0.8 * np.sin(np.arange(400) / 3)
    assert list(utterances(frames_from_samples(stream))) == []
