"""Long runs: the vosk recogniser is replaced on a schedule (and still decodes), and an hour of
pump noise with thirty spoken commands goes through the real assistant, in a process of its own,
with flat memory and every command answered."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from tests.listen.conftest import KOREAN_MODEL
from tests.robust.long_run import espeak
from voice_helper import PROJECT_ROOT
from voice_helper.listen.audio import SAMPLE_RATE
from voice_helper.listen.vosk_engine import VoskEngine

RUN_MINUTES = 60
KOREAN_WORDS = ["엄마", "서울", "정지", "아니요", "여보세요"]


def test_vosk_replaces_its_recogniser_on_schedule_and_still_decodes() -> None:
    pad = np.zeros(SAMPLE_RATE // 4, np.float32)
    utterance = np.concatenate([pad, espeak("엄마", voice="ko"), pad])
    seconds = utterance.size / SAMPLE_RATE
    engine = VoskEngine(KOREAN_MODEL, recreate_after_utterances=3, recreate_after_audio_s=3600)
    for grammar in (None, KOREAN_WORDS):
        engine.set_phrases(grammar)
        before = engine.recreated
        recognisers, texts = [engine._recognizer], []
        for _ in range(7):
            texts.append(engine.transcribe(utterance).text)
            if engine._recognizer is not recognisers[-1]:
                recognisers.append(engine._recognizer)
        assert texts == ["엄마"] * 7
        assert engine.recreated - before == 2 and len(recognisers) == 3  # after the 3rd and 6th
    engine.recreate_after_utterances, engine.recreate_after_audio_s = 1000, seconds * 2
    engine.set_phrases(None)  # a fresh recogniser, counting from nothing
    first = engine._recognizer
    assert engine.transcribe(utterance).text == "엄마" and engine._recognizer is first
    assert engine.transcribe(utterance).text == "엄마" and engine._recognizer is not first
    assert engine.transcribe(utterance).text == "엄마"


def test_an_hour_of_pumping_with_thirty_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.robust.long_run", str(RUN_MINUTES)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run = json.loads(result.stdout)
    turns, placed = run["turns"], run["placed"]
    assert len(placed) == RUN_MINUTES // 2
    missed = []
    for command in placed:
        end = command["at"] + command["seconds"] + 1.0
        answered = [t for t in turns if command["at"] <= t["speech_end_s"] <= end]
        spoken = all(t["reply_file"] for t in answered if t["intent"] != "stop")
        if [t["intent"] for t in answered] != [command["intent"]] or not spoken:
            missed.append((command, [(t["heard"], t["intent"]) for t in answered]))
    assert missed == []
    rss = run["rss_kb"]
    settled, end = rss[5], rss[-1]  # after five minutes: models loaded, first replies made
    print(
        f"\nRSS after 5 min {settled / 1024:.0f} MB, at the end {end / 1024:.0f} MB "
        f"({(end - settled) / settled:+.1%}); {len(placed)} commands, {len(turns)} turns"
    )
    assert end < settled * 1.10, [round(kb / 1024) for kb in rss]
