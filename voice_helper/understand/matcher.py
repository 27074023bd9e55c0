"""Match a transcript to the nearest template sentence, with slots, or reject it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from voice_helper.understand.intent import Intent
from voice_helper.understand.normalize import normalize
from voice_helper.understand.numbers import find_spans
from voice_helper.understand.templates import DURATION, NUMBER, IntentTemplates, Sentence

_LOGGER = logging.getLogger(__name__)

DEFAULT_MIN_SIMILARITY = 0.75
"""Word-level similarity (1 - edit distance / length) below which an utterance is rejected."""


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
    """Nearest-sentence intent matching over the expanded templates."""

    def __init__(self, templates: IntentTemplates, min_similarity: float = DEFAULT_MIN_SIMILARITY):
        self.templates = templates
        self.min_similarity = min_similarity
        self._vocab = _Vocabulary()
        self._encoded = [self._vocab.encode(s.tokens, grow=True) for s in templates.sentences]
        self._exact: dict[str, list[int]] = {}
        for index, code in enumerate(self._encoded):
            self._exact.setdefault(code, []).append(index)

    @classmethod
    def from_content(cls, content_dir: Path | None = None) -> IntentMatcher:
        """Load and validate the content folder and build a matcher from its templates."""
        from voice_helper import DEFAULT_CONTENT_DIR
        from voice_helper.content import load_content

        content = load_content(content_dir or DEFAULT_CONTENT_DIR)
        assert content.templates is not None
        return cls(content.templates)

    def match(self, text: str, allowed: set[str] | None = None) -> Match:
        """Return the intent of the nearest allowed sentence, or a rejection."""
        tokens = normalize(text)
        if not tokens:
            return Match(text, None, 0.0)
        first = self._match_tokens(text, tokens, allowed)
        if first.intent is not None or first.score >= self.min_similarity:
            return first
        trimmed = _strip_courtesy(tokens)
        if trimmed and trimmed != tokens:
            return self._match_tokens(text, trimmed, allowed)
        return first

    def _match_tokens(self, text: str, tokens: list[str], allowed: set[str] | None) -> Match:
        reduced, values = _replace_numbers(tokens)
        query = self._vocab.encode(reduced, grow=False)
        for index in self._exact.get(query, []):
            sentence = self.templates.sentences[index]
            if allowed is None or sentence.intent in allowed:
                return self._result(text, sentence, values, 1.0)
        candidates = {i: code for i, code in enumerate(self._encoded)
                      if allowed is None or self.templates.sentences[i].intent in allowed}
        if not candidates:
            return Match(text, None, 0.0)
        near = process.extract(query, candidates, scorer=Levenshtein.normalized_similarity,
                               score_cutoff=self.min_similarity, limit=20)
        present = set(reduced)
        for _, score, index in near:
            sentence = self.templates.sentences[index]
            # Near enough overall but the words naming the slot value were misheard
            # ("tell me about the dress"): better to ask again than to guess the value.
            if sentence.value_tokens <= present:
                return self._result(text, sentence, values, float(score))
        if near:
            _, score, index = near[0]
            return Match(text, None, float(score), " ".join(self.templates.sentences[index].tokens))
        return Match(text, None, 0.0)

    def _result(self, text: str, sentence: Sentence, values: list[tuple[str, float]],
                score: float) -> Match:
        slots = dict(sentence.slots)
        wanted = [t for t in sentence.tokens if t in (DURATION, NUMBER)]
        if len(values) < len(wanted):
            # The sentence needs a number the transcript lacks: acting on a guess is worse than asking.
            return Match(text, None, score, " ".join(sentence.tokens))
        for name, (_, value) in zip(sentence.number_slots, values):
            slots[name] = int(round(value))
        return Match(text, Intent(sentence.intent, slots), score, " ".join(sentence.tokens))


_LEADING_COURTESY = (
    ("can", "you"), ("could", "you"), ("would", "you"), ("will", "you"), ("please",),
    ("okay",), ("so",), ("hey",), ("well",), ("and",), ("now",), ("alright",),
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
