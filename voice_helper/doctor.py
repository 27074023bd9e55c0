"""`voice-helper doctor`: one small check per thing `run` needs, each saying what to do."""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from voice_helper import DEFAULT_CONTENT_DIR, MODELS_DIR, netcheck, platform_support, systemd_unit
from voice_helper.audiodevices import Endpoint, Inventory, take_inventory
from voice_helper.config import Settings, config_path, data_dir, load_settings
from voice_helper.errors import VoiceHelperError
from voice_helper.platform_support import Machine

_LOGGER = logging.getLogger(__name__)

PASS, WARN, FAIL = "PASS", "WARN", "FAIL"
_MOONSHINE_FILES = ("encoder_model.ort", "decoder_model_merged.ort", "tokenizer.bin")
_VOSK_MODEL = "vosk-model-small-en-us-0.15"
_AUDIO_ADVICE = (
    "plug in a {what} (USB or Bluetooth headset works), make sure PipeWire or "
    "PulseAudio runs (`pactl info`) and lists it (`pactl list short {kind}`)"
)


@dataclass
class CheckResult:
    """The outcome of one doctor check."""

    name: str
    """Short name: microphone, speaker, tts, ..."""
    status: str
    """PASS, WARN or FAIL; FAIL means `voice-helper run` will not work (or leaks to the net)."""
    detail: str
    """What was found."""
    advice: str = ""
    """What to do about a WARN or FAIL."""

    def line(self) -> str:
        """One line for the terminal."""
        text = f"{self.status}  {self.name:<10}  {self.detail}"
        return f"{text} -> {self.advice}" if self.advice and self.status != PASS else text


