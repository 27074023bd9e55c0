"""Doctor checks of the devices and engines: microphone, speaker, speech output, recogniser."""

from __future__ import annotations

import importlib.util
import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

from voice_helper import MODELS_DIR
from voice_helper.audiodevices import Endpoint, Inventory
from voice_helper.config import Settings
from voice_helper.doctor.result import FAIL, PASS, WARN, CheckResult, first_line
from voice_helper.errors import VoiceHelperError

_LOGGER = logging.getLogger(__name__)


_MOONSHINE_FILES = ("encoder_model.ort", "decoder_model_merged.ort", "tokenizer.bin")


_VOSK_MODEL = "vosk-model-small-en-us-0.15"


_AUDIO_ADVICE = (
    "plug in a {what} (USB or Bluetooth headset works), make sure PipeWire or "
    "PulseAudio runs (`pactl info`) and lists it (`pactl list short {kind}`)"
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
    if espeak_ok and espeak:
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


def engine_fallback(settings: Settings) -> CheckResult:
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
        from voice_helper.listen.engine_choice import choose_engine
    except Exception as exc:  # noqa: BLE001 - listen/ may be broken; fall back to file checks
        _LOGGER.debug("choose_engine unavailable: %s", exc)
        return engine_fallback(settings)
    try:
        _engine, reason = choose_engine(settings)
    except VoiceHelperError as exc:
        return CheckResult("engine", FAIL, first_line(exc), "run: voice-helper models fetch")
    except Exception as exc:  # noqa: BLE001 - any crash here is what doctor must report
        return CheckResult(
            "engine", FAIL, f"loading failed: {exc}", "run with -v and report the error"
        )
    return CheckResult("engine", PASS, reason)
