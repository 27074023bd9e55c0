"""content/troubleshooting.yaml: the intro, the causes in order and where to get help."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

from voice_helper.content.cause import Cause
from voice_helper.content.reply_length import INTRO_SECONDS, QUESTION_SECONDS, check_seconds
from voice_helper.content.sources import check_cited, check_mastitis_caveat
from voice_helper.yamlfile import Checker, Field, LineDict

REQUIRED_CAUSES = (
    "pump_setup",
    "postpartum_blues",
    "pain",
    "stress",
    "low_supply",
    "medical",
    "latch",
    "pumping_frequency",
    "diet",
    "other",
)
"""Cause ids that later code and tests rely on; pump_setup is asked first."""

MAX_SPOKEN_WORDS = 30
"""Longest sentence a listener can follow by ear."""

_SOURCED = {"say": Field(str), "source": Field((str, list))}
"""An advice line: the words, and the key(s) in sources.yaml it comes from ("seed" included)."""
_CAUSE_SCHEMA = {
    "id": Field(str),
    "name": Field(str),
    "spoken_names": Field(list, items=str),
    "question": Field(str),
    "explanation": Field(dict, schema=_SOURCED),
    "remedy": Field(list, items=_SOURCED),
    "professional_help": Field(dict, schema=_SOURCED),
}
_TROUBLESHOOTING_SCHEMA = {
    "intro": Field(str),
    "causes": Field(list, items=_CAUSE_SCHEMA),
    "help_resources": Field(list, items=str),
}


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def check_speakable(checker: Checker, text: str, path: str, line: int) -> None:
    for sentence in _sentences(text):
        words = len(sentence.split())
        if words > MAX_SPOKEN_WORDS:
            checker.add(
                line,
                path,
                f"sentence too long to follow by ear ({words} words, "
                f"at most {MAX_SPOKEN_WORDS}): {sentence[:50]!r}...",
            )


def _sourced_lines(cause: dict) -> list[tuple[str, Any]]:
    """Each advice line of a cause with its field path: explanation, remedy[i], help."""
    lines = [("explanation", cause["explanation"])]
    lines += [(f"remedy[{i}]", step) for i, step in enumerate(cause["remedy"])]
    return [*lines, ("professional_help", cause["professional_help"])]


def _check_intro(checker: Checker, raw: LineDict) -> None:
    check_speakable(checker, raw["intro"], "intro", raw.key_lines["intro"])
    check_seconds(
        checker,
        raw["intro"],
        INTRO_SECONDS,
        "intro",
        raw.key_lines["intro"],
        "the intro before the first question",
    )


def parse_troubleshooting(
    path: Path, raw: object, checker: Checker, sources: dict[str, str]
) -> dict | None:
    if not checker.mapping(raw, _TROUBLESHOOTING_SCHEMA, "", 1) or checker.problems:
        return None
    assert isinstance(raw, dict)
    seen: dict[str, int] = {}
    for index, cause in enumerate(raw["causes"]):
        line = cause.key_lines.get("id", cause.line)
        if cause["id"] in seen:
            checker.add(
                line,
                f"causes[{index}].id",
                f"duplicate id {cause['id']!r} (first used on line {seen[cause['id']]})",
            )
        seen.setdefault(cause["id"], line)
        if not re.fullmatch(r"[a-z][a-z0-9_]*", cause["id"]):
            checker.add(line, f"causes[{index}].id", "use lower-case letters, digits and _ only")
        where = f"causes[{index}]"
        check_speakable(
            checker, cause["question"], f"{where}.question", cause.key_lines["question"]
        )
        check_seconds(
            checker,
            cause["question"],
            QUESTION_SECONDS,
            f"{where}.question",
            cause.key_lines["question"],
            "the question",
        )
        if not cause["question"].rstrip().endswith("?"):
            checker.add(
                cause.key_lines["question"],
                f"{where}.question",
                "should be a yes/no question ending with '?'",
            )
        for key, line_of in _sourced_lines(cause):
            check_speakable(checker, line_of["say"], f"{where}.{key}.say", line_of.key_lines["say"])
            keys = check_cited(
                checker,
                line_of["source"],
                sources,
                f"{where}.{key}.source",
                line_of.key_lines["source"],
            )
            check_mastitis_caveat(
                checker, line_of["say"], keys, f"{where}.{key}.say", line_of.key_lines["say"]
            )
    _check_intro(checker, cast(LineDict, raw))
    for missing in (c for c in REQUIRED_CAUSES if c not in seen):
        checker.add(raw["causes"].line, "causes", f"missing the cause with id {missing!r}")
    if raw["causes"] and raw["causes"][0]["id"] != "pump_setup" and "pump_setup" in seen:
        checker.add(raw["causes"].line, "causes[0].id", "pump_setup must be the first cause")
    return raw


def _words(text: str) -> str:
    return " ".join(text.split())


def _keys(value: str | list[str]) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, list) else (value,)


def build_cause(raw: dict) -> Cause:
    return Cause(
        id=raw["id"],
        name=raw["name"],
        spoken_names=tuple(raw["spoken_names"]),
        question=_words(raw["question"]),
        explanation=_words(raw["explanation"]["say"]),
        remedy=tuple(_words(step["say"]) for step in raw["remedy"]),
        professional_help=_words(raw["professional_help"]["say"]),
        sources={key: _keys(line["source"]) for key, line in _sourced_lines(raw)},
    )


def raw_cause_names(raw: object) -> dict[str, tuple[str, ...]]:
    """Cause ids and names from a troubleshooting file with problems, so that one problem
    there is not repeated as an unknown cause for every sentence of intents.yaml."""
    causes = raw.get("causes") if isinstance(raw, dict) else None
    names: dict[str, tuple[str, ...]] = {}
    for cause in causes if isinstance(causes, list) else []:
        if isinstance(cause, dict) and isinstance(cause.get("id"), str):
            spoken = cause.get("spoken_names")
            words = [cause.get("name"), *(spoken if isinstance(spoken, list) else [])]
            names[cause["id"]] = tuple(w for w in words if isinstance(w, str))
    return names
