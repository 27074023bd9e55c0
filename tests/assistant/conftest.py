"""Shared fixtures: a private home for reminders and config, and recordings made with espeak-ng."""

from pathlib import Path

import pytest

from voice_helper.assistant.demo import make_recording


@pytest.fixture(autouse=True)
def private_dirs(private_home):
    """Every assistant test keeps its reminders and config in a temporary home."""
    return private_home


@pytest.fixture
def recording(tmp_path):
    """Make a recording of these lines, spoken with pauses between them."""

    def make(*lines: str, name: str = "parent.wav") -> Path:
        return make_recording(lines, tmp_path / name)

    return make
