"""content/safety.yaml: the safety routes, the red flags and the phrases that trigger each.

The lactation consultant who edits the reply also edits what triggers it, and the spoken list of
symptoms is the list that is listened for.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from voice_helper.content.expression import TemplateSyntaxError
from voice_helper.content.phrase_syntax import Phrase, parse_phrase
from voice_helper.content.placeholders import check_placeholders, filled_or_as_written
from voice_helper.content.reply_length import check_seconds
from voice_helper.yamlfile import (
    Checker,
    Field,
    LineDict,
    LineList,
    Problem,
    YamlProblems,
    load_yaml,
)

_LOGGER = logging.getLogger(__name__)


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
    ignore: tuple[Phrase, ...] = ()
    """Phrases taken out before listening for warning signs ("hay fever")."""
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
    "unsure_check": Field(dict, schema={"declined": Field(str), "source": _SOURCE}),
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


def _cite(checker: Checker, value: object, sources: dict[str, str], path: str, line: int):
    from voice_helper.content.sources import check_cited

    return check_cited(checker, value, sources, path, line)


def _route(raw: dict, index: int, checker: Checker, sources: dict[str, str]) -> Route:
    lines = raw.key_lines  # type: ignore[attr-defined]
    where = f"routes[{index}]"
    for key in ("reply", "more", "check"):
        check_placeholders(checker, raw[key], PLACEHOLDERS, f"{where}.{key}", lines[key])
    filled = filled_or_as_written(raw["reply"], LONGEST_NUMBERS)
    check_seconds(
        checker, filled, ROUTE_REPLY_SECONDS, f"{where}.reply", lines["reply"], "the reply"
    )
    if raw["id"] in EMERGENCY_ROUTES and not _clean(raw["reply"]).startswith(
        ("Call {emergency_number}", "Please call {emergency_number}")
    ):
        checker.add(
            lines["reply"], f"{where}.reply", "must start by saying call {emergency_number}"
        )
    return Route(
        raw["id"],
        _clean(raw["reply"]),
        _clean(raw["more"]),
        _clean(raw["check"]),
        _cite(checker, raw["source"], sources, f"{where}.source", lines["source"]),
        _phrases(raw["heard"], f"{where}.heard", checker),
    )


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
    routes_line = cast(LineDict, raw).key_lines["routes"]
    for route_id in ROUTE_IDS:
        if route_id not in ids:
            checker.add(routes_line, "routes", f"needs the route {route_id!r}")
    for route_id in {i for i in ids if ids.count(i) > 1}:
        checker.add(routes_line, "routes", f"the route {route_id!r} is there twice")
    check = raw["unsure_check"]
    check_placeholders(
        checker,
        check["declined"],
        PLACEHOLDERS,
        "unsure_check.declined",
        check.key_lines["declined"],
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
            checker,
            group["advice"],
            frozenset(),
            f"red_flags.groups[{g_index}].advice",
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
        checker,
        flags["heard_intro"],
        frozenset({"symptom"}),
        "red_flags.heard_intro",
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
        _phrases(flags["ignore"], "red_flags.ignore", checker) if "ignore" in flags else (),
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
