"""`voice-helper setup`: a partner sets the country (and so the safety numbers) without YAML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.config import config_path, load_settings
from voice_helper.content.countries import NO_COUNTRY, country_problem, load_countries
from voice_helper.errors import ConfigError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `setup` command."""
    parser = subparsers.add_parser(
        "setup", help="choose her country, so the safety replies name the right numbers"
    )
    parser.add_argument(
        "--country", help="two-letter code (GB, US, IE, CA, AU, NZ); asked if left out"
    )
    parser.set_defaults(func=_setup)


def _ask(countries: dict) -> str:
    listing = ", ".join(f"{code} ({c.name})" for code, c in countries.items() if code != NO_COUNTRY)
    print(f"Which country is she in? {listing}; or none.")
    for _ in range(3):
        print("country: ", end="", flush=True)
        answer = sys.stdin.readline().strip().upper()
        if answer == "NONE" or answer in countries:
            return answer.lower() if answer == "NONE" else answer
        print(f"'{answer}' is not one of them; please type one of the codes above.")
    raise ConfigError("no country chosen; run `voice-helper setup --country GB` (or US, IE, ...)")


def _setup(args: argparse.Namespace) -> int:
    path = Path(args.config) if args.config else config_path()
    settings = load_settings(path)  # a broken file is refused here, before anything is written
    countries = load_countries(Path(settings.content_dir or DEFAULT_CONTENT_DIR))
    code = args.country.upper() if args.country else _ask(countries)
    if code == "NONE":
        code = NO_COUNTRY
    problem = country_problem(None if code == NO_COUNTRY else code, countries)
    if problem is not None:
        raise ConfigError(problem)
    raw = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}
    if code == NO_COUNTRY:
        raw.pop("country", None)
    else:
        raw["country"] = code
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    partial.replace(path)
    chosen = countries[code]
    print(f"Saved to {path}.")
    print(f"Emergency number: {chosen.emergency}. Crisis line: {chosen.crisis}.")
    return 0
