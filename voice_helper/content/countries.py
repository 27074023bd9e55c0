"""content/countries.yaml: who the safety replies tell her to call, by her country."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from voice_helper.content.sources import check_cited
from voice_helper.yamlfile import Checker, Field, Problem, YamlProblems, load_yaml

COUNTRIES_FILE = "countries.yaml"
NO_COUNTRY = "none"
"""The entry used when no country is set: it names no foreign line."""
_LINE_KEYS = ("emergency", "crisis", "urgent", "postnatal")
_COUNTRY = {
    "name": Field(str),
    **{key: Field(str) for key in _LINE_KEYS},
    "source": Field((str, list)),
}
_CODE = re.compile(r"[A-Z]{2}|none")
_DIGITS = re.compile(r"\d+(?: \d+)*")


@dataclass(frozen=True)
class Country:
    """The numbers for one country, as the replies say them."""

    code: str
    """ISO 3166 code ("GB", "US"), or "none"."""
    name: str
    emergency: str
    """The emergency number: "999"."""
    crisis: str
    """A suicide and crisis line, day and night: "the Samaritans on 116 123"."""
    urgent: str
    """Same-day urgent help (postpartum psychosis): "NHS 111, option 2"."""
    postnatal: str
    """A line for parents' mental health after a baby."""
    source: tuple[str, ...]


def spoken_digits(text: str) -> str:
    """Numbers said digit by digit, groups apart: "116 123" -> "1 1 6, 1 2 3"."""
    return _DIGITS.sub(lambda m: ", ".join(" ".join(group) for group in m.group(0).split()), text)


def parse_countries(
    path: Path, raw: object, checker: Checker, sources: dict[str, str]
) -> dict[str, Country]:
    """The country table, after recording a problem for each bad entry or unsourced number."""
    if not checker.mapping(raw, {"countries": Field(dict)}, "", 1):
        return {}
    assert isinstance(raw, dict)
    table = raw["countries"]
    countries = {}
    for code, entry in table.items():
        where, line = f"countries.{code}", table.key_lines.get(str(code), 1)
        if not isinstance(code, str) or not _CODE.fullmatch(code):
            checker.add(line, where, "use a two-letter country code in capitals (GB, US) or none")
            continue
        if not checker.mapping(entry, _COUNTRY, where, line):
            continue
        cited = check_cited(
            checker, entry["source"], sources, f"{where}.source", entry.key_lines["source"]
        )
        emergency, crisis, urgent, postnatal = (" ".join(str(entry[k]).split()) for k in _LINE_KEYS)
        countries[code] = Country(
            code, entry["name"], emergency, crisis, urgent, postnatal, source=cited
        )
    if NO_COUNTRY not in countries and not checker.problems:
        checker.add(1, "countries", "needs the entry 'none' (said when no country is set)")
    return countries


def load_countries(directory: Path) -> dict[str, Country]:
    """The country table of a content folder on its own; raise YamlProblems if invalid."""
    from voice_helper.content.sources import load_sources

    path = Path(directory) / COUNTRIES_FILE
    sources, problems = load_sources(Path(directory))
    checker = Checker(path)
    countries = parse_countries(path, load_yaml(path), checker, sources)
    if problems or checker.problems:
        raise YamlProblems([*problems, *checker.problems] or [Problem(path, 1, "(top)", "?")])
    return countries


def country_problem(code: str | None, countries: dict[str, Country]) -> str | None:
    """Why a `country` setting cannot be used, or None when it can (unset is allowed)."""
    if code is None:
        return None
    if code not in countries or code == NO_COUNTRY:
        known = ", ".join(f"{c} ({v.name})" for c, v in countries.items() if c != NO_COUNTRY)
        return f"country {code!r} is not in {COUNTRIES_FILE}; known: {known}"
    return None
