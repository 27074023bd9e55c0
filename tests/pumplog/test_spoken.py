"""The log by voice: real Moonshine (held to the dialogue's grammar) on real espeak-ng speech."""

import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.pumplog.test_conversation import CONTENT, MATCHER, Talk
from voice_helper.listen.command_grammar import recognition_grammar
from voice_helper.listen.moonshine_engine import MoonshineEngine
from voice_helper.wavfile import load_wav_16k

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def engine() -> Iterator[MoonshineEngine]:
    made = MoonshineEngine()
    yield made
    made.close()


def spoken(tmp_path: Path, text: str, voice: str = "en-us", speed: int = 160):
    path = tmp_path / f"{abs(hash((text, voice, speed)))}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text], check=True)
    return load_wav_16k(path)


def hear(engine: MoonshineEngine, talk: Talk, audio) -> str:
    """What the assistant's loop does with one utterance: grammar for this step, then reply."""
    allowed = talk.dialogue.expected_intents()
    engine.set_grammar(recognition_grammar(CONTENT.templates, allowed, MATCHER.meaning))
    heard = engine.transcribe(audio).text
    return " ".join(r.text for r in talk.dialogue.handle(MATCHER.match(heard, allowed).intent))


def test_a_session_is_ended_and_its_amount_answered_by_voice(engine, tmp_path):
    talk = Talk(tmp_path, datetime(2026, 1, 14, 6, 0, tzinfo=LONDON))
    try:
        hear(engine, talk, spoken(tmp_path, "I'm starting to pump"))
        talk.at(6, 20)
        assert hear(engine, talk, spoken(tmp_path, "I'm done pumping")).endswith(
            "How much did you get?"
        )
        assert hear(engine, talk, spoken(tmp_path, "sixty")) == "Okay, I've logged 60 millilitres."
        assert hear(engine, talk, spoken(tmp_path, "how much did I pump today")) == (
            "You've pumped 60 millilitres today, in one session."
        )
        assert [e.ml for e in talk.store().entries()] == [60.0]
    finally:
        talk.service.shutdown()


def test_i_got_sixty_millilitres_across_voices_and_speeds(engine, tmp_path):
    talk = Talk(tmp_path, datetime(2026, 1, 14, 6, 0, tzinfo=LONDON))
    results = []
    try:
        for voice in ("en-us", "en-gb", "en-us+f2", "en-us+m3"):
            for speed in (130, 160, 190):
                reply = hear(
                    engine, talk, spoken(tmp_path, "I got sixty millilitres", voice, speed)
                )
                results.append(reply)
    finally:
        talk.service.shutdown()
    right = results.count("Okay, I've logged a session just now with 60 millilitres.")
    # Measured: 9 of 12 right; en-us at 160 and en-gb at 190 heard "sixteen" (logged, and said
    # back so that she can correct it), en-gb at 160 "six to a" (not understood: asked again).
    assert right >= 9, results
