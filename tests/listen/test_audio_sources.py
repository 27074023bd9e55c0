"""Frame sources: WAV files, raw PCM on stdin, and the microphone's device lookup."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from voice_helper.errors import AudioError
from voice_helper.listen import audio
from voice_helper.listen.audio import (
    FRAME_SAMPLES,
    concatenate,
    file_frames,
    find_input_device,
    frames_from_samples,
    raw_frames,
    to_float32,
    to_int16,
)
from voice_helper.wavfile import load_wav_16k


def test_frames_are_fixed_length_and_timestamped() -> None:
    samples = np.arange(FRAME_SAMPLES * 3 + 100, dtype=np.int16)
    frames = list(frames_from_samples(samples, start_s=2.0))
    assert [f.samples.size for f in frames] == [FRAME_SAMPLES] * 4
    assert [f.start_s for f in frames] == pytest.approx([2.0, 2.03, 2.06, 2.09])
    assert frames[-1].end_s == pytest.approx(2.12)
    assert np.array_equal(concatenate(frames)[: samples.size], samples)
    assert not concatenate(frames)[samples.size :].any()  # padded with silence


def test_wav_file_frames(espeak_wav: Callable[..., Path]) -> None:
    path = espeak_wav("yes")
    frames = list(file_frames(path))
    assert all(f.samples.dtype == np.int16 for f in frames)
    expected = to_int16(load_wav_16k(path))
    assert np.array_equal(concatenate(frames)[: expected.size], expected)


def test_raw_pcm_from_a_pipe_in_odd_chunks() -> None:
    samples = (np.sin(np.arange(5000) / 7) * 20000).astype("<i2")

    class Trickle(io.RawIOBase):
        """A pipe that hands out at most 333 bytes per read."""

        def __init__(self, data: bytes):
            self.data = data

        def read(self, size: int = -1) -> bytes:
            chunk, self.data = self.data[: min(size, 333)], self.data[min(size, 333) :]
            return chunk

    frames = list(raw_frames(Trickle(samples.tobytes() + b"\x01")))  # type: ignore[arg-type]
    assert len(frames) == -(-5000 // FRAME_SAMPLES)
    assert np.array_equal(concatenate(frames)[:5000], samples)


def test_sample_conversions_round_trip() -> None:
    pcm = np.array([-32768, -1, 0, 1, 32767], np.int16)
    assert np.abs(to_int16(to_float32(pcm)).astype(int) - pcm.astype(int)).max() <= 1
    assert to_int16(np.array([2.0, -2.0], np.float32)).tolist() == [32767, -32767]


def test_no_input_device_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audio, "input_devices", list)
    with pytest.raises(AudioError) as caught:
        find_input_device(None)
    message = str(caught.value)
    assert "--input FILE.wav" in message and "voice-helper demo" in message
    assert "--device" in message


def test_device_lookup_by_name_and_index(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        audio, "input_devices", lambda: [(0, "pulse"), (3, "USB Audio Device: mic (hw:1,0)")]
    )
    assert find_input_device(None) is None
    assert find_input_device("usb audio") == 3
    assert find_input_device("3") == 3
    assert find_input_device("pulse") == 0
    with pytest.raises(AudioError, match="no input device number 7.*0: pulse"):
        find_input_device(7)
    with pytest.raises(AudioError, match="No input device is called 'webcam'"):
        find_input_device("webcam")