def _first_line(exc: BaseException) -> str:
    """The first problem of a (possibly multi-line) error, skipping a "...:" header."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].endswith(":"):
        return lines[1]
    return lines[0] if lines else type(exc).__name__


def check_config(path: Path) -> tuple[CheckResult, Settings]:
    """Load the config file; on errors fall back to defaults for the other checks."""
    try:
        settings = load_settings(path)
    except VoiceHelperError as exc:
        return CheckResult(
            "config", FAIL, _first_line(exc), "see every problem with: voice-helper config check"
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


def _audio_check(
    name: str,
    found: list[str],
    endpoints: list[Endpoint],
    server: str | None,
    configured: str | int | None,
    cards: list[str] | None,
) -> CheckResult:
    what, kind = ("microphone", "sources") if name == "microphone" else ("speaker", "sinks")
    advice = _AUDIO_ADVICE.format(what=what, kind=kind)
    if not found:
        direction = "input" if name == "microphone" else "output"
        return CheckResult(name, FAIL, f"no audio {direction} device at all", advice)
    wanted = str(configured).lower() if configured is not None else ""
    # A number is a PortAudio index that only sounddevice can resolve; names match by substring.
    if wanted and not wanted.isdigit() and not any(wanted in d.lower() for d in found):
        setting = "input_device" if name == "microphone" else "output_device"
        return CheckResult(
            name,
            FAIL,
            f"configured {setting} {configured!r} not found; have: {', '.join(found)}",
            f"fix {setting} in the config",
        )
    if server is not None:
        real = [e.name for e in endpoints if e.real]
        if real:
            return CheckResult(name, PASS, f"{real[0]} via {server}")
        fake = ", ".join(f"{e.name} ({e.kind})" for e in endpoints) or "nothing"
        return CheckResult(name, FAIL, f"no real {what}; {server} has only {fake}", advice)
    if not cards:  # no sound server and no ALSA card: PortAudio lists only plugins
        return CheckResult(
            name, FAIL, f"no sound card; PortAudio lists only {', '.join(found)}", advice
        )
    return CheckResult(name, PASS, f"{found[0]} (no sound server answered; using ALSA)")


def check_microphone(inventory: Inventory, settings: Settings) -> CheckResult:
    """Pass when a real (not virtual) input device exists."""
    if inventory.error:
        return CheckResult("microphone", FAIL, inventory.error, "sudo apt install libportaudio2")
    return _audio_check(
        "microphone",
        inventory.inputs,
        inventory.sources,
        inventory.server,
        settings.input_device,
        inventory.alsa_cards,
    )


def check_speaker(inventory: Inventory, settings: Settings) -> CheckResult:
    """Pass when a real (not null) output device exists."""
    if inventory.error:
        return CheckResult("speaker", FAIL, inventory.error, "sudo apt install libportaudio2")
    return _audio_check(
        "speaker",
        inventory.outputs,
        inventory.sinks,
        inventory.server,
        settings.output_device,
        inventory.alsa_cards,
    )


def _run(command: list[str], timeout: float = 20) -> tuple[bool, str]:
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    output = (result.stdout + result.stderr).strip().splitlines()
    return result.returncode == 0, output[-1] if output else ""


def check_tts(settings: Settings) -> CheckResult:
    """Pass when espeak-ng speaks the configured voice and pyttsx3 can start its espeak driver."""
    espeak = shutil.which("espeak-ng")
    espeak_ok, espeak_out = (False, "espeak-ng not found")
    if espeak:
        espeak_ok, espeak_out = _run([espeak, "--version"])
    # A subprocess, so a crash or hang in libespeak-ng cannot take the doctor with it.
    pyttsx_ok, pyttsx_out = _run([sys.executable, "-c", "import pyttsx3; pyttsx3.init('espeak')"])
    if not espeak_ok and not pyttsx_ok:
        return CheckResult(
            "tts",
            FAIL,
            f"{espeak_out}; pyttsx3: {pyttsx_out}",
            "sudo apt install espeak-ng libespeak-ng1",
        )
    if espeak_ok:
        voice_ok, voice_out = _run([espeak, "-q", "-v", settings.voice, "x"])
        if not voice_ok:
            return CheckResult(
                "tts",
                FAIL,
                f"voice {settings.voice!r}: {voice_out}",
                "pick one from `espeak-ng --voices=en` for `voice` in the config",
            )
    if not pyttsx_ok:
        return CheckResult(
            "tts",
            WARN,
            f"espeak-ng works; pyttsx3 does not: {pyttsx_out}",
            "reinstall: .venv/bin/pip install pyttsx3",
        )
    if not espeak_ok:
        return CheckResult(
            "tts", WARN, f"pyttsx3 works; {espeak_out}", "sudo apt install espeak-ng"
        )
    version = re.search(r"\d+\.\d+\S*", espeak_out)
    return CheckResult(
        "tts",
        PASS,
        f"espeak-ng {version.group() if version else '?'} speaks "
        f"{settings.voice!r}; pyttsx3 espeak driver ok",
    )


def _engine_fallback(settings: Settings) -> CheckResult:
    spec = importlib.util.find_spec("moonshine_voice")
    assets = (
        Path(next(iter(spec.submodule_search_locations or []), "")) / "assets" / "tiny-en"
        if spec
        else None
    )
    moonshine = assets is not None and all((assets / f).is_file() for f in _MOONSHINE_FILES)
    model = Path(settings.model).expanduser() if settings.model else MODELS_DIR / _VOSK_MODEL
    vosk = (model / "am" / "final.mdl").is_file() and importlib.util.find_spec("vosk") is not None
    if settings.engine in ("auto", "vosk") and vosk:
        return CheckResult("engine", PASS, f"vosk model at {model}")
    if settings.engine in ("auto", "moonshine") and moonshine:
        return CheckResult(
            "engine", PASS, f"moonshine tiny-en at {assets} (no vosk model at {model})"
        )
    return CheckResult(
        "engine",
        FAIL,
        f"no usable model for engine {settings.engine!r}",
        "run: voice-helper models fetch (or reinstall moonshine-voice)",
    )


def check_engine(settings: Settings) -> CheckResult:
    """Load the speech engine the settings choose, as `run` would."""
    try:
        from voice_helper.listen.engines import choose_engine
    except Exception as exc:  # noqa: BLE001 - listen/ may be broken; fall back to file checks
        _LOGGER.debug("choose_engine unavailable: %s", exc)
        return _engine_fallback(settings)
    try:
        _engine, reason = choose_engine(settings)
    except VoiceHelperError as exc:
        return CheckResult("engine", FAIL, _first_line(exc), "run: voice-helper models fetch")
    except Exception as exc:  # noqa: BLE001 - any crash here is what doctor must report
        return CheckResult(
            "engine", FAIL, f"loading failed: {exc}", "run with -v and report the error"
        )
    return CheckResult("engine", PASS, reason)


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
            _first_line(exc),
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


def _store_dir() -> Path:
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
    state = systemd_unit.systemctl("is-active", systemd_unit.UNIT_NAME).stdout.strip() or "unknown"
    if state == "active":
        return CheckResult("service", PASS, f"{systemd_unit.UNIT_NAME} is active")
    if not systemd_unit.unit_path().exists():
        return CheckResult("service", WARN, "not installed", "voice-helper service install")
    return CheckResult(
        "service",
        WARN,
        f"{systemd_unit.UNIT_NAME} is {state}",
        f"journalctl --user -u {systemd_unit.UNIT_NAME} -n 50",
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
    """Warn when no crisis line is set: the crisis reply then names the US and UK ones."""
    if settings.crisis_line:
        return CheckResult(
            "crisis",
            PASS,
            f"crisis line: {settings.crisis_line}; emergency: {settings.emergency_number}",
        )
    return CheckResult(
        "crisis",
        WARN,
        "no crisis_line set: the crisis reply names the US (988) "
        "and UK (Samaritans, 116 123) lines",
        "set crisis_line (and emergency_number) in the config file for her country",
    )


def run_checks(
    config_file: Path | None = None,
    content_dir: Path | None = None,
    machine: Machine | None = None,
) -> list[CheckResult]:
    """Run every check in order; the config is loaded first so the others use it."""
    config_result, settings = check_config(config_file or config_path())
    machine = machine or platform_support.this_machine()
    inventory = take_inventory()
    directory = content_dir or (
        Path(settings.content_dir).expanduser() if settings.content_dir else DEFAULT_CONTENT_DIR
    )
    return [
        config_result,
        check_python(machine),
        check_platform(machine),
        check_microphone(inventory, settings),
        check_speaker(inventory, settings),
        check_tts(settings),
        check_engine(settings),
        check_content(directory),
        check_crisis_line(settings),
        check_job_store(_store_dir()),
        check_service(),
        check_network(),
    ]


def exit_status(results: list[CheckResult]) -> int:
    """1 when any check failed (run cannot work), else 0; warnings do not count."""
    return 1 if any(r.status == FAIL for r in results) else 0
