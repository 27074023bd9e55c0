"""{placeholders} in content replies: only known names, checked at load, so a typo never reaches
her as a crash or as Python internals ("{emergency_numbr}", "{x.__class__}")."""

from __future__ import annotations

import string

from voice_helper.yamlfile import Checker


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


def filled_or_as_written(text: str, values: dict[str, str]) -> str:
    """The text with its placeholders filled, or as written when they do not fit."""
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError, AttributeError):
        return text
