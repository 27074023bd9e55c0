"""Load and validate content/*.yaml into dataclasses; every error names file:line:field."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voice_helper.errors import ContentError
from voice_helper.reply_length import (
    INTRO_SECONDS,
    QUESTION_SECONDS,
    REMEDY_CHUNK,
    REPLY_SECONDS,
    check_remedy_replies,
    check_seconds,
)
from voice_helper.sources import check_cited, check_mastitis_caveat, load_sources
from voice_helper.understand.safety import SafetyContent, parse_safety
from voice_helper.understand.templates import IntentTemplates, parse_templates
from voice_helper.yamlfile import Checker, Field, Problem, YamlProblems, load_yaml

_LOGGER = logging.getLogger(__name__)

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

PROMPT_KEYS = (
    "greeting",
    "reprompt",
    "reprompt_question",
    "gave_up",
    "offer_continue",
    "more_remedy",
    "end_of_remedy",
    "moved_on",
    "nothing_before",
    "summary_none",
    "summary_found",
    "summary_help",
    "goodbye",
    "stopped",
    "nothing_to_repeat",
    "unknown_cause",
    "help_idle",
    "help_question",
    "help_remedy",
    "help_offer",
    # The pumping log (voice_helper/pumplog/talk.py).
    "log_ask_amount",
    "log_ask_again",
    "log_unclear",
    "log_too_much",
    "log_logged",
    "log_logged_sides",
    "log_logged_new",
    "log_logged_nothing",
    "log_corrected",
    "log_nothing_to_correct",
    "log_past_logged",
    "log_past_logged_bare",
    "log_past_bad_time",
    "log_total",
    "log_missing_amounts",
    "log_none",
    "log_count",
    "log_average",
    "log_no_amounts",
    "log_biggest",
    "log_frequency",
    "log_frequency_none",
    "log_frequency_long",
    "log_frequency_fine",
    "log_output_drop",
)

_CONFIRMABLE = (
    "troubleshoot",
    "ask_cause",
    "set_reminder",
    "cancel_reminders",
    "snooze",
    "start_breathing",
    "start_session",
    "end_session",
    "last_session",
    "missed",
    "list_reminders",
    "repeat",
    "next",
    "back",
    "stop",
    "help",
    "yes",
    "no",
)
"""Meanings the assistant may have to check with her, so each needs its words."""
_MEANINGS_SCHEMA = {
    key: Field(str)
    for key in ("confirm", "declined", "ask_duration", "ask_minutes", "confirm_cancel")
} | {"meanings": Field(dict), "kinds": Field(dict)}

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


@dataclass(frozen=True)
class Cause:
    """One reason milk may not come, with its question and remedy."""

    id: str
    """Stable id, e.g. "pump_setup"."""
    name: str
    """Short name used in speech: "stress"."""
    spoken_names: tuple[str, ...]
    """Words a parent may use for it: "it hurts", "the flange"."""
    question: str
    """One yes/no question that detects it."""
    explanation: str
    """Why it stops the milk, in a sentence or two."""
    remedy: tuple[str, ...]
    """Steps to try, one short sentence each."""
    professional_help: str
    """When and where to get professional help."""
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Source keys of each advice line: "explanation", "remedy[0]", ..., "professional_help"."""

    def remedy_chunks(self) -> tuple[tuple[str, ...], ...]:
        """The remedy steps in the groups read out one reply at a time."""
        steps = self.remedy
        return tuple(steps[i : i + REMEDY_CHUNK] for i in range(0, len(steps), REMEDY_CHUNK))


@dataclass(frozen=True)
class Content:
    """Everything the assistant says and understands, loaded from one folder."""

    directory: Path
    intro: str
    causes: tuple[Cause, ...]
    help_resources: tuple[str, ...]
    prompts: dict[str, str] = field(default_factory=dict)
    templates: IntentTemplates | None = None
    safety: SafetyContent | None = None
    meanings: dict[str, Any] = field(default_factory=dict)
    """content/meanings.yaml: how to check a doubtful meaning, and ask again for a number."""
    """content/safety.yaml: the crisis reply and the red flags, with what triggers them."""

    def cause(self, cause_id: str) -> Cause:
        """The cause with this id."""
        for cause in self.causes:
            if cause.id == cause_id:
                return cause
        raise KeyError(cause_id)

    def meaning_prompt(self, key: str, **values: str) -> str:
        """A line of meanings.yaml with its {placeholders} filled in."""
        return " ".join(str(self.meanings[key]).format(**values).split())

    def prompt(self, key: str, **values: str) -> str:
        """A prompt with its {placeholders} filled in."""
        return self.prompts[key].format(**values)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def _check_speakable(checker: Checker, text: str, path: str, line: int) -> None:
    for sentence in _sentences(text):
        words = len(sentence.split())
        if words > MAX_SPOKEN_WORDS:
            checker.add(
                line,
                path,
                f"sentence too long to follow by ear ({words} words, "
                f"at most {MAX_SPOKEN_WORDS}): {sentence[:50]!r}...",
            )


def _load(path: Path, problems: list) -> object | None:
    """The parsed file, or None after adding its problems (a file of only comments is one)."""
    try:
        raw = load_yaml(path)
    except YamlProblems as exc:
        problems.extend(exc.problems)
        return None
    if raw is None:
        problems.append(Problem(path, 1, "(top)", "should be a mapping of keys, got nothing"))
    return raw


