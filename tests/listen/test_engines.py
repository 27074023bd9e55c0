"""Choosing the speech engine: auto prefers an installed vosk model, else Moonshine."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.listen.conftest import KOREAN_MODEL
from voice_helper.config import Settings
from voice_helper.errors import ModelMissing
from voice_helper.listen.engine_choice import choose_engine, pick_engine
from voice_helper.listen.moonshine_engine import MoonshineEngine
from voice_helper.listen.vosk_engine import VoskEngine


def test_auto_without_a_vosk_model_picks_moonshine_and_says_how_to_fetch(tmp_path: Path) -> None:
    choice = pick_engine(Settings(engine="auto", model=str(tmp_path / "none")))
    assert choice.name == "moonshine"
    assert "no vosk model" in choice.reason and "voice-helper models fetch" in choice.reason


def test_auto_with_an_incomplete_model_names_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "am").mkdir()
    choice = pick_engine(Settings(engine="auto", model=str(tmp_path)))
    assert choice.name == "moonshine"
    assert "am/final.mdl is missing" in choice.reason


def test_auto_with_an_installed_model_picks_vosk() -> None:
    choice = pick_engine(Settings(engine="auto", model=str(KOREAN_MODEL)))
    assert (choice.name, choice.model_dir) == ("vosk", KOREAN_MODEL)
    assert "installed" in choice.reason


def test_choose_loads_vosk_when_told() -> None:
    engine, reason = choose_engine(Settings(engine="vosk", model=str(KOREAN_MODEL)))
    assert isinstance(engine, VoskEngine)
    assert "chosen in the settings" in reason


def test_choose_moonshine_when_told() -> None:
    engine, reason = choose_engine(Settings(engine="moonshine"))
    assert isinstance(engine, MoonshineEngine)
    assert reason.startswith("moonshine")


def test_explicit_vosk_without_model_raises_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ModelMissing, match="voice-helper models fetch"):
        choose_engine(Settings(engine="vosk", model=str(tmp_path / "missing")))


def test_auto_falls_back_when_the_model_will_not_load(tmp_path: Path) -> None:
    for name in ("am/final.mdl", "conf/model.conf", "graph/HCLr.fst", "graph/Gr.fst"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"damaged")
    engine, reason = choose_engine(Settings(engine="auto", model=str(tmp_path)))
    assert isinstance(engine, MoonshineEngine)
    assert "could not be loaded" in reason
