"""A throw-away home for service, config and doctor tests: no real user manager is reachable."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point HOME, the XDG dirs and the runtime dir into tmp_path; unset bus and config overrides."""
    home = tmp_path / "home"
    runtime = tmp_path / "run"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    # An empty runtime dir and no bus address: `systemctl --user` cannot reach any real manager.
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("VOICE_HELPER_CONFIG", raising=False)
    monkeypatch.delenv("VOICE_HELPER_DATA_DIR", raising=False)
    return home


@pytest.fixture
def systemd_verify(tmp_path: Path) -> Callable[[Path], subprocess.CompletedProcess[str]]:
    """Run `systemd-analyze --user verify` on a unit file; fail (not skip) when it is missing."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail(
            "systemd-analyze is missing: install the Debian package `systemd` "
            "(scripts/setup.sh --test does)"
        )
    runtime = tmp_path / "verify-run"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime)}

    def verify(unit: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [analyze, "--user", "verify", str(unit)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )

    return verify
