"""The real recording path: a PulseAudio null sink as speaker, its monitor as microphone."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.listen.conftest import words
from voice_helper.listen.audio import Microphone, concatenate, input_devices
from voice_helper.listen.endpoint import utterances
from voice_helper.listen.moonshine_engine import MoonshineEngine


def test_recorded_speech_is_found_and_transcribed(
    pulse_null_sink: str,
    espeak_wav: Callable[..., Path],
    moonshine: MoonshineEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # libpulse reads PULSE_SOURCE when the ALSA "pulse" device opens its stream.
    monkeypatch.setenv("PULSE_SOURCE", f"{pulse_null_sink}.monitor")
    assert "pulse" in [name for _, name in input_devices()]
    clip = espeak_wav("remind me to pump in three hours", "en-us", 150)
    frames = []
    with Microphone(device="pulse") as microphone:
        recording = microphone.frames(timeout_s=2.0)
        frames.append(next(recording))  # the stream is live before anything is played
        player = subprocess.Popen(["paplay", f"--device={pulse_null_sink}", str(clip)])
        deadline = time.monotonic() + 15
        for frame in recording:
            frames.append(frame)
            if player.poll() is not None and len(frames) * 0.03 > 1.0 + 0.5:
                break
            assert time.monotonic() < deadline, "recording did not finish"
        player.wait(timeout=10)
    assert player.returncode == 0
    assert microphone.dropped == 0
    found = list(utterances(frames))
    assert len(found) == 1
    heard = moonshine.transcribe(found[0].samples)
    assert {"pump", "three", "hours"} <= set(words(heard.text)), heard.text
    whole = moonshine.transcribe(concatenate(frames))
    assert "pump" in words(whole.text)
