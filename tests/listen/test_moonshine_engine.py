"""The Moonshine tiny-en engine for real, on espeak-ng speech over a faint noise floor."""

from __future__ import annotations

import numpy as np
import pytest

from tests.listen.conftest import Speak, words
from voice_helper.listen.audio import to_int16
from voice_helper.listen.moonshine_engine import MoonshineEngine

VOICES = [("en-us", 150), ("en-gb", 130), ("en-us+f3", 170)]
KEY_WORDS = {
    "remind me to pump in three hours": {"pump", "three", "hours"},
    "i am done pumping": {"done", "pumping"},
    "how long since my last session": {"how", "long", "since", "last"},
    "what causes low milk supply": {"low", "supply"},
    "yes": {"yes"},
    "stop": {"stop"},
}


@pytest.mark.parametrize(("voice", "speed"), VOICES)
@pytest.mark.parametrize("sentence", list(KEY_WORDS))
def test_key_words_come_through(
    moonshine: MoonshineEngine, speak: Speak, sentence: str, voice: str, speed: int
) -> None:
    audio = speak(sentence, voice=voice, speed=speed, noise_db=-50)
    transcript = moonshine.transcribe(audio)
    assert KEY_WORDS[sentence] <= set(words(transcript.text)), transcript.text
    assert transcript.engine == "moonshine"
    assert transcript.confidence is None


def test_int16_input_is_recognised(moonshine: MoonshineEngine, speak: Speak) -> None:
    # How fast: benchmarks/speech_bench.py (offline_rtf), not a unit test on a shared machine.
    audio = speak("remind me to pump in three hours", noise_db=-50)
    transcript = moonshine.transcribe(to_int16(audio))
    assert {"pump", "three", "hours"} <= set(words(transcript.text))


def test_too_short_audio_is_empty(moonshine: MoonshineEngine) -> None:
    assert moonshine.transcribe(np.zeros(800, np.float32)).text == ""


def test_phrases_and_reset_are_accepted(moonshine: MoonshineEngine, speak: Speak) -> None:
    moonshine.set_phrases(["yes", "no"])
    moonshine.reset()
    assert "stop" in words(moonshine.transcribe(speak("stop", noise_db=-50)).text)
    moonshine.set_phrases(None)
