"""Config problems said in her terms: why a YAML 1.1 surprise happened and how to write it."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from voice_helper.yamlfile import Problem

# YAML 1.1 reads an unquoted 22:00 as the base-60 number 1320; find the text as written.
_UNQUOTED_CLOCK = re.compile(r":\s*(\d{1,2}:\d{2})\s*(#.*)?$")


def source_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _value_at(raw: Any, field_path: str) -> Any:
    value = raw
    for part in field_path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def explain(
    problem: Problem, raw: Any, source: list[str], keys: list[str], quiet_keys: list[str]
) -> Problem:
    """Say why a likely YAML 1.1 surprise happened and how to write it instead."""
    name = problem.field.rsplit(".", 1)[-1]
    value = _value_at(raw, problem.field)
    message = problem.message.replace(" or NoneType", " (or left out)")
    if problem.message.startswith("unknown key"):
        parent = problem.field.rpartition(".")[0]
        known = quiet_keys if parent == "quiet_hours" else keys
        close = difflib.get_close_matches(name, known, n=1)
        if close:
            message = f"unknown key; did you mean {close[0]!r}? " + message[len("unknown key ") :]
    elif (
        problem.field in ("quiet_hours.start", "quiet_hours.end")
        and isinstance(value, (int, float))
        and not isinstance(value, bool)
    ):
        text = source[problem.line - 1] if 0 < problem.line <= len(source) else ""
        written = _UNQUOTED_CLOCK.search(text)
        if written:
            hours, minutes = written.group(1).split(":")
            message = (
                f"{written.group(1)} was read as the number {value} because it is not in "
                f'quotes; put it in quotes: {name}: "{int(hours):02d}:{minutes}"'
            )
        else:
            message = f'should be a clock time in quotes, like {name}: "22:00"; got {value}'
    elif isinstance(value, bool) and problem.message.startswith("should be text"):
        message += "; yes/no/on/off are read as true/false, so put text in quotes"
        if name == "wake_phrase":
            message += " (to turn the wake phrase off, leave the line out)"
    return Problem(problem.file, problem.line, problem.field, message)


def syntax_hint(problem: Problem) -> str:
    """One syntax problem as text, with a hint when a tab is the cause."""
    text = str(problem)
    if "'\\t'" in problem.message and "tabs" not in problem.message:
        text += " (indent with spaces, not tabs)"
    return text


def problems_text(path: Path, lines: list[str]) -> str:
    return (
        f"The configuration file {path} is not valid:\n  "
        + "\n  ".join(lines)
        + "\nFix it (or delete it to use the defaults); it was not changed."
    )
