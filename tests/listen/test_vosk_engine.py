"""The vosk engine for real, with the small Korean model and Korean speech from espeak-ng.

espeak-ng's Korean is rough; these words came through vosk's grammar mode right at 9 of 9
speeds and pitches tried (110-175 wpm, pitch 30-70): 정지, 엄마, 아니요, 여보세요, 서울.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.listen.conftest import KOREAN_MODEL, Speak
from voice_helper.errors import ModelMissing
from voice_helper.listen.vosk_engine import (
    VoskEngine,
    supports_grammar,
    vosk_model_problems,
)

RELIABLE = ["정지", "엄마", "아니요", "여보세요", "서울"]
GRAMMAR = RELIABLE + ["하나", "둘", "셋", "사과", "학교"]


def test_korean_model_is_complete_and_grammar_capable() -> None:
    assert vosk_model_problems(KOREAN_MODEL) == []
    assert supports_grammar(KOREAN_MODEL)


def test_vocabulary_lookup(korean_vosk: VoskEngine) -> None:
    assert korean_vosk.knows_word("엄마")
    assert not korean_vosk.knows_word("pump")
    assert not korean_vosk.has_unknown_word  # this model has no [unk] word


@pytest.mark.parametrize("word", RELIABLE)
def test_grammar_brings_out_the_spoken_word(
    korean_vosk: VoskEngine, speak: Speak, word: str
) -> None:
    korean_vosk.set_phrases(GRAMMAR)
    transcript = korean_vosk.transcribe(speak(word, voice="ko"))
    assert transcript.text == word
    assert transcript.engine == "vosk"
    assert transcript.confidence is not None and 0.0 <= transcript.confidence <= 1.0


def test_switching_grammar_keeps_output_inside_it(korean_vosk: VoskEngine, speak: Speak) -> None:
    audio = speak("서울", voice="ko", speed=140)
    korean_vosk.set_phrases(["엄마", "물", "아빠"])
    held = korean_vosk.transcribe(audio)
    assert held.text.split() and set(held.text.split()) <= {"엄마", "물", "아빠"}
    korean_vosk.set_phrases(["서울", "엄마"])
    assert korean_vosk.transcribe(audio).text == "서울"


def test_phrases_with_unknown_words_are_left_out(korean_vosk: VoskEngine) -> None:
    korean_vosk.set_phrases(["엄마", "pump please", "서울 pump", "  엄마  "])
    assert korean_vosk.grammar == ["엄마"]
    korean_vosk.set_phrases(["no korean here"])
    assert korean_vosk.grammar is None  # nothing usable: free-form rather than deaf


def test_free_form_and_reset(korean_vosk: VoskEngine, speak: Speak) -> None:
    korean_vosk.set_phrases(None)
    assert korean_vosk.grammar is None
    korean_vosk.transcribe(speak("엄마", voice="ko")[:4000])  # half a word, then thrown away
    korean_vosk.reset()
    assert korean_vosk.transcribe(speak("엄마", voice="ko")).text == "엄마"


def test_silence_gives_empty_text(korean_vosk: VoskEngine) -> None:
    korean_vosk.set_phrases(GRAMMAR)
    transcript = korean_vosk.transcribe(np.zeros(16000, np.int16))
    assert transcript.text == ""
    assert transcript.confidence is None


def test_missing_model_names_the_command(tmp_path: Path) -> None:
    with pytest.raises(ModelMissing, match="voice-helper models fetch"):
        VoskEngine(tmp_path / "vosk-model-small-en-us-0.15")


def test_damaged_model_says_what_to_do(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    for name in ("am/final.mdl", "conf/model.conf", "graph/HCLr.fst", "graph/Gr.fst"):
        (broken / name).parent.mkdir(parents=True, exist_ok=True)
        (broken / name).write_bytes(b"not a kaldi file")
    shutil.copy(KOREAN_MODEL / "conf/model.conf", broken / "conf/model.conf")
    with pytest.raises(ModelMissing, match="models verify.*models fetch"):
        VoskEngine(broken)
