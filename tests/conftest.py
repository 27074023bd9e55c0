"""Fixtures shared by every test folder."""

import pytest


@pytest.fixture
def private_home(tmp_path, monkeypatch):
    """Reminders, config and sockets live in a temporary home, never the real one."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("VOICE_HELPER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Reply clips are cached per test, so no test hears another's cached speech."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("CACHE_DIRECTORY", raising=False)
