"""`voice-helper say`, run as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from voice_helper import PROJECT_ROOT
from voice_helper.wavfile import inspect_wav


def _say(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, VOICE_HELPER_CONFIG=str(home / "no-config.yaml"))
    return subprocess.run(
        [sys.executable, "-m", "voice_helper", *args],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_say_writes_a_wav_and_prints_only_its_path(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("rate: 100\n", encoding="utf-8")
    slow, fast = tmp_path / "slow.wav", tmp_path / "fast.wav"
    text = ["Remember", "to", "drink", "some", "water", "while", "you", "pump."]
    done = _say("--config", str(config), "say", *text, "--out", str(slow), home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{slow}\n"
    done = _say(
        "--config", str(config), "say", *text, "--out", str(fast), "--rate", "250", home=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert inspect_wav(slow).duration_s > 1.8 * inspect_wav(fast).duration_s


def test_say_with_an_unknown_voice_is_one_clear_error(tmp_path: Path) -> None:
    done = _say(
        "say", "hello", "--out", str(tmp_path / "x.wav"), "--voice", "no-such-voice", home=tmp_path
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "voice-helper: The speech engine refused" in done.stderr
    assert not (tmp_path / "x.wav").exists()
