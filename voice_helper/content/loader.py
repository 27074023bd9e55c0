"""Load and validate content/*.yaml into dataclasses; every error names file:line:field."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from voice_helper.content.cause import Cause
from voice_helper.content.countries import COUNTRIES_FILE, Country, parse_countries
from voice_helper.content.relaxation import check_remind_content
from voice_helper.content.reply_length import (
    REPLY_SECONDS,
    check_remedy_replies,
    check_seconds,
)
from voice_helper.content.safety_phrases import SafetyContent, parse_safety
from voice_helper.content.sources import load_sources
from voice_helper.content.templates import IntentTemplates, parse_templates
from voice_helper.content.troubleshooting import (
    build_cause,
    parse_troubleshooting,
    raw_cause_names,
)
from voice_helper.errors import ContentError
from voice_helper.yamlfile import Checker, Field, LineDict, Problem, YamlProblems, load_yaml

_LOGGER = logging.getLogger(__name__)

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
    "unsure_question",
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
    "log_not_saved",
    # The reminders (voice_helper/remind/phrases.py).
    "remind_not_running",
    "remind_store_failed",
    "remind_disk_full",
    "remind_kinds",
    "remind_set_daily",
    "remind_set_daily_shifted",
    "remind_set_in",
    "remind_set_every",
    "remind_next",
    "remind_none_set",
    "remind_none_to_cancel",
    "remind_cancelled_one",
    "remind_cancelled_all",
    "remind_snooze_limits",
    "remind_nothing_to_snooze",
    "remind_snoozed",
    "remind_breathing_stopped",
    "remind_no_breathing",
    "remind_jobs_rebuilt",
    "remind_log_rebuilt",
    "remind_already_pumping",
    "remind_session_started",
    "remind_no_session_running",
    "remind_session_ended",
    "remind_session_next_pump",
    "remind_still_pumping",
    "remind_no_sessions",
    "remind_last_session",
    "remind_time_to_pump",
    "remind_time_to_breathe",
    "remind_session_cue",
    "remind_nothing_new",
    "remind_nothing_missed",
    "remind_every_limits",
    "remind_in_limits",
    "remind_say_when",
    "remind_not_a_kind",
    "remind_store_full",
    "remind_store_locked",
    "remind_store_unwritable",
    "remind_store_recovered",
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
    "unsure",
)
"""Meanings the assistant may have to check with her, so each needs its words."""
_MEANINGS_SCHEMA = {
    key: Field(str)
    for key in ("confirm", "declined", "ask_duration", "ask_minutes", "confirm_cancel")
} | {"meanings": Field(dict), "kinds": Field(dict)}


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
    """content/safety.yaml: the safety routes and the red flags, with what triggers them."""
    meanings: dict[str, Any] = field(default_factory=dict)
    """content/meanings.yaml: how to check a doubtful meaning, and ask again for a number."""
    countries: dict[str, Country] = field(default_factory=dict)
    """content/countries.yaml: the emergency number and lines by country code."""

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
        parse_troubleshooting(
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
        tuple(build_cause(c) for c in trouble["causes"])
        if trouble and not trouble_checker.problems
        else ()
    )
    if causes and trouble is not None and prompts is not None and not prompt_checker.problems:
        problems += check_remedy_replies(paths["troubleshooting"], trouble, causes, prompts)
    templates = None
    if raws["intents"] is not None:
        cause_names = {c.id: (c.name, *c.spoken_names) for c in causes} or raw_cause_names(
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
        safety = parse_safety(safety_path, safety_raw, safety_checker, sources)
        problems += safety_checker.problems
    countries: dict[str, Country] = {}
    countries_path = directory / COUNTRIES_FILE
    countries_raw = _load(countries_path, problems)
    if countries_raw is not None:
        countries_checker = Checker(countries_path)
        countries = parse_countries(countries_path, countries_raw, countries_checker, sources)
        problems += countries_checker.problems
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
                    cast(LineDict, meanings_raw).key_lines["meanings"],
                    "meanings",
                    f"missing: {', '.join(missing)}",
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
        countries=countries,
    )


def _extra_checks(directory: Path) -> list:
    """Problems in the relaxation and breathing files, checked with the rest."""
    return list(check_remind_content(directory))
