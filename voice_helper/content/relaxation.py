"""Load content/relaxation.yaml and content/breathing.yaml; errors name file:line:field."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from voice_helper.content.sources import check_cited, check_mastitis_caveat, load_sources
from voice_helper.errors import ContentError
from voice_helper.speech_time import estimate_seconds
from voice_helper.yamlfile import Checker, Field, Problem, YamlProblems, load_yaml

_LOGGER = logging.getLogger(__name__)

RELAXATION_FILE = "relaxation.yaml"
BREATHING_FILE = "breathing.yaml"
MOMENTS = ("before", "between")
"""When a relaxation prompt fits: just before a session, or in the hours between sessions."""
MAX_WORDS = 30
"""Longest sentence a listener can follow by ear."""

_PROMPT_SCHEMA = {
    "id": Field(str),
    "when": Field(list, items=str),
    "text": Field(str),
    "source": Field((str, list)),
}
_PHASE_SCHEMA = {"cue": Field(str), "seconds": Field(float)}
_EXERCISE_SCHEMA = {
    "id": Field(str),
    "name": Field(str),
    "intro": Field(str),
    "caution": Field(str),
    "rounds": Field(int),
    "settle_seconds": Field(float, required=False),
    "phases": Field(list, items=_PHASE_SCHEMA),
    "closing": Field(str),
}


@dataclass(frozen=True)
class RelaxPrompt:
    """One short, speakable relaxation suggestion."""

    id: str
    """Stable id, e.g. "warmth"."""
    when: tuple[str, ...]
    """Moments it suits: "before" a session, "between" sessions."""
    text: str
    """The words to say."""


@dataclass(frozen=True)
class Phase:
    """One step of a breathing pattern."""

    cue: str
    """What is said as the step begins: "Breathe in"."""
    seconds: float
    """How long the step lasts."""


@dataclass(frozen=True)
class BreathingExercise:
    """A guided breathing pattern repeated for some rounds."""

    id: str
    """Stable id, e.g. "equal_breathing"."""
    name: str
    """Spoken name: "equal breathing"."""
    intro: str
    """Said when the exercise starts: the file's intro, then its caution ("stop if dizzy")."""
    phases: tuple[Phase, ...]
    """One round: the steps in order."""
    rounds: int
    """How many times the round is repeated."""
    closing: str
    """Said when the last round is done."""
    settle_seconds: float = 1.0
    """Pause after the intro has finished playing, before the first cue."""


@dataclass(frozen=True)
class RemindContent:
    """Everything the reminders say that is not built from numbers."""

    prompts: tuple[RelaxPrompt, ...]
    """Relaxation prompts, in file order."""
    exercises: dict[str, BreathingExercise]
    """Breathing exercises by id, in file order."""

    def prompts_for(self, moment: str) -> tuple[RelaxPrompt, ...]:
        """Prompts that suit a moment ("before" or "between"); all of them if none do."""
        chosen = tuple(p for p in self.prompts if moment in p.when)
        return chosen or self.prompts


def _words_problem(checker: Checker, line: int, path: str, text: Any) -> None:
    if not isinstance(text, str):
        return
    for sentence in text.replace("!", ".").replace("?", ".").split("."):
        if len(sentence.split()) > MAX_WORDS:
            checker.add(line, path, f"has a sentence of more than {MAX_WORDS} words; split it")


def _check_unique(checker: Checker, items: list, path: str) -> None:
    seen: set[str] = set()
    for index, item in enumerate(items):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            if item["id"] in seen:
                line = getattr(item, "key_lines", {}).get("id", getattr(items, "line", 1))
                checker.add(line, f"{path}[{index}].id", f"duplicate id {item['id']!r}")
            seen.add(item["id"])


def _check_relaxation(path: Path, raw: Any, sources: dict[str, str]) -> list[Problem]:
    checker = Checker(path)
    schema = {"prompts": Field(list, items=_PROMPT_SCHEMA)}
    if not checker.mapping(raw, schema, "", 1) or not isinstance(raw.get("prompts"), list):
        return checker.problems
    prompts = raw["prompts"]
    _check_unique(checker, prompts, "prompts")
    for index, prompt in enumerate(prompts):
        if not isinstance(prompt, dict):
            continue
        lines = getattr(prompt, "key_lines", {})
        when = prompt.get("when")
        for moment in when if isinstance(when, list) else []:
            if isinstance(moment, str) and moment not in MOMENTS:
                checker.add(
                    lines.get("when", 1),
                    f"prompts[{index}].when",
                    f"{moment!r} is not one of: {', '.join(MOMENTS)}",
                )
        _words_problem(checker, lines.get("text", 1), f"prompts[{index}].text", prompt.get("text"))
        if "source" in prompt:
            keys = check_cited(
                checker,
                prompt["source"],
                sources,
                f"prompts[{index}].source",
                lines.get("source", 1),
            )
            check_mastitis_caveat(
                checker, prompt.get("text"), keys, f"prompts[{index}].text", lines.get("text", 1)
            )
    return checker.problems