def _sourced_lines(cause: dict) -> list[tuple[str, Any]]:
    """Each advice line of a cause with its field path: explanation, remedy[i], help."""
    lines = [("explanation", cause["explanation"])]
    lines += [(f"remedy[{i}]", step) for i, step in enumerate(cause["remedy"])]
    return [*lines, ("professional_help", cause["professional_help"])]


def _check_intro(checker: Checker, raw: dict) -> None:
    _check_speakable(checker, raw["intro"], "intro", raw.key_lines["intro"])
    check_seconds(
        checker,
        raw["intro"],
        INTRO_SECONDS,
        "intro",
        raw.key_lines["intro"],
        "the intro before the first question",
    )


def _parse_troubleshooting(
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
        _check_speakable(
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
            _check_speakable(
                checker, line_of["say"], f"{where}.{key}.say", line_of.key_lines["say"]
            )
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
    _check_intro(checker, raw)
    for missing in (c for c in REQUIRED_CAUSES if c not in seen):
        checker.add(raw["causes"].line, "causes", f"missing the cause with id {missing!r}")
    if raw["causes"] and raw["causes"][0]["id"] != "pump_setup" and "pump_setup" in seen:
        checker.add(raw["causes"].line, "causes[0].id", "pump_setup must be the first cause")
    return raw


def _parse_prompts(raw: object, checker: Checker) -> dict[str, str] | None:
    schema = {key: Field(str) for key in PROMPT_KEYS}
    if not checker.mapping(raw, schema, "", 1):
        return None
    assert isinstance(raw, dict)
    lines = getattr(raw, "key_lines", {})
    for key, value in raw.items():
        if isinstance(value, str):
            check_seconds(
                checker, value, REPLY_SECONDS, str(key), lines.get(str(key), 1), "the prompt"
            )
    return {key: " ".join(str(value).split()) for key, value in raw.items()}


def _words(text: str) -> str:
    return " ".join(text.split())


def _keys(value: str | list[str]) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, list) else (value,)


def _build_cause(raw: dict) -> Cause:
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


def load_content(directory: Path) -> Content:
    """Load and validate every content file; raise ContentError listing every problem."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ContentError(f"content folder {directory} does not exist")
    problems: list = []
    paths = {name: directory / f"{name}.yaml" for name in ("troubleshooting", "prompts", "intents")}
    raws = {name: _load(path, problems) for name, path in paths.items()}
    trouble_checker, prompt_checker = Checker(paths["troubleshooting"]), Checker(paths["prompts"])
    sources, source_problems = load_sources(directory)
    problems += source_problems
    trouble = (
        _parse_troubleshooting(
            paths["troubleshooting"], raws["troubleshooting"], trouble_checker, sources
        )
        if raws["troubleshooting"] is not None
        else None
    )
    prompts = (
        _parse_prompts(raws["prompts"], prompt_checker) if raws["prompts"] is not None else None
    )
    problems += trouble_checker.problems + prompt_checker.problems
    causes = (
        tuple(_build_cause(c) for c in trouble["causes"])
        if trouble and not trouble_checker.problems
        else ()
    )
    if causes and prompts is not None and not prompt_checker.problems:
        problems += check_remedy_replies(paths["troubleshooting"], trouble, causes, prompts)
    templates = None
    if raws["intents"] is not None:
        cause_names = {c.id: (c.name, *c.spoken_names) for c in causes} or _raw_cause_names(
            raws["troubleshooting"]
        )
        templates_checker = Checker(paths["intents"])
        templates = parse_templates(raws["intents"], cause_names, templates_checker)
        problems += templates_checker.problems
    safety = None
    safety_path = directory / "safety.yaml"
    safety_raw = _load(safety_path, problems)
    if safety_raw is not None:
        safety_checker = Checker(safety_path)
        safety = parse_safety(safety_path, safety_raw, safety_checker)
        problems += safety_checker.problems
    meanings: dict[str, Any] = {}
    meanings_path = directory / "meanings.yaml"
    meanings_raw = _load(meanings_path, problems)
    if meanings_raw is not None:
        meanings_checker = Checker(meanings_path)
        if meanings_checker.mapping(meanings_raw, _MEANINGS_SCHEMA, "", 1):
            assert isinstance(meanings_raw, dict)
            meanings = dict(meanings_raw)
            missing = [n for n in _CONFIRMABLE if n not in meanings_raw["meanings"]]
            if missing:
                meanings_checker.add(
                    meanings_raw.key_lines["meanings"], "meanings", f"missing: {', '.join(missing)}"
                )
        problems += meanings_checker.problems
    problems += [p for p in _extra_checks(directory) if p not in problems]  # sources.yaml once
    if problems:
        listing = "\n  ".join(str(p) for p in problems)
        raise ContentError(f"content in {directory} is not valid:\n  {listing}")
    assert trouble is not None and prompts is not None
    return Content(
        directory=directory,
        intro=" ".join(trouble["intro"].split()),
        causes=causes,
        help_resources=tuple(trouble["help_resources"]),
        prompts=prompts,
        templates=templates,
        safety=safety,
        meanings=meanings,
    )


def _raw_cause_names(raw: object) -> dict[str, tuple[str, ...]]:
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


def _extra_checks(directory: Path) -> list:
    """Problems in content files owned by other parts (reminders, breathing), when present."""
    try:
        from voice_helper.remind.content import check_remind_content
    except ImportError:
        return []
    return list(check_remind_content(directory))
