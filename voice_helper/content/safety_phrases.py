"""content/safety.yaml: the safety routes, the red flags and the phrases that trigger each.

The lactation consultant who edits the reply also edits what triggers it, and the spoken list of
symptoms is the list that is listened for.
"""

from __future__ import annotations

import logging
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from voice_helper.content.expression import TemplateSyntaxError, expand
from voice_helper.content.reply_length import check_seconds
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
class Route:
    """A kind of danger with its own reply: what to do now, and the rest on request."""

    id: str
    reply: str
    """Said first: its first sentence says what to do now (under ROUTE_REPLY_SECONDS)."""
    more: str
    """Said on "tell me more" or "repeat": the rest."""
    check: str
    """The one question asked when a sentence only might mean this route (yes takes it)."""
    source: tuple[str, ...]
    """Keys of sources.yaml the reply is written from."""
    phrases: tuple[Phrase, ...]


@dataclass(frozen=True)
class UnsureCheck:
    """What a doubtful sentence's check says when she answers no."""

    declined: str
    """Said when she answers no."""
    source: tuple[str, ...]


@dataclass(frozen=True)
class SafetyContent:
    """content/safety.yaml: the routes and red flags, with what triggers each, and the check."""

    routes: tuple[Route, ...]
    """Most urgent first."""
    unsure_check: UnsureCheck
    heard_intro: str
    groups: tuple[RedFlagGroup, ...]
    calm: tuple[Phrase, ...] = ()
    """Everyday talk that only sounds like danger, taken out before listening ("kill for a tea")."""
    ignore: tuple[tuple[str, ...], ...] = ()
    """Word sequences removed before listening for warning signs ("hay fever")."""
    not_hers: tuple[Phrase, ...] = ()
    """Phrases that make the signs someone else's ("my friend has"): only the baby's count."""

    def route(self, route_id: str) -> Route:
        """The route with this id."""
        return next(r for r in self.routes if r.id == route_id)


ROUTE_IDS = (
    "danger_now",
    "baby_emergency",
    "mother_emergency",
    "psychosis",
    "harm_baby_thoughts",
    "suicidal_thoughts",
)
"""Every route the dialogue knows, most urgent first; safety.yaml must have each."""
EMERGENCY_ROUTES = frozenset({"danger_now", "baby_emergency", "mother_emergency"})
"""Routes whose reply starts with the emergency number."""
PLACEHOLDERS = frozenset({"emergency_number", "crisis_line", "urgent_line", "postnatal_line"})
"""The only {names} a safety reply may use: filled from the country table or the config."""
ROUTE_REPLY_SECONDS = 12.0
"""Longest first reply of a route: she hears what to do now before anything else."""
LONGEST_NUMBERS = {
    "emergency_number": "9 9 9",
    "crisis_line": "the Samaritans on 1 1 6, 1 2 3",
    "urgent_line": "NHS 1 1 1, option 2",
    "postnatal_line": "the PANDAS Foundation helpline on 0 8 0 8, 1 9 6 1, 7 7 6",
}
"""Typical filled-in numbers, for the length check of route replies."""

