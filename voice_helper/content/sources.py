"""content/sources.yaml: the references advice lines cite by key; checks that a cited key exists."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from voice_helper.yamlfile import Checker, Problem, YamlProblems, load_yaml

SOURCES_FILE = "sources.yaml"
SEED = "seed"
"""The key for the seed article; every other key names outside guidance (NHS, ABM, ...)."""
_KEY = re.compile(r"[a-z][a-z0-9_]*")
MASTITIS_SOURCE = "abm_36_2022"
"""Current mastitis guidance: on a red, sore area, cold rather than heat, and no deep massage."""
_WARMTH_OR_MASSAGE = re.compile(
    r"\b(warm\w*|heat\w*|hot (?:cloth|pack|water|shower)|massag\w*)\b", re.IGNORECASE
)
_CAVEAT = re.compile(r"\b(red|sore)\b", re.IGNORECASE)


def load_sources(directory: Path) -> tuple[dict[str, str], list[Problem]]:
    """The citation of each source key, and the problems of sources.yaml (none when valid)."""
    path = Path(directory) / SOURCES_FILE
    try:
        raw = load_yaml(path)
    except YamlProblems as exc:
        return {}, list(exc.problems)
    checker = Checker(path)
    if raw is None:
        checker.add(1, "(top)", "should be a mapping of keys, got nothing")
        return {}, checker.problems
    table = raw.get("sources") if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or set(raw) != {"sources"} or not isinstance(table, dict):
        checker.add(
            getattr(raw, "line", 1),
            "sources",
            "the file should hold one mapping, sources:, of key: citation",
        )
        return {}, checker.problems
    lines = getattr(table, "key_lines", {})
    top_line: int = getattr(table, "line", 1)
    for key, citation in table.items():
        where, line = f"sources.{key}", lines.get(str(key), top_line)
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            checker.add(line, where, "use lower-case letters, digits and _ for a source key")
        if not isinstance(citation, str) or not citation.strip():
            checker.add(line, where, "should be the citation as text (who, title, year or address)")
    if SEED not in table:
        checker.add(top_line, "sources", f"missing the key {SEED!r} (the seed article)")
    return {str(k): " ".join(str(v).split()) for k, v in table.items()}, checker.problems


def check_cited(
    checker: Checker, value: Any, known: dict[str, str], path: str, line: int
) -> tuple[str, ...]:
    """The keys a `source:` value cites (one key or a list); a problem for each unknown key."""
    keys = value if isinstance(value, list) else [value]
    if not keys or not all(isinstance(k, str) and k.strip() for k in keys):
        checker.add(line, path, "should be a source key from sources.yaml, or a list of them")
        return ()
    for key in keys:
        if known and key not in known:
            checker.add(
                line, path, f"{key!r} is not in {SOURCES_FILE} (known: {', '.join(sorted(known))})"
            )
    return tuple(keys)


def check_mastitis_caveat(
    checker: Checker, text: Any, keys: tuple[str, ...], path: str, line: int
) -> None:
    """A line that suggests warmth or massage must carry the caveat for a red, sore area."""
    if not isinstance(text, str) or not _WARMTH_OR_MASSAGE.search(text):
        return
    if MASTITIS_SOURCE not in keys or not _CAVEAT.search(text):
        checker.add(
            line,
            path,
            "suggests warmth or massage: add that a red or sore area needs "
            f"cold, not heat, and no deep massage, and cite {MASTITIS_SOURCE}",
        )
