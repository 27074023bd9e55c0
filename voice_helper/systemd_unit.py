"""Install, remove and inspect the systemd user unit that runs `voice-helper run`."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from voice_helper.unit_file import (
    UNIT_NAME,
    ServiceError,
    UnitValues,
    render_unit,
    template_path,
)

_LOGGER = logging.getLogger(__name__)

SYSTEMCTL = "systemctl"
"""Command used to talk to systemd; tests point it elsewhere."""
_CONFIG_ARG = re.compile(r" --config .* run$", re.MULTILINE)
_LATER = ("systemctl --user daemon-reload", f"systemctl --user enable --now {UNIT_NAME}")


@dataclass
class Outcome:
    """Lines to show the user and the exit status of a service command."""

    lines: list[str] = field(default_factory=list)
    exit_code: int = 0


@dataclass
class Manager:
    """Whether the user's systemd manager can be reached, and why not."""

    available: bool
    reason: str = ""


def unit_dir() -> Path:
    """Directory for user units: $XDG_CONFIG_HOME/systemd/user (default ~/.config)."""
    base = os.environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base.startswith("/") else Path.home() / ".config"
    return root / "systemd" / "user"


def unit_path() -> Path:
    """Where the installed unit file lives."""
    return unit_dir() / UNIT_NAME


def systemctl(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """Run `systemctl --user ARGS`; a missing systemctl reads as exit status 127."""
    command = [SYSTEMCTL, "--user", *args]
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except FileNotFoundError:
        return subprocess.CompletedProcess(command, 127, "", f"{SYSTEMCTL}: command not found")
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(command, 124, "", f"{SYSTEMCTL} did not answer")


def systemd_version() -> int | None:
    """Version of the installed systemd, or None when systemctl is missing."""
    try:
        result = subprocess.run(
            [SYSTEMCTL, "--version"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.match(r"systemd (\d+)", result.stdout)
    return int(match.group(1)) if match else None


def userns_available() -> bool:
    """Whether this user may create the user namespace PrivateUsers= needs."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return True  # cannot tell; util-linux is always there on Debian
    try:
        result = subprocess.run(
            [unshare, "--user", "--map-root-user", "--mount", "--net", "true"],
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def user_manager() -> Manager:
    """Find out whether `systemctl --user` reaches a running user manager."""
    result = systemctl("show-environment", timeout=10)
    if result.returncode == 0:
        return Manager(True)
    reason = (result.stderr or result.stdout).strip().splitlines()
    return Manager(False, reason[-1] if reason else f"exit status {result.returncode}")


def expected_unit(config_file: Path | None = None) -> str:
    """The unit text `service install` would write now."""
    try:
        template = template_path().read_text(encoding="utf-8")
    except OSError as exc:
        raise ServiceError(
            f"The unit template {template_path()} cannot be read "
            f"({exc.strerror}); reinstall voice-helper."
        ) from exc
    return render_unit(
        template,
        UnitValues.current(config_file),
        systemd_version=systemd_version(),
        private_users=userns_available(),
    )


def install(config_file: Path | None = None) -> Outcome:
    """Write the unit, then reload systemd and enable and start the service."""
    values = UnitValues.current(config_file)
    if not os.access(values.python, os.X_OK):
        raise ServiceError(f"{values.python} is not executable; run install from the venv.")
    text = expected_unit(config_file)
    for directory in (values.data_dir, values.config_dir):
        directory.mkdir(parents=True, exist_ok=True)
    target = unit_path()
    out = Outcome()
    if target.exists() and target.read_text(encoding="utf-8") == text:
        out.lines.append(f"Unit file {target} is already up to date.")
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(target)
        out.lines.append(f"Wrote {target}")
    if "PrivateUsers=" not in text:
        out.lines.append(
            "Note: user namespaces are not available, so PrivateNetwork=, "
            "ProtectSystem= and the other namespace sandboxing are off."
        )
    manager = user_manager()
    if not manager.available:
        out.lines.append(
            f"systemd user manager not available ({manager.reason}); the service was not started."
        )
        enabled = systemctl("enable", UNIT_NAME)
        if enabled.returncode == 0:
            out.lines.append(
                "It is enabled, so a systemd user manager starts it when one runs (at login, or "
                "at boot after `loginctl enable-linger`). To start it in such a session now, run:"
            )
            out.lines.append(f"  systemctl --user start {UNIT_NAME}")
        else:
            out.lines.append("In a session with systemd, run:")
            out.lines.extend(f"  {command}" for command in _LATER)
        return out
    for step in (("daemon-reload",), ("enable", "--now", UNIT_NAME)):
        result = systemctl(*step)
        if result.returncode != 0:
            out.lines.append(
                f"systemctl --user {' '.join(step)} failed: "
                f"{(result.stderr or result.stdout).strip()}"
            )
            out.lines.append(f"See: journalctl --user -u {UNIT_NAME} -n 50")
            out.exit_code = 1
            return out
    out.lines.append(
        f"Enabled and started {UNIT_NAME}. Follow its log with: journalctl --user -u {UNIT_NAME} -f"
    )
    return out


def uninstall() -> Outcome:
    """Stop and disable the service and remove its unit file."""
    target = unit_path()
    if not target.exists():
        return Outcome([f"Not installed: there is no {target}."])
    out = Outcome()
    manager = user_manager()
    result = systemctl("disable", *(["--now"] if manager.available else []), UNIT_NAME)
    if result.returncode != 0 and manager.available:
        out.lines.append(f"systemctl --user disable --now failed: {result.stderr.strip()}")
        out.exit_code = 1
    wants = unit_dir() / "default.target.wants" / UNIT_NAME
    if wants.is_symlink():
        wants.unlink()
    target.unlink()
    out.lines.append(f"Removed {target}")
    if manager.available:
        systemctl("daemon-reload")
    else:
        out.lines.append(
            f"systemd user manager not available ({manager.reason}); nothing was running to stop."
        )
    return out


def status(config_file: Path | None = None) -> Outcome:
    """Report the unit file, whether it is enabled and whether it runs; 0 only when active."""
    target = unit_path()
    out = Outcome(exit_code=3)
    if not target.exists():
        out.lines.append("unit file: not installed (run: voice-helper service install)")
        return out
    out.lines.append(f"unit file: {target}")
    installed, expected = target.read_text(encoding="utf-8"), expected_unit(config_file)
    if config_file is None:  # installed with --config FILE: compare the rest
        installed, expected = _CONFIG_ARG.sub(" run", installed), _CONFIG_ARG.sub(" run", expected)
    if installed != expected:
        out.lines.append(
            "  differs from what install would write now (template, venv or paths changed); "
            "run: voice-helper service install"
        )
    enabled = systemctl("is-enabled", UNIT_NAME)
    out.lines.append(f"enabled: {enabled.stdout.strip() or 'unknown'}")
    manager = user_manager()
    if not manager.available:
        out.lines.append(f"active: unknown, systemd user manager not available ({manager.reason})")
        return out
    active = systemctl("is-active", UNIT_NAME).stdout.strip() or "unknown"
    out.lines.append(f"active: {active}")
    if active == "active":
        out.exit_code = 0
    elif active == "failed":
        out.lines.append(f"  see why: journalctl --user -u {UNIT_NAME} -n 50")
    return out
