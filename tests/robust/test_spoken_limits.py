"""Durations out of range, said out loud, through the real assistant with its reminders: each is
refused with a spoken reason and nothing is scheduled. (The same refusals in text are in
tests/dialogue/test_chat.py and tests/remind/test_service.py.)"""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.assistant.build import build
from voice_helper.config import QuietHours, Settings
from voice_helper.content import load_content
from voice_helper.listen.audio import file_frames
from voice_helper.wavfile import load_wav_16k

LINES = [  # (words, espeak-ng voice, speed): the voice the recogniser hears these best in
    ("remind me to pump every zero hours", "en-us", 130),
    ("snooze for nine hundred hours", "en-us", 120),
]


def _recording(path: Path) -> Path:
    pause = np.zeros(int(16000 * 1.2), np.float32)
    pieces = [pause]
    for index, (words, voice, speed) in enumerate(LINES):
        clip = path.with_name(f"line{index}.wav")
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(clip), words],
            check=True,
            capture_output=True,
        )
        pieces += [load_wav_16k(clip), pause]
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(16000)
        handle.writeframes((np.concatenate(pieces) * 32767).astype("<i2").tobytes())
    return path


def test_out_of_range_durations_by_voice_are_refused_out_loud(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICE_HELPER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    settings = Settings(quiet_hours=QuietHours(enabled=False))
    running = build(settings, load_content(DEFAULT_CONTENT_DIR), output_dir=tmp_path / "out")
    try:
        running.assistant.run(file_frames(_recording(tmp_path / "parent.wav")))
        assert running.reminders.list_reminders() == "You have no reminders set."
    finally:
        running.close()
    turns = [e for e in running.assistant.transcript.events if e["event"] == "turn"]
    assert [(t["intent"], t["slots"]) for t in turns] == [
        ("set_reminder", {"kind": "pump", "every_minutes": 0}),
        ("snooze", {"minutes": 900 * 60}),
    ]
    assert turns[0]["reply"] == (
        "I can't remind you every 0 minutes. Pick something between 15 minutes and a day."
    )
    assert turns[1]["reply"] == (
        "I can't snooze for 37 days and 12 hours. I can snooze for between 1 minute and 4 hours."
    )
    for turn in turns:
        with wave.open(turn["reply_file"]) as spoken:
            assert spoken.getnframes() / spoken.getframerate() > 2.0
