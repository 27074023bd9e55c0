"""Odd recordings through `voice-helper run --input F --output D --no-reminders` as a real process:
each is handled (exit 0) or refused with one line saying what is wrong (exit 2); never a traceback.
(The WAV reader itself is tested format by format in tests/listen/test_wavfile.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from voice_helper import PROJECT_ROOT
from voice_helper.assistant.demo import make_recording

COMMAND = "why is no milk coming out"


def _run(tmp_path: Path, source: Path) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    out = tmp_path / "out"
    env = dict(
        os.environ,
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        VOICE_HELPER_DATA_DIR=str(tmp_path / "data"),
        XDG_RUNTIME_DIR=str(tmp_path / "run"),
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "voice_helper",
            "run",
            "--input",
            str(source),
            "--output",
            str(out),
            "--no-reminders",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=PROJECT_ROOT,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    transcript = out / "transcript.jsonl"
    events = (
        [json.loads(line) for line in transcript.read_text().splitlines()]
        if transcript.exists()
        else []
    )
    return result, [e for e in events if e["event"] == "turn"]


def _write_pcm16(path: Path, samples: np.ndarray, rate: int = 16000) -> Path:
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The command spoken by espeak-ng: 16 kHz mono 16-bit with a faint noise floor."""
    return make_recording([COMMAND], tmp_path_factory.mktemp("speech") / "command.wav")


def _sox(source: Path, target: Path, *args: str) -> Path:
    subprocess.run(["sox", str(source), *args], check=True, capture_output=True)
    return target


REFUSED = {
    "text file": lambda d: _text(d / "notes.wav", "these are my notes, not audio\n"),
    "empty file": lambda d: _text(d / "empty.wav", ""),
    "header only": lambda d: _write_pcm16(d / "header.wav", np.zeros(0)),
    "missing file": lambda d: d / "absent.wav",
    "a folder": lambda d: _folder(d / "folder.wav"),
}


def _text(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.mark.parametrize("case", list(REFUSED))
def test_unusable_input_is_refused_in_one_line(tmp_path: Path, case: str) -> None:
    source = REFUSED[case](tmp_path)
    result, turns = _run(tmp_path, source)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"voice-helper: {source}")
    assert turns == []


def test_compressed_wav_is_refused_with_how_to_convert(tmp_path: Path, speech: Path) -> None:
    source = _sox(speech, tmp_path / "alaw.wav", "-e", "a-law", str(tmp_path / "alaw.wav"))
    result, _ = _run(tmp_path, source)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "not supported" in line and "sox INPUT -r 16000 -c 1 -b 16 OUTPUT.wav" in line


FORMATS = {
    "8-bit unsigned": ("-b", "8", "-e", "unsigned-integer"),
    "48 kHz stereo": ("-r", "48000", "-c", "2", "-b", "16"),
    "32-bit float 44.1 kHz": ("-e", "floating-point", "-b", "32", "-r", "44100"),
    "clipped (+30 dB)": ("gain", "30"),
}


@pytest.mark.parametrize("name", list(FORMATS))
def test_other_formats_and_clipping_are_handled(tmp_path: Path, speech: Path, name: str) -> None:
    args = FORMATS[name]
    target = tmp_path / "converted.wav"
    if args[0] == "gain":
        source = _sox(speech, target, str(target), *args)
    else:
        source = _sox(speech, target, *args, str(target))
    result, turns = _run(tmp_path, source)
    assert result.returncode == 0, result.stderr
    assert [t["intent"] for t in turns] == ["troubleshoot"]
    assert turns[0]["reply_file"] and Path(turns[0]["reply_file"]).is_file()


def test_ten_minutes_of_silence_gives_no_turns(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    quiet = rng.normal(0, 10 ** (-60 / 20), 16000 * 600).astype(np.float32)  # a quiet room
    source = _write_pcm16(tmp_path / "silence.wav", quiet)
    result, turns = _run(tmp_path, source)
    assert result.returncode == 0, result.stderr
    assert turns == []
    assert (tmp_path / "out" / "transcript.jsonl").read_text() == ""
    assert list((tmp_path / "out").glob("*.wav")) == []