_PHRASES = Field(list, items=str)
_SOURCE = Field((str, list))
_SYMPTOM = {"say": Field(str), "heard": _PHRASES}
_GROUP = {
    "id": Field(str),
    "signs_intro": Field(str),
    "advice": Field(str),
    "source": Field(str),
    "symptoms": Field(list, items=_SYMPTOM),
}
_ROUTE = {
    "id": Field(str, choices=ROUTE_IDS),
    "check": Field(str),
    "reply": Field(str),
    "more": Field(str),
    "source": _SOURCE,
    "heard": _PHRASES,
}
_SCHEMA = {
    "routes": Field(list, items=_ROUTE),
    "unsure_check": Field(
        dict, schema={"declined": Field(str), "source": _SOURCE}
    ),
    "calm": Field(list, required=False, items=str),
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


def check_placeholders(
    checker: Checker, text: str, allowed: frozenset[str], path: str, line: int
) -> None:
    """A problem for each {name} that is not allowed, or that reaches into a value ({x.y})."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        checker.add(line, path, f"cannot read the braces: {exc} (write {{{{ for a brace)")
        return
    for name in fields:
        if name not in allowed:
            known = ", ".join("{" + n + "}" for n in sorted(allowed))
            checker.add(line, path, f"unknown placeholder {{{name}}}: use one of {known}")


def _cite(checker: Checker, value: object, sources: dict[str, str], path: str, line: int):
    from voice_helper.content.sources import check_cited

    return check_cited(checker, value, sources, path, line)


def _route(
    raw: dict, index: int, checker: Checker, sources: dict[str, str]
) -> Route:
    lines = raw.key_lines  # type: ignore[attr-defined]
    where = f"routes[{index}]"
    for key in ("reply", "more", "check"):
        check_placeholders(checker, raw[key], PLACEHOLDERS, f"{where}.{key}", lines[key])
    filled = _fill(raw["reply"], LONGEST_NUMBERS)
    check_seconds(
        checker, filled, ROUTE_REPLY_SECONDS, f"{where}.reply", lines["reply"], "the reply"
    )
    if raw["id"] in EMERGENCY_ROUTES and not _clean(raw["reply"]).startswith(
        ("Call {emergency_number}", "Please call {emergency_number}")
    ):
        checker.add(lines["reply"], f"{where}.reply", "must start by saying call {emergency_number}")
    return Route(
        raw["id"],
        _clean(raw["reply"]),
        _clean(raw["more"]),
        _clean(raw["check"]),
        _cite(checker, raw["source"], sources, f"{where}.source", lines["source"]),
        _phrases(raw["heard"], f"{where}.heard", checker),
    )


def _fill(text: str, values: dict[str, str]) -> str:
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError, AttributeError):
        return text


def parse_safety(
    path: Path, raw: object, checker: Checker, sources: dict[str, str] | None = None
) -> SafetyContent | None:
    """Check the parsed safety.yaml against its schema; None after recording its problems."""
    if not checker.mapping(raw, _SCHEMA, "", 1) or checker.problems:
        return None
    assert isinstance(raw, dict)
    sources = sources or {}
    routes = tuple(_route(r, i, checker, sources) for i, r in enumerate(raw["routes"]))
    ids = [r.id for r in routes]
    for route_id in ROUTE_IDS:
        if route_id not in ids:
            checker.add(raw.key_lines["routes"], "routes", f"needs the route {route_id!r}")
    for route_id in {i for i in ids if ids.count(i) > 1}:
        checker.add(raw.key_lines["routes"], "routes", f"the route {route_id!r} is there twice")
    check = raw["unsure_check"]
    check_placeholders(
        checker, check["declined"], PLACEHOLDERS, "unsure_check.declined", check.key_lines["declined"]
    )
    unsure = UnsureCheck(
        _clean(check["declined"]),
        _cite(checker, check["source"], sources, "unsure_check.source", check.key_lines["source"]),
    )
    flags = raw["red_flags"]
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
        check_placeholders(
            checker, group["advice"], frozenset(), f"red_flags.groups[{g_index}].advice",
            group.key_lines["advice"],
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
    check_placeholders(
        checker, flags["heard_intro"], frozenset({"symptom"}), "red_flags.heard_intro",
        flags.key_lines["heard_intro"],
    )
    if "{symptom}" not in flags["heard_intro"]:
        checker.add(flags.key_lines["heard_intro"], "red_flags.heard_intro", "must say {symptom}")
    if "infection" not in {g.id for g in groups}:
        checker.add(flags.key_lines["groups"], "red_flags.groups", "needs the group 'infection'")
    return SafetyContent(
        routes,
        unsure,
        _clean(flags["heard_intro"]),
        tuple(groups),
        _phrases(raw["calm"], "calm", checker) if "calm" in raw else (),
        tuple(tuple(normalize(text)) for text in flags.get("ignore", [])),
        _phrases(flags["not_hers"], "red_flags.not_hers", checker) if "not_hers" in flags else (),
    )


def load_safety(path: Path) -> SafetyContent:
    """Load content/safety.yaml on its own (tests, benchmarks); raise YamlProblems if invalid."""
    from voice_helper.content.sources import load_sources

    checker = Checker(path)
    raw = load_yaml(path)
    sources, _ = load_sources(path.parent)
    safety = parse_safety(path, raw, checker, sources)
    if checker.problems or safety is None:
        raise YamlProblems(checker.problems or [Problem(path, 1, "(top)", "not valid")])
    return safety
