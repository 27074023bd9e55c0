"""content/safety.yaml: the crisis reply, the red flags and the phrases that trigger each.

The lactation consultant who edits the reply also edits what triggers it, and the spoken list of
symptoms is the list that is listened for.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from voice_helper.content.expression import TemplateSyntaxError, expand
from voice_helper.words.normalize import normalize
from voice_helper.yamlfile import Checker, Field, LineList, Problem, YamlProblems, load_yaml

_LOGGER = logging.getLogger(__name__)

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


def without_words(tokens: list[str], ignored: tuple[tuple[str, ...], ...]) -> list[str]:
    """Tokens with every ignored word sequence taken out."""
    kept, i = [], 0
    while i < len(tokens):
        skip = next((len(seq) for seq in ignored if tuple(tokens[i : i + len(seq)]) == seq), 0)
        if skip:
            i += skip
        else:
            kept.append(tokens[i])
            i += 1
    return kept


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


@dataclass(frozen=True)
class Symptom:
    """A warning sign: how it is spoken back, and how a parent may say it."""

    say: str
    phrases: tuple[Phrase, ...]


@dataclass(frozen=True)
class RedFlagGroup:
    """Warning signs that share one piece of advice."""

    id: str
    signs_intro: str
    advice: str
    source: str
    symptoms: tuple[Symptom, ...]


@dataclass(frozen=True)
class SafetyContent:
    """content/safety.yaml: the crisis reply and the red flags, with what triggers each."""

    crisis_reply: str
    crisis_source: str
    crisis_phrases: tuple[Phrase, ...]
    heard_intro: str
    groups: tuple[RedFlagGroup, ...]
    ignore: tuple[tuple[str, ...], ...] = ()
    """Word sequences removed before listening for warning signs ("hay fever")."""
    not_hers: tuple[Phrase, ...] = ()
    """Phrases that make the signs someone else's ("my friend has"): only the baby's count."""


_PHRASES = Field(list, items=str)
_SYMPTOM = {"say": Field(str), "heard": _PHRASES}
_GROUP = {
    "id": Field(str),
    "signs_intro": Field(str),
    "advice": Field(str),
    "source": Field(str),
    "symptoms": Field(list, items=_SYMPTOM),
}
_SCHEMA = {
    "crisis": Field(dict, schema={"reply": Field(str), "source": Field(str), "heard": _PHRASES}),
    "red_flags": Field(
        dict,
        schema={
            "heard_intro": Field(str),
            "ignore": Field(list, required=False, items=str),
            "not_hers": Field(list, required=False, items=str),
            "groups": Field(list, items=_GROUP),
        },
    ),
}
CRISIS_PLACEHOLDERS = ("{emergency_number}", "{crisis_line}")


def _clean(text: str) -> str:
    return " ".join(text.split())


def _phrases(raw: LineList, path: str, checker: Checker) -> tuple[Phrase, ...]:
    phrases = []
    for index, text in enumerate(raw):
        line = raw.item_lines[index]
        try:
            phrase = parse_phrase(text.lower())
        except (TemplateSyntaxError, AssertionError) as exc:
            checker.add(line, f"{path}[{index}]", f"cannot read the phrase {text!r}: {exc}")
            continue
        if not phrase.parts or any(not part.choices for part in phrase.parts):
            checker.add(line, f"{path}[{index}]", f"cannot read the phrase {text!r}")
        elif any(
            w.prefix and len(w.text) < 3
            for part in phrase.parts
            for choice in part.choices
            for w in choice
        ):
            checker.add(line, f"{path}[{index}]", "a word* needs at least 3 letters before the *")
        phrases.append(phrase)
    return tuple(phrases)


def parse_safety(path: Path, raw: object, checker: Checker) -> SafetyContent | None:
    """Check the parsed safety.yaml against its schema; None after recording its problems."""
    if not checker.mapping(raw, _SCHEMA, "", 1) or checker.problems:
        return None
    assert isinstance(raw, dict)
    crisis, flags = raw["crisis"], raw["red_flags"]
    for placeholder in CRISIS_PLACEHOLDERS:
        if placeholder not in crisis["reply"]:
            checker.add(crisis.key_lines["reply"], "crisis.reply", f"must say {placeholder}")
    groups = []
    for g_index, group in enumerate(flags["groups"]):
        symptoms = tuple(
            Symptom(
                _clean(s["say"]),
                _phrases(
                    s["heard"], f"red_flags.groups[{g_index}].symptoms[{s_index}].heard", checker
                ),
            )
            for s_index, s in enumerate(group["symptoms"])
        )
        groups.append(
            RedFlagGroup(
                group["id"],
                _clean(group["signs_intro"]),
                _clean(group["advice"]),
                _clean(group["source"]),
                symptoms,
            )
        )
    if "{symptom}" not in flags["heard_intro"]:
        checker.add(flags.key_lines["heard_intro"], "red_flags.heard_intro", "must say {symptom}")
    if "infection" not in {g.id for g in groups}:
        checker.add(flags.key_lines["groups"], "red_flags.groups", "needs the group 'infection'")
    return SafetyContent(
        _clean(crisis["reply"]),
        _clean(crisis["source"]),
        _phrases(crisis["heard"], "crisis.heard", checker),
        _clean(flags["heard_intro"]),
        tuple(groups),
        tuple(tuple(normalize(text)) for text in flags.get("ignore", [])),
        _phrases(flags["not_hers"], "red_flags.not_hers", checker) if "not_hers" in flags else (),
    )


def load_safety(path: Path) -> SafetyContent:
    """Load content/safety.yaml on its own (tests, benchmarks); raise YamlProblems if invalid."""
    checker = Checker(path)
    raw = load_yaml(path)
    safety = parse_safety(path, raw, checker)
    if checker.problems or safety is None:
        raise YamlProblems(checker.problems or [Problem(path, 1, "(top)", "not valid")])
    return safety
