"""Short answers over the pump: a 250-400 ms "no" or "yep" at 5-10 dB becomes one utterance and
is recognised, and a word Moonshine repeats to its token limit counts once."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.mix import mix
from tests.listen.conftest import Speak, tokens_of
from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.content import load_content
from voice_helper.dialogue.manager import Dialogue, Step
from voice_helper.listen.audio import frames_from_samples
from voice_helper.listen.command_grammar import recognition_grammar
from voice_helper.listen.endpoint import utterances
from voice_helper.listen.moonshine_engine import MoonshineEngine, collapse_repeats
from voice_helper.listen.moonshine_model import Decoded
from voice_helper.understand.matcher import IntentMatcher

ANSWERS = {"no": "no", "yep": "yes", "yes": "yes", "nope": "no"}
VOICES = [("en-us", 175), ("en-gb", 175)]
CASES = [
    (word, voice, speed, condition, seed)
    for word in ANSWERS
    for voice, speed in VOICES
    for condition in ("10dB", "5dB")
    for seed in (1, 2)
]


def _spoken(speak: Speak, word: str, voice: str, speed: int) -> np.ndarray:
    samples = speak(word, voice=voice, speed=speed, pad_s=0)
    loud = np.flatnonzero(np.abs(samples) > 0.01)
    return samples[loud[0] : loud[-1] + 1]


@pytest.fixture(scope="module")
def heard(speak: Speak, moonshine: MoonshineEngine) -> dict[tuple, tuple[int, str | None]]:
    """Each case: how many utterances the endpointer cut, and the intent understood."""
    matcher = IntentMatcher.from_content()
    dialogue = Dialogue(load_content(DEFAULT_CONTENT_DIR))
    dialogue.state.step = Step.QUESTION  # a question is open: the grammar of that step
    moonshine.set_grammar(
        recognition_grammar(matcher.templates, dialogue.expected_intents(), meaning=matcher.meaning)
    )
    results = {}
    for word, voice, speed, condition, seed in CASES:
        clip = _spoken(speak, word, voice, speed)
        mixed = mix(clip, condition, seed=seed)
        found = list(utterances(frames_from_samples(mixed.samples)))
        intents = [matcher.match(moonshine.transcribe(u.samples).text).intent for u in found]
        names = [i.name for i in intents if i is not None]
        results[(word, voice, speed, condition, seed)] = (len(found), names[0] if names else None)
    moonshine.set_grammar(None)
    return results


def test_every_short_answer_becomes_one_utterance(heard) -> None:
    missed = {case: count for case, (count, _) in heard.items() if count != 1}
    assert not missed


@pytest.mark.parametrize(("condition", "least"), [("10dB", 0.8), ("5dB", 0.75)])
def test_short_answers_are_recognised_and_never_turned_around(heard, condition, least) -> None:
    results = {case: intent for case, (_, intent) in heard.items() if case[3] == condition}
    right = [case for case, intent in results.items() if intent == ANSWERS[case[0]]]
    turned = [
        case
        for case, intent in results.items()
        if intent in ("yes", "no") and intent != ANSWERS[case[0]]
    ]
    print(f"{condition}: {len(right)} of {len(results)} right, turned around: {turned}")
    assert not turned  # a "no" heard as a yes is the one mistake that must not happen
    assert len(right) >= least * len(results)


def test_a_word_repeated_to_the_token_limit_counts_once(moonshine: MoonshineEngine) -> None:
    tokenizer = moonshine._model.tokenizer
    for said, once in (
        ("Yes, yes, yes, yes", "Yes"),
        ("No no no no no no no", "No"),
        ("no no", "no"),
        ("The next. Next. Next.", "The next"),
    ):
        collapsed = collapse_repeats(Decoded(tokens_of(tokenizer, said), -4.0), tokenizer)
        assert tokenizer.decode(collapsed.tokens) == once
        assert -4.0 < collapsed.log_prob < 0
    for kept in ("Yes, I do", "No.", "Stop the reminders"):
        decoded = Decoded(tokens_of(tokenizer, kept), -4.0)
        assert collapse_repeats(decoded, tokenizer) == decoded


def test_not_sure_is_heard_free_never_forced_out_of_noise() -> None:
    matcher = IntentMatcher.from_content()
    grammar = recognition_grammar(matcher.templates, {"yes", "no", "unsure", "repeat"})
    said = {" ".join(words) for words in grammar.sentences}
    assert "yes" in said and "pardon" in said
    assert not {"i do not know", "not sure", "no idea"} & said
    assert matcher.match("I don't know").intent.name == "unsure"  # from the free transcript
