"""`voice-helper hear` run as a real process on WAV files made with espeak-ng."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.listen.conftest import KOREAN_MODEL

PROJECT = Path(__file__).resolve().parents[2]


def _hear(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voice_helper", "hear", "--json", *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
    )


def test_hear_prints_one_line_per_file_in_order(
    espeak_wav: Callable[..., Path], tmp_path: Path
) -> None:
    remind = espeak_wav("remind me to pump in three hours", "en-gb", 130)
    done = espeak_wav("i am done pumping", "en-us", 150)
    notes = tmp_path / "notes.wav"
    notes.write_text("not audio at all")
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    result = _hear("--engine", "moonshine", str(remind), str(notes), str(done), str(empty))
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["file"] for line in lines] == [str(remind), str(notes), str(done), str(empty)]
    assert lines[0]["intent"] == "set_reminder"
    assert lines[0]["slots"] == {"kind": "pump", "in_minutes": 180}
    assert lines[2]["intent"] == "end_session"
    assert lines[0]["in_grammar"] is True and lines[2]["in_grammar"] is True
    assert "not a WAV file" in lines[1]["error"] and "is empty" in lines[3]["error"]
    assert all("error" not in lines[i] for i in (0, 2))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr


def test_hear_with_vosk_loads_the_model_once_and_exits_zero(
    espeak_wav: Callable[..., Path],
) -> None:
    # The Korean model knows none of the English command words: every phrase of the grammar is
    # left out, vosk decodes free-form, and nothing matches an intent.
    first, second = espeak_wav("엄마", "ko"), espeak_wav("서울", "ko")
    result = _hear("--engine", "vosk", "--model", str(KOREAN_MODEL), str(first), str(second))
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0, result.stderr
    assert lines[0]["text"] == "엄마"  # free-form Korean from espeak-ng is right for this word
    assert isinstance(lines[1]["text"], str)
    assert [line["intent"] for line in lines] == [None, None]
    assert [line["in_grammar"] for line in lines] == [False, False]
    assert result.stderr.count("vosk model loaded") == 1
    assert "no phrase is usable" in result.stderr


def test_hear_with_a_missing_vosk_model_says_what_to_run(
    espeak_wav: Callable[..., Path], tmp_path: Path
) -> None:
    result = _hear("--engine", "vosk", "--model", str(tmp_path / "absent"), str(espeak_wav("yes")))
    assert result.returncode == 2
    assert "voice-helper models fetch" in result.stderr
    assert "Traceback" not in result.stderr
