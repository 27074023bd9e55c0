"""Fixtures shared by every test folder."""

import pytest


@pytest.fixture
def private_home(tmp_path, monkeypatch):
    """Reminders, config and sockets live in a temporary home, never the real one."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("VOICE_HELPER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path
