"""Match a transcript to the nearest template sentence, with slots, or reject it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.content import load_content
from voice_helper.content.templates import DURATION, NUMBER, IntentTemplates, Sentence
from voice_helper.intent import Intent
from voice_helper.words.normalize import normalize
from voice_helper.words.numbers import find_spans
from voice_helper.words.sounds import sound_key, sound_string

_LOGGER = logging.getLogger(__name__)

DEFAULT_MIN_SIMILARITY = 0.85
"""Word-level similarity (1 - edit distance / length) a near match needs, with its slot words."""
DEFAULT_MIN_SOUND_SIMILARITY = 0.7
"""Similarity of the sound-spellings (letters) a near match needs when words were misheard."""
DEFAULT_MIN_MARGIN = 0.15
"""How much nearer the best meaning must be than the next different meaning (else: ask again)."""
_UNHEARD_VALUE_PENALTY = 0.05
"""Taken off a sound match whose slot words ("stress", "pump") were not heard as such."""
_VALUE_SOUND_SIMILARITY = 0.5
"""How alike a misheard slot word must sound to the real one."""
_CANDIDATES = 40
"""Nearest sentences looked at, by words and by sounds each."""
_PLACEHOLDER_SOUNDS = {DURATION: "#", NUMBER: "%"}


@dataclass(frozen=True)
class Match:
    """The result of matching one transcript."""

    text: str
    """What was heard or typed."""
    intent: Intent | None
    """The command, or None when rejected."""
    score: float
    """Similarity to the nearest template sentence, 0..1 (1 = exact)."""
    sentence: str | None = None
    """The nearest template sentence, for logs and benchmarks."""


class _Vocabulary:
    """Maps each word to one character so rapidfuzz can compare word sequences as strings."""

    def __init__(self) -> None:
        self._codes: dict[str, str] = {}

    def encode(self, tokens: tuple[str, ...] | list[str], grow: bool) -> str:
        chars = []
        for token in tokens:
            code = self._codes.get(token)
            if code is None:
                if not grow:
                    code = "\x00"  # an unknown word matches nothing
                else:
                    code = chr(0x100 + len(self._codes))
                    self._codes[token] = code
            chars.append(code)
        return "".join(chars)


class IntentMatcher:
    """Nearest-sentence intent matching over the expanded templates.

    A transcript is compared with every template sentence twice: word by word (exact words,
    as typed or heard right) and by sound-spelling letter by letter (words misheard as
    similar-sounding ones: "remind me to come every three hours"). The nearest sentence wins
    only if it is near enough and clearly nearer than any sentence with a different meaning;
    otherwise the utterance is rejected and the assistant asks again rather than guess.
    """

    def __init__(
        self,
        templates: IntentTemplates,
        min_similarity: float = DEFAULT_MIN_SIMILARITY,
        min_sound_similarity: float = DEFAULT_MIN_SOUND_SIMILARITY,
        min_margin: float = DEFAULT_MIN_MARGIN,
    ):
        self.templates = templates
        self.min_similarity = min_similarity
        self.min_sound_similarity = min_sound_similarity
        self.min_margin = min_margin
        self._vocab = _Vocabulary()
        self._encoded = [self._vocab.encode(s.tokens, grow=True) for s in templates.sentences]
        self._sounds = [sound_string(s.tokens, _PLACEHOLDER_SOUNDS) for s in templates.sentences]
        self._exact: dict[str, list[int]] = {}
        for index, code in enumerate(self._encoded):
            self._exact.setdefault(code, []).append(index)

    @classmethod
    def from_content(cls, content_dir: Path | None = None) -> IntentMatcher:
        """Load and validate the content folder and build a matcher from its templates."""
        content = load_content(content_dir or DEFAULT_CONTENT_DIR)
        assert content.templates is not None
        return cls(content.templates)

    def meaning(self, text: str) -> tuple[str, tuple[tuple[str, Any], ...]] | None:
        """What a sentence would do: (intent, slots), or None; equal for same-acting sentences."""
        intent = self.match(text).intent
        return None if intent is None else intent.key()

    def match(self, text: str, allowed: set[str] | None = None) -> Match:
        """Return the intent of the nearest allowed sentence, or a rejection."""
        tokens = normalize(text)
        if not tokens:
            return Match(text, None, 0.0)
        first = self._match_tokens(text, tokens, allowed)
        if first.intent is not None:
            return first
        trimmed = _strip_courtesy(tokens)
        if trimmed and trimmed != tokens:
            second = self._match_tokens(text, trimmed, allowed)
            if second.intent is not None or second.score > first.score:
                return second
        return first

    def _match_tokens(self, text: str, tokens: list[str], allowed: set[str] | None) -> Match:
        reduced, values = _replace_numbers(tokens)
        query = self._vocab.encode(reduced, grow=False)
        # Number words can also be plain words of a sentence ("go back one").
        for code, heard in ((query, values), (self._vocab.encode(tokens, grow=False), [])):
            for index in self._exact.get(code, []):
                sentence = self.templates.sentences[index]
                if allowed is None or sentence.intent in allowed:
                    return self._result(text, sentence, heard, 1.0)
        ranked = self._rank(reduced, query, allowed)
        if not ranked:
            return Match(text, None, 0.0)
        best, acceptable, index = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        sentence = self.templates.sentences[index]
        if acceptable and best - runner_up >= self.min_margin:
            return self._result(text, sentence, values, best)
        _LOGGER.debug(
            "rejected %r: nearest %r %.2f, next meaning %.2f",
            text,
            " ".join(sentence.tokens),
            best,
            runner_up,
        )
        return Match(text, None, best, " ".join(sentence.tokens))

    def _rank(
        self, reduced: list[str], query: str, allowed: set[str] | None
    ) -> list[tuple[float, bool, int]]:
        """(score, acceptable, sentence index) of the nearest sentence of each meaning, best first.

        Acceptable: near enough word for word with every slot word heard, or near enough in
        sound with every slot word sounding like something heard. Unacceptable sentences still
        count as rival meanings.
        """
        sounds = sound_string(reduced, _PLACEHOLDER_SOUNDS)
        words = {
            i: c
            for i, c in enumerate(self._encoded)
            if allowed is None or self.templates.sentences[i].intent in allowed
        }
        if not words:
            return []
        near = process.extract(
            query,
            words,
            scorer=Levenshtein.normalized_similarity,
            limit=_CANDIDATES,
            score_cutoff=0.5,
        )
        near += process.extract(
            sounds,
            {i: self._sounds[i] for i in words},
            scorer=Levenshtein.normalized_similarity,
            limit=_CANDIDATES,
            score_cutoff=0.5,
        )
        present = set(reduced)
        by_meaning: dict[tuple, tuple[float, bool, int]] = {}
        for index in {i for *_, i in near}:
            sentence = self.templates.sentences[index]
            word_score = Levenshtein.normalized_similarity(query, self._encoded[index])
            sound_score = Levenshtein.normalized_similarity(sounds, self._sounds[index])
            heard_values = sentence.value_tokens <= present
            # A slot word heard as another word ("tell me about the dress") is weaker evidence
            # than one heard as itself, and must at least sound like the real one.
            score = max(word_score, sound_score) - (0.0 if heard_values else _UNHEARD_VALUE_PENALTY)
            acceptable = (word_score >= self.min_similarity and heard_values) or (
                sound_score >= self.min_sound_similarity
                and (heard_values or _values_sound_heard(sentence.value_tokens, reduced))
            )
            meaning = (sentence.intent, sentence.slots, sentence.number_slots)
            if meaning not in by_meaning or score > by_meaning[meaning][0]:
                by_meaning[meaning] = (score, acceptable, index)
        return sorted(by_meaning.values(), key=lambda item: item[0], reverse=True)

    def _result(
        self, text: str, sentence: Sentence, values: list[tuple[str, float]], score: float
    ) -> Match:
        slots = dict(sentence.slots)
        wanted = [t for t in sentence.tokens if t in (DURATION, NUMBER)]
        heard = [kind for kind, _ in values]
        # A number the sentence lacks or has no room for ("snooze four ten minutes"), or a bare
        # number where a duration belongs (or a duration where an amount belongs): acting on a
        # guess is worse than asking.
        if len(heard) != len(wanted) or any(want != kind for want, kind in zip(wanted, heard)):
            return Match(text, None, score, " ".join(sentence.tokens))
        for name, (_, value) in zip(sentence.number_slots, values):
            # Minutes are whole; an amount keeps its fraction ("one point five ounces").
            exact = name in self.templates.number_only_slots and value != round(value)
            slots[name] = value if exact else round(value)
        return Match(text, Intent(sentence.intent, slots), score, " ".join(sentence.tokens))


def _values_sound_heard(values: frozenset[str], tokens: list[str]) -> bool:
    """True when each slot word sounds like some word of the transcript ("dress" for "stress")."""
    keys = [sound_key(token) for token in tokens]
    return all(
        max((Levenshtein.normalized_similarity(sound_key(value), key) for key in keys), default=0.0)
        >= _VALUE_SOUND_SIMILARITY
        for value in values
    )


_LEADING_COURTESY = (
    ("can", "you"),
    ("could", "you"),
    ("would", "you"),
    ("will", "you"),
    ("please",),
    ("okay",),
    ("so",),
    ("hey",),
    ("well",),
    ("and",),
    ("now",),
    ("alright",),
    ("hmm",),
)
_TRAILING_COURTESY = (("please",), ("thanks",), ("thank", "you"), ("now",))


def _strip_courtesy(tokens: list[str]) -> list[str]:
    """Drop polite openers and closers ("could you ...", "... please") around a command."""
    changed = True
    while changed and tokens:
        changed = False
        for words in _LEADING_COURTESY:
            if tuple(tokens[: len(words)]) == words and len(tokens) > len(words):
                tokens, changed = tokens[len(words) :], True
        for words in _TRAILING_COURTESY:
            if tuple(tokens[-len(words) :]) == words and len(tokens) > len(words):
                tokens, changed = tokens[: -len(words)], True
    return tokens


def _replace_numbers(tokens: list[str]) -> tuple[list[str], list[tuple[str, float]]]:
    """Swap each spoken duration or number for a placeholder token; return the values in order."""
    reduced: list[str] = []
    values: list[tuple[str, float]] = []
    position = 0
    for span in find_spans(tokens):
        reduced += tokens[position : span.start]
        placeholder = DURATION if span.is_duration else NUMBER
        reduced.append(placeholder)
        values.append((placeholder, span.value))
        position = span.end
    reduced += tokens[position:]
    return reduced, values
