"""Doctor checks of the set-up: config, Python, platform, content, job store, service, network."""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from pathlib import Path

from voice_helper import netcheck, platform_support, systemd_unit
from voice_helper.config import Settings, data_dir, load_settings
from voice_helper.doctor.result import FAIL, PASS, WARN, CheckResult, first_line
from voice_helper.errors import VoiceHelperError
from voice_helper.platform_support import Machine
from voice_helper.unit_file import UNIT_NAME

_LOGGER = logging.getLogger(__name__)


def check_config(path: Path) -> tuple[CheckResult, Settings]:
    """Load the config file; on errors fall back to defaults for the other checks."""
    try:
        settings = load_settings(path)
    except VoiceHelperError as exc:
        return CheckResult(
            "config", FAIL, first_line(exc), "see every problem with: voice-helper config check"
        ), Settings()
    where = str(path) if path.exists() else f"no file at {path}, defaults in use"
    return CheckResult("config", PASS, where), settings


def check_python(machine: Machine) -> CheckResult:
    """Pass when this Python is one voice-helper supports (3.11-3.13)."""
    detail = platform_support.describe_python(machine)
    problem = platform_support.python_problem(machine)
    return (
        CheckResult("python", FAIL, detail, problem)
        if problem
        else CheckResult("python", PASS, detail)
    )


def check_platform(machine: Machine) -> CheckResult:
    """Pass on Linux with glibc 2.34+ on 64-bit x86_64 or aarch64 (the speech engine's wheel)."""
    detail = platform_support.describe_platform(machine)
    problem = platform_support.platform_problem(machine)
    return (
        CheckResult("platform", FAIL, detail, problem)
        if problem
        else CheckResult("platform", PASS, detail)
    )


def check_content(directory: Path) -> CheckResult:
    """Load and validate the content folder."""
    try:
        from voice_helper.content import load_content
    except Exception as exc:  # noqa: BLE001 - a broken loader is reported, not raised
        return CheckResult("content", WARN, f"content loader unavailable: {exc}", "")
    try:
        content = load_content(directory)
    except VoiceHelperError as exc:
        return CheckResult(
            "content",
            FAIL,
            first_line(exc),
            f"see every problem with: voice-helper content check {directory}",
        )
    causes = getattr(content, "causes", ())
    return CheckResult("content", PASS, f"{directory} ({len(causes)} causes)")


def check_job_store(directory: Path) -> CheckResult:
    """Pass when the data directory is writable and any SQLite store in it is intact."""
    if not directory.is_dir():
        parent = next((p for p in directory.parents if p.is_dir()), Path("/"))
        if os.access(parent, os.W_OK):
            return CheckResult("job store", PASS, f"{directory} will be made on first run")
        return CheckResult(
            "job store",
            FAIL,
            f"{directory} cannot be made: {parent} is not writable",
            f"create {directory} and make it yours",
        )
    try:
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".doctor-"):
            pass
    except OSError as exc:
        return CheckResult(
            "job store",
            FAIL,
            f"{directory} is not writable: {exc.strerror}",
            f"fix the permissions of {directory}",
        )
    stores = sorted(p for p in directory.iterdir() if p.suffix in (".sqlite", ".db", ".sqlite3"))
    for store in stores:
        try:
            with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
                verdict = db.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.Error as exc:
            verdict = str(exc)
        if verdict != "ok":
            return CheckResult(
                "job store",
                WARN,
                f"{store.name} is damaged: {verdict}",
                "`voice-helper run` moves it aside and rebuilds what it can read",
            )
    found = ", ".join(p.name for p in stores) or "no store yet (made on first run)"
    return CheckResult("job store", PASS, f"{directory} writable; {found}")


def store_dir() -> Path:
    """Where the reminders keep their SQLite files (VOICE_HELPER_DATA_DIR aware)."""
    try:
        from voice_helper.remind.storage import reminders_data_dir
    except Exception:  # noqa: BLE001 - remind/ may be mid-change; the XDG data dir is the default
        return data_dir()
    return reminders_data_dir()


def check_service() -> CheckResult:
    """Report whether the user service runs (not needed for `run` in a terminal)."""
    manager = systemd_unit.user_manager()
    if not manager.available:
        return CheckResult(
            "service",
            WARN,
            f"systemd not available ({manager.reason})",
            "start it yourself with `voice-helper run`, or use a systemd session",
        )
    state = systemd_unit.systemctl("is-active", UNIT_NAME).stdout.strip() or "unknown"
    if state == "active":
        return CheckResult("service", PASS, f"{UNIT_NAME} is active")
    if not systemd_unit.unit_path().exists():
        return CheckResult("service", WARN, "not installed", "voice-helper service install")
    return CheckResult(
        "service",
        WARN,
        f"{UNIT_NAME} is {state}",
        f"journalctl --user -u {UNIT_NAME} -n 50",
    )


def check_network() -> CheckResult:
    """Fail when this process or a running voice-helper listens on an internet socket."""
    pids = netcheck.voice_helper_pids()
    per_pid = {pid: netcheck.inet_sockets(pid) for pid in pids}
    hidden = [pid for pid, found in per_pid.items() if found is None]
    sockets = [s for found in per_pid.values() for s in found or []]
    listeners = [s for s in sockets if s.listening]
    if listeners:
        where = ", ".join(f"pid {s.pid} {s.protocol} {s.local}" for s in listeners)
        return CheckResult(
            "network",
            FAIL,
            f"listening on {where}",
            "voice-helper must stay offline; report this as a bug",
        )
    detail = f"no internet listeners in {len(pids) - len(hidden)} voice-helper process(es)"
    if hidden:
        return CheckResult(
            "network",
            WARN,
            f"{detail}; cannot inspect pid {', '.join(map(str, hidden))} (another user's)",
            "run doctor as the user that runs voice-helper",
        )
    if sockets:
        return CheckResult(
            "network",
            WARN,
            f"{detail}, but {len(sockets)} internet socket(s) open",
            "see `ss -tunap`; voice-helper should need none",
        )
    return CheckResult("network", PASS, detail)


def check_crisis_line(settings: Settings) -> CheckResult:
    """The numbers the safety replies name: her country's, or a warning that none are set."""
    from voice_helper import DEFAULT_CONTENT_DIR
    from voice_helper.content.countries import country_problem, load_countries

    try:
        countries = load_countries(Path(settings.content_dir or DEFAULT_CONTENT_DIR))
    except Exception as exc:  # noqa: BLE001 - doctor reports, never crashes
        return CheckResult(
            "crisis",
            FAIL,
            f"cannot read countries.yaml: {first_line(exc)}",
            "run `voice-helper content check`",
        )
    problem = country_problem(settings.country, countries)
    if problem is not None:
        return CheckResult("crisis", FAIL, problem, "run `voice-helper setup` to choose one")
    if settings.country is None and not settings.crisis_line:
        return CheckResult(
            "crisis",
            WARN,
            "no country set: the safety replies say 'your local emergency number' and name no "
            "crisis line",
            "run `voice-helper setup` (or set country: GB, US, IE, CA, AU or NZ)",
        )
    country = countries.get(settings.country or "none")
    emergency = settings.emergency_number or (country.emergency if country else "?")
    crisis = settings.crisis_line or (country.crisis if country else "?")
    return CheckResult("crisis", PASS, f"emergency: {emergency}; crisis line: {crisis}")
