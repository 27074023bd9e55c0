"""The phrase syntax of content/safety.yaml: words in a row, (a|b) [c], word*, and part + part.

A lactation consultant writes what a parent may say in the same syntax as the intent templates;
a part joined by " + " may come anywhere in the sentence, long words are matched when misheard by
a letter or two, and a one-part phrase does not count just after a negative ("I'm not suicidal").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from voice_helper.content.expression import expand
from voice_helper.words.normalize import normalize

NEGATIONS = frozenset({"no", "not", "never", "without", "nothing", "none"})
"""Words that, just before a one-part phrase, mean she is saying she does not have it."""
NEGATION_WINDOW = 3
"""How many words before a phrase a negative may stand ("I do not have a fever")."""
FUZZY_MIN_LETTERS = 6
"""Only words this long are matched when misheard by a letter or two ("suicidle")."""
FUZZY_SIMILARITY = 0.84
"""Letter similarity a misheard long word needs to count as the word itself."""


@dataclass(frozen=True)
class Word:
    """One word of a phrase: exact, or any word starting with `text` when `prefix`."""

    text: str
    prefix: bool = False

    def matches(self, token: str) -> bool:
        """True when the heard token is this word (or, for long words, a near miss of it)."""
        return _word_matches(self.text, self.prefix, token)


@lru_cache(maxsize=200_000)
def _word_matches(text: str, prefix: bool, token: str) -> bool:
    if prefix:
        return token.startswith(text) or (
            len(text) >= FUZZY_MIN_LETTERS
            and len(token) >= len(text)
            and Levenshtein.normalized_similarity(token[: len(text)], text) >= FUZZY_SIMILARITY
        )
    if token == text:
        return True
    return (
        len(text) >= FUZZY_MIN_LETTERS
        and len(token) >= FUZZY_MIN_LETTERS
        and Levenshtein.normalized_similarity(token, text) >= FUZZY_SIMILARITY
    )


@dataclass(frozen=True)
class Part:
    """Alternative word sequences, any of which may appear in a row."""

    choices: tuple[tuple[Word, ...], ...]

    def find(self, tokens: list[str]) -> list[int]:
        """Start positions where one of the choices appears in tokens."""
        found = []
        firsts = {words[0] for words in self.choices}
        for start in range(len(tokens)):
            if not any(w.matches(tokens[start]) for w in firsts):
                continue
            for words in self.choices:
                end = start + len(words)
                if end <= len(tokens) and all(
                    w.matches(t) for w, t in zip(words, tokens[start:end])
                ):
                    found.append(start)
                    break
        return found


@dataclass(frozen=True)
class Phrase:
    """One `heard` entry: every part somewhere in the sentence."""

    source: str
    """The entry as written in the YAML, for logs and tests."""
    parts: tuple[Part, ...]

    def heard_in(self, tokens: list[str]) -> bool:
        """True when every part is present (a lone part must not follow a negative)."""
        for part in self.parts:
            starts = part.find(tokens)
            if len(self.parts) == 1:
                starts = [s for s in starts if not _negated(tokens, s)]
            if not starts:
                return False
        return True

    def spans(self, tokens: list[str]) -> set[int]:
        """The token positions every part matched at (empty unless the whole phrase is heard)."""
        taken: set[int] = set()
        for part in self.parts:
            found = [
                (start, len(words))
                for start in part.find(tokens)
                for words in part.choices
                if start + len(words) <= len(tokens)
                and all(w.matches(t) for w, t in zip(words, tokens[start : start + len(words)]))
            ]
            if not found:
                return set()
            for start, length in found:
                taken.update(range(start, start + length))
        return taken


def _negated(tokens: list[str], start: int) -> bool:
    window = tokens[max(0, start - NEGATION_WINDOW) : start]
    return any(t in NEGATIONS for t in window) and "but" not in window


def parse_phrase(text: str) -> Phrase:
    """Parse "(a|b c) [d] e* + f" into a phrase: template syntax per part, parts joined by " + "."""
    parts = []
    for raw_part in text.split(" + "):
        choices = []
        for sequence in expand(raw_part.strip()):
            words: list[Word] = []
            for word in sequence:
                assert isinstance(word, str), "no {slots} in safety phrases"
                if word.endswith("*"):
                    words.append(Word(word.rstrip("*").lower(), prefix=True))
                else:
                    words.extend(Word(token) for token in normalize(word))
            if words:
                choices.append(tuple(words))
        parts.append(Part(tuple(choices)))
    return Phrase(text, tuple(parts))
