"""Pick and load the speech engine the settings ask for, and say why."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from voice_helper import MODELS_DIR
from voice_helper.config import Settings
from voice_helper.errors import ModelMissing
from voice_helper.listen.engine import SpeechEngine, Transcript
from voice_helper.listen.vosk_engine import vosk_model_problems

_LOGGER = logging.getLogger(__name__)

DEFAULT_VOSK_MODEL = "vosk-model-small-en-us-0.15"
ENGINE_NAMES = ("auto", "vosk", "moonshine")

__all__ = [
    "EngineChoice",
    "SpeechEngine",
    "Transcript",
    "choose_engine",
    "load_engine",
    "pick_engine",
    "vosk_model_dir",
]


@dataclass(frozen=True)
class EngineChoice:
    """Which engine to load, from where, and why."""

    name: str
    """"vosk" or "moonshine"."""
    model_dir: Path | None
    """The vosk model directory; None for moonshine (its weights ship in the wheel)."""
    reason: str
    """One sentence for the log and for `doctor`."""


def vosk_model_dir(settings: Settings) -> Path:
    """The vosk model directory: settings.model, else the fetched English model in models/."""
    return Path(settings.model).expanduser() if settings.model else MODELS_DIR / DEFAULT_VOSK_MODEL


def pick_engine(settings: Settings) -> EngineChoice:
    """Decide on an engine without loading anything."""
    wanted = settings.engine
    if wanted not in ENGINE_NAMES:
        raise ValueError(f"unknown engine {wanted!r}; choose one of {', '.join(ENGINE_NAMES)}")
    model_dir = vosk_model_dir(settings)
    if wanted == "moonshine":
        return EngineChoice("moonshine", None, "moonshine: chosen in the settings")
    if wanted == "vosk":
        return EngineChoice("vosk", model_dir, f"vosk: chosen in the settings ({model_dir})")
    problems = vosk_model_problems(model_dir)
    if not problems:
        return EngineChoice(
            "vosk",
            model_dir,
            f"vosk: an English vosk model is installed at {model_dir} (engine: auto)",
        )
    if model_dir.exists():
        why = f"the vosk model at {model_dir} is incomplete ({'; '.join(problems)})"
    else:
        why = f"no vosk model at {model_dir}"
    return EngineChoice(
        "moonshine",
        None,
        f"moonshine: {why}; run `voice-helper models fetch` "
        f"for vosk's grammar-limited recognition (engine: auto)",
    )


def load_engine(choice: EngineChoice) -> SpeechEngine:
    """Load the chosen engine; raise ModelMissing with what to run when it cannot be loaded."""
    if choice.name == "vosk":
        from voice_helper.listen.model_manifest import check_installed
        from voice_helper.listen.vosk_engine import VoskEngine

        assert choice.model_dir is not None
        check_installed(choice.model_dir)
        return VoskEngine(choice.model_dir)
    from voice_helper.listen.moonshine_engine import MoonshineEngine

    return MoonshineEngine()


def choose_engine(settings: Settings) -> tuple[SpeechEngine, str]:
    """Load the engine the settings ask for ("auto": vosk if installed, else moonshine)."""
    choice = pick_engine(settings)
    try:
        engine = load_engine(choice)
    except ModelMissing as exc:
        if settings.engine != "auto" or choice.name != "vosk":
            raise
        choice = EngineChoice(
            "moonshine",
            None,
            f"moonshine: the vosk model could not be loaded ({exc}) (engine: auto)",
        )
        _LOGGER.warning("%s", choice.reason)
        engine = load_engine(choice)
    _LOGGER.info("speech engine %s", choice.reason)
    return engine, choice.reason
