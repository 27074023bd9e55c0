"""Settings: one YAML file in the XDG config directory, every setting with a default."""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

import platformdirs

from voice_helper.config_problems import explain, problems_text, source_lines, syntax_hint
from voice_helper.errors import ConfigError
from voice_helper.yamlfile import Checker, Field, YamlProblems, load_yaml

APP_NAME = "voice-helper"
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_SHORT_CLOCK = re.compile(r"^\d:[0-5]\d$")


def config_dir() -> Path:
    """Directory of the config file (XDG_CONFIG_HOME aware)."""
    return Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    """Directory for the job store and the session log (XDG_DATA_HOME aware)."""
    return Path(platformdirs.user_data_dir(APP_NAME))


def cache_dir() -> Path:
    """Where rebuildable files live (the trained meaning model): VOICE_HELPER_CACHE_DIR or XDG."""
    override = os.environ.get("VOICE_HELPER_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir(APP_NAME))


def runtime_dir() -> Path:
    """Directory for the control socket: XDG_RUNTIME_DIR when set, else a private temp dir."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    if base:
        return Path(base) / APP_NAME
    return Path(f"/tmp/{APP_NAME}-{os.getuid()}")


def config_path() -> Path:
    """Path of the config file; VOICE_HELPER_CONFIG overrides it."""
    override = os.environ.get("VOICE_HELPER_CONFIG")
    return Path(override) if override else config_dir() / "config.yaml"


@dataclass
class QuietHours:
    """A nightly window in which announcements are held."""

    enabled: bool = True
    """Whether quiet hours apply at all."""
    start: str = "22:00"
    """Local clock time the window starts (HH:MM)."""
    end: str = "07:00"
    """Local clock time the window ends (HH:MM)."""
    mode: str = "pump_quietly"
    """hold: hold everything; pump_quietly: speak pump reminders at quiet_volume, hold the rest."""
    quiet_volume: float = 0.4
    """Volume (0..1) for pump reminders spoken inside quiet hours."""


@dataclass
class Settings:
    """Every setting of the assistant."""

    engine: str = "auto"
    """auto (vosk when an English vosk model is installed, else moonshine), vosk or moonshine."""
    model: str | None = None
    """Directory of the vosk model; default: the one fetched into models/."""
    input_device: str | None = None
    """Microphone name or index; default: the system default."""
    output_device: str | None = None
    """Speaker name or index; default: the system default."""
    wake_phrase: str | None = None
    """Phrase that must start a command when no conversation is active; off by default."""
    wake_idle_seconds: float = 30.0
    """Seconds of silence after which a conversation needs the wake phrase again."""
    voice: str = "en-us"
    """espeak-ng voice for speech."""
    rate: int = 160
    """Speaking rate in words per minute."""
    volume: float = 1.0
    """Speech volume, 0..1."""
    quiet_hours: QuietHours = field(default_factory=QuietHours)
    """Nightly quiet window."""
    pump_every_minutes: int = 180
    """Default interval for pump reminders."""
    count_from: str = "end"
    """Next pump reminder counts from the logged session's start or end."""
    snooze_minutes: int = 10
    """Snooze length when none is said."""
    session_cues_minutes: list[int] = field(default_factory=lambda: [15])
    """Minutes into a pumping session at which a short cue is spoken."""
    breathing_exercise: str = "equal_breathing"
    """Id of the breathing exercise used by default."""
    reminder_wait_seconds: float = 30.0
    """Longest time a due reminder waits for a conversation turn to end."""
    timezone: str | None = None
    """IANA zone name for reminders; default: the system's."""
    content_dir: str | None = None
    """Content folder; default: the project's content/."""
    country: str | None = None
    """Two-letter country code (GB, US, IE, CA, AU, NZ): picks the emergency number and the
    crisis and postnatal lines from content/countries.yaml. Unset, the safety replies say "your
    local emergency number" and name no foreign line; `config check` and `doctor` say so."""
    crisis_line: str | None = None
    """Overrides the country's crisis line: "the Samaritans on 116 123"."""
    emergency_number: str | None = None
    """Overrides the country's emergency number: "999", "911", "112"."""
    volume_unit: str = "ml"
    """Unit of the pumping log: ml or oz (both are understood; answers use this one)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of all settings, for show and for writing."""
        return asdict(self)


_QUIET_SCHEMA = {
    "enabled": Field(bool, required=False),
    "start": Field(str, required=False),
    "end": Field(str, required=False),
    "mode": Field(str, required=False, choices=("hold", "pump_quietly")),
    "quiet_volume": Field(float, required=False),
}
_OPT_STR = (str, type(None))
SCHEMA: dict[str, Field] = {
    "engine": Field(str, required=False, choices=("auto", "vosk", "moonshine")),
    "model": Field(_OPT_STR, required=False),
    "input_device": Field((str, int, type(None)), required=False),
    "output_device": Field((str, int, type(None)), required=False),
    "wake_phrase": Field(_OPT_STR, required=False),
    "wake_idle_seconds": Field(float, required=False),
    "voice": Field(str, required=False),
    "rate": Field(int, required=False),
    "volume": Field(float, required=False),
    "quiet_hours": Field(dict, required=False, schema=_QUIET_SCHEMA),
    "pump_every_minutes": Field(int, required=False),
    "count_from": Field(str, required=False, choices=("start", "end")),
    "snooze_minutes": Field(int, required=False),
    "session_cues_minutes": Field(list, required=False, items=int),
    "breathing_exercise": Field(str, required=False),
    "reminder_wait_seconds": Field(float, required=False),
    "timezone": Field(_OPT_STR, required=False),
    "content_dir": Field(_OPT_STR, required=False),
    "country": Field(_OPT_STR, required=False),
    "crisis_line": Field(_OPT_STR, required=False),
    "emergency_number": Field(_OPT_STR, required=False),
    "volume_unit": Field(str, required=False, choices=("ml", "oz")),
}

_RANGES: dict[str, tuple[float, float]] = {
    "wake_idle_seconds": (1, 3600),
    "rate": (60, 400),
    "volume": (0, 1),
    "pump_every_minutes": (15, 24 * 60),
    "snooze_minutes": (1, 240),
    "reminder_wait_seconds": (0, 600),
}


def _check_ranges(raw: dict, checker: Checker) -> None:
    lines = getattr(raw, "key_lines", {})
    for key, (low, high) in _RANGES.items():
        value = raw.get(key)
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if is_number and not low <= cast(float, value) <= high:
            checker.add(lines.get(key, 1), key, f"{value} is outside {low:g}..{high:g}")
    quiet = raw.get("quiet_hours")
    if isinstance(quiet, dict):
        qlines = getattr(quiet, "key_lines", {})
        for key in ("start", "end"):
            value = quiet.get(key)
            if isinstance(value, str) and not _CLOCK.match(value):
                hint = f' (write "0{value}")' if _SHORT_CLOCK.match(value) else ""
                checker.add(
                    qlines.get(key, 1),
                    f"quiet_hours.{key}",
                    f"{value!r} is not a clock time like 22:00{hint}",
                )
        volume = quiet.get("quiet_volume")
        if isinstance(volume, (int, float)) and not 0 <= volume <= 1:
            checker.add(
                qlines.get("quiet_volume", 1),
                "quiet_hours.quiet_volume",
                f"{volume} is outside 0..1",
            )
    cues = raw.get("session_cues_minutes")
    if isinstance(cues, list):
        for index, cue in enumerate(cues):
            if isinstance(cue, int) and not 1 <= cue <= 120:
                checker.add(
                    cues.item_lines[index] if hasattr(cues, "item_lines") else 1,
                    f"session_cues_minutes[{index}]",
                    f"{cue} is outside 1..120",
                )
    zone = raw.get("timezone")
    if isinstance(zone, str):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            checker.add(lines.get("timezone", 1), "timezone", f"unknown time zone {zone!r}")


def parse_settings(raw: dict, path: Path) -> Settings:
    """Validate a loaded YAML mapping and build Settings; raise ConfigError naming file:line:field."""
    checker = Checker(path)
    if checker.mapping(raw, SCHEMA, "", 1):
        _check_ranges(raw, checker)
    if checker.problems:
        source = source_lines(path)
        problems = sorted(
            (explain(p, raw, source, list(SCHEMA), list(_QUIET_SCHEMA)) for p in checker.problems),
            key=lambda p: p.line,
        )
        raise ConfigError(problems_text(path, [str(p) for p in problems]))
    values = {k: v for k, v in raw.items() if k != "quiet_hours"}
    if isinstance(values.get("session_cues_minutes"), list):
        values["session_cues_minutes"] = list(values["session_cues_minutes"])
    for key in ("wake_idle_seconds", "volume", "reminder_wait_seconds"):
        if key in values:
            values[key] = float(values[key])
    quiet = QuietHours(**dict(raw.get("quiet_hours") or {}))
    quiet.quiet_volume = float(quiet.quiet_volume)
    return Settings(quiet_hours=quiet, **values)


def load_settings(path: Path | None = None) -> Settings:
    """Load the config file, or the defaults when there is none."""
    path = path or config_path()
    if not path.exists():
        return Settings()
    try:
        raw = load_yaml(path)
    except YamlProblems as exc:
        if exc.problems and exc.problems[0].message == "is empty":
            return Settings()
        raise ConfigError(problems_text(path, [syntax_hint(p) for p in exc.problems])) from exc
    if raw is None:
        return Settings()
    return parse_settings(raw, path)
