"""Fixtures shared by every test folder."""

import pytest


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory):
    """One cache folder for the whole run: the meaning model is trained once, here, not per test."""
    from voice_helper import DEFAULT_CONTENT_DIR
    from voice_helper.content import load_content
    from voice_helper.understand.understander import Understander

    cache = tmp_path_factory.mktemp("cache")
    Understander.from_content(load_content(DEFAULT_CONTENT_DIR), cache_dir=cache)
    return cache


@pytest.fixture(scope="session", autouse=True)
def model_cache_for_subprocesses(shared_cache):
    """Every process a test starts (run, chat, hear) finds the trained model instead of training."""
    import os

    before = os.environ.get("VOICE_HELPER_CACHE_DIR")
    os.environ["VOICE_HELPER_CACHE_DIR"] = str(shared_cache)
    yield
    if before is None:
        os.environ.pop("VOICE_HELPER_CACHE_DIR", None)
    else:
        os.environ["VOICE_HELPER_CACHE_DIR"] = before


@pytest.fixture
def private_home(tmp_path, monkeypatch, shared_cache):
    """Reminders, config and sockets live in a temporary home, never the real one."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("VOICE_HELPER_CACHE_DIR", str(shared_cache))
    monkeypatch.setenv("VOICE_HELPER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path
