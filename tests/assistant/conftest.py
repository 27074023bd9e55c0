"""Shared fixtures: a private home for reminders and config, and recordings made with espeak-ng."""

from pathlib import Path

import pytest

from voice_helper.assistant.demo import make_recording


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    """Reminders, config and sockets live in a temporary home."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("VOICE_HELPER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def recording(tmp_path):
    """Make a recording of these lines, spoken with pauses between them."""

    def make(*lines: str, name: str = "parent.wav") -> Path:
        return make_recording(lines, tmp_path / name)

    return make
