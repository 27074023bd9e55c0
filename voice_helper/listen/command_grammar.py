"""Recogniser grammars generated from the same templates as the intents."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from voice_helper.content.templates import DURATION, NUMBER, IntentTemplates
from voice_helper.listen.engine import MeaningOf, RecognitionGrammar
from voice_helper.words.numbers import duration_phrases, say_number

ANSWER_MEANINGS: frozenset[Hashable] = frozenset({("yes", ()), ("no", ())})
"""A bare yes or no (as IntentMatcher.meaning gives them): short, easily misheard, and acted on."""
FREE_ONLY_INTENTS = frozenset({"unsure"})
"""Never offered to the grammar pass: forced out of pump noise, "pardon" became "I don't know"
(a wrong answer); said, "I don't know" is heard by the free transcript."""
_BARE_NUMBERS = ("five", "ten", "fifteen", "twenty", "thirty", "forty five", "sixty")
# Amounts and clock hours said to the pumping log ("I got eighty millilitres", "at six"): without
# them the grammar pass can only offer the numbers above, and a misheard "eighty" stays misheard.
_LOG_NUMBERS = tuple(
    dict.fromkeys(
        [say for say in (say_number(n) for n in (*range(1, 21), *range(25, 205, 5), 250, 300))]
    )
)


def recognition_grammar(
    templates: IntentTemplates,
    allowed: set[str] | None = None,
    meaning: MeaningOf | None = None,
    keep_free: Callable[[str], bool] | None = None,
) -> RecognitionGrammar:
    """Whole sentences of the allowed intents, their number placeholders as slots.

    keep_free: free transcripts the grammar must not replace (a crisis or a warning sign
    heard in them must reach the safety rules as heard, not as the nearest command).
    """
    sentences = tuple(
        dict.fromkeys(
            s.tokens for s in templates.for_intents(allowed) if s.intent not in FREE_ONLY_INTENTS
        )
    )
    slots = (
        (DURATION, tuple(duration_phrases())),
        (NUMBER, tuple(dict.fromkeys(_BARE_NUMBERS + _LOG_NUMBERS))),
    )
    return RecognitionGrammar(
        sentences, slots, meaning, ANSWER_MEANINGS if meaning else frozenset(), keep_free
    )
