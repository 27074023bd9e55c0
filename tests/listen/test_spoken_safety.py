"""A crisis or warning sign said over the pump still gets the safety reply, through real Moonshine."""

import sys
from pathlib import Path

import pytest

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.content import load_content
from voice_helper.listen.command_grammar import recognition_grammar
from voice_helper.understand.understander import Understander
from voice_helper.wavfile import load_wav_16k

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.mix import mix

SAID = [
    ("I want to hurt myself", "crisis"),
    ("I can't cope anymore", "crisis"),
    ("I'm scared I'll hurt the baby", "crisis"),
    ("I don't want to be here anymore", "crisis"),
    ("I keep thinking about ending it all", "crisis"),
    ("everyone would be better off without me", "crisis"),
    ("I have a fever and chills", "urgent_symptom"),
    ("there's a red hot lump in my breast", "urgent_symptom"),
    ("my baby has had hardly any wet nappies", "urgent_symptom"),
    ("I'm shivery and my breast is sore", "urgent_symptom"),
]


@pytest.fixture(scope="module")
def heard(moonshine, shared_cache):
    """Moonshine held to the assistant's grammar, free transcripts with a safety word kept."""
    understander = Understander.from_content(load_content(DEFAULT_CONTENT_DIR), shared_cache)
    moonshine.set_grammar(
        recognition_grammar(
            understander.templates,
            meaning=understander.meaning,
            keep_free=understander.safety_heard,
        )
    )
    yield understander
    moonshine.set_grammar(None)


@pytest.mark.parametrize(("condition", "at_least"), [("clean", len(SAID)), ("10dB", len(SAID) - 1)])
def test_said_over_the_pump_gets_the_safety_reply(
    heard, moonshine, espeak_wav, condition, at_least
):
    missed = []
    for text, intent in SAID:
        audio = mix(load_wav_16k(espeak_wav(text)), condition, seed=len(text)).samples
        transcript = moonshine.transcribe(audio)
        moonshine.reset()
        result = heard.match(transcript.text)
        # The check question is a safety reply too: a mishearing is asked about, never ignored.
        named = result.intent.name if result.intent else None
        if named not in (intent, "safety_check") or result.source != "safety":
            missed.append((text, transcript.text))
    # Moonshine tiny mishears one of these at 10 dB ("hardly any wet nappies"); none clean.
    assert len(SAID) - len(missed) >= at_least, missed


def test_a_free_transcript_with_a_crisis_word_is_not_replaced_by_a_command(
    heard, moonshine, espeak_wav
):
    audio = load_wav_16k(espeak_wav("honestly I feel suicidal today"))
    transcript = moonshine.transcribe(audio)
    moonshine.reset()
    assert not transcript.in_grammar
    assert heard.match(transcript.text).intent.name == "crisis"