def _number(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_cue_fits(checker: Checker, phase: Any, where: str) -> None:
    """A cue said at the default rate must end inside its phase, or the next cue is late."""
    if not isinstance(phase, dict) or not isinstance(phase.get("cue"), str):
        return
    seconds = phase.get("seconds")
    speaking = estimate_seconds(phase["cue"])
    if _number(seconds) and speaking > seconds:
        checker.add(
            getattr(phase, "key_lines", {}).get("cue", 1),
            f"{where}.cue",
            f"takes about {speaking:.1f} s to say, longer than its {seconds} s phase",
        )


def _check_breathing(path: Path, raw: Any, sources: dict[str, str]) -> list[Problem]:
    checker = Checker(path)
    schema = {"exercises": Field(list, items=_EXERCISE_SCHEMA)}
    if not checker.mapping(raw, schema, "", 1) or not isinstance(raw.get("exercises"), list):
        return checker.problems
    exercises = raw["exercises"]
    _check_unique(checker, exercises, "exercises")
    for index, exercise in enumerate(exercises):
        if not isinstance(exercise, dict):
            continue
        lines = getattr(exercise, "key_lines", {})
        where = f"exercises[{index}]"
        rounds = exercise.get("rounds")
        if isinstance(rounds, int) and not 1 <= rounds <= 30:
            checker.add(lines.get("rounds", 1), f"{where}.rounds", f"{rounds} is outside 1..30")
        settle = exercise.get("settle_seconds")
        if _number(settle) and not 0 <= settle <= 30:
            checker.add(
                lines.get("settle_seconds", 1),
                f"{where}.settle_seconds",
                f"{settle} is outside 0..30 seconds",
            )
        phases = exercise.get("phases")
        for number, phase in enumerate(phases if isinstance(phases, list) else []):
            _check_cue_fits(checker, phase, f"{where}.phases[{number}]")
            seconds = phase.get("seconds") if isinstance(phase, dict) else None
            if _number(seconds) and not 1 <= seconds <= 20:
                checker.add(
                    getattr(phase, "key_lines", {}).get("seconds", 1),
                    f"{where}.phases[{number}].seconds",
                    f"{seconds} is outside 1..20 seconds",
                )
        for key in ("intro", "caution", "closing"):
            _words_problem(checker, lines.get(key, 1), f"{where}.{key}", exercise.get(key))
        caution = exercise.get("caution")
        if isinstance(caution, str) and "dizzy" not in caution.lower():
            checker.add(
                lines.get("caution", 1),
                f"{where}.caution",
                "should tell her to stop if she feels dizzy",
            )
    return checker.problems


def _load(path: Path) -> tuple[Any, list[Problem]]:
    try:
        return load_yaml(path), []
    except YamlProblems as exc:
        return None, list(exc.problems)


def check_remind_content(directory: Path) -> list[Problem]:
    """Problems in relaxation.yaml and breathing.yaml (an empty list when both are valid)."""
    sources, problems = load_sources(directory)
    for name, check in ((RELAXATION_FILE, _check_relaxation), (BREATHING_FILE, _check_breathing)):
        path = directory / name
        raw, load_problems = _load(path)
        problems += load_problems or check(path, raw, sources)
    return problems


def _text(value: str) -> str:
    return " ".join(value.split())


def load_remind_content(directory: Path) -> RemindContent:
    """Load and validate both files; raise ContentError naming file:line:field."""
    problems = check_remind_content(directory)
    if problems:
        listing = "\n  ".join(str(p) for p in problems)
        raise ContentError(
            f"reminder content in {directory} is not valid:\n  {listing}\n"
            "Fix the lines named above."
        )
    relax_raw, _ = _load(directory / RELAXATION_FILE)
    breathing_raw, _ = _load(directory / BREATHING_FILE)
    prompts = tuple(
        RelaxPrompt(p["id"], tuple(p["when"]), _text(p["text"])) for p in relax_raw["prompts"]
    )
    exercises = {
        e["id"]: BreathingExercise(
            id=e["id"],
            name=_text(e["name"]),
            intro=f"{_text(e['intro'])} {_text(e['caution'])}",
            phases=tuple(Phase(_text(ph["cue"]), float(ph["seconds"])) for ph in e["phases"]),
            rounds=int(e["rounds"]),
            closing=_text(e["closing"]),
            settle_seconds=float(e.get("settle_seconds", 1.0)),
        )
        for e in breathing_raw["exercises"]
    }
    return RemindContent(prompts=prompts, exercises=exercises)
