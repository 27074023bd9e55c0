"""`voice-helper config path | show | check`: where the settings live and what they are."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.config import config_path, load_settings
from voice_helper.content.countries import country_problem, load_countries
from voice_helper.errors import ConfigError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `config` command and its actions."""
    parser = subparsers.add_parser("config", help="show or check the settings file")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("path", help="print the path of the config file").set_defaults(func=_path)
    actions.add_parser("show", help="print the effective settings as YAML").set_defaults(func=_show)
    actions.add_parser("check", help="validate the config file; exit 2 when invalid").set_defaults(
        func=_check
    )


def _file(args: argparse.Namespace) -> Path:
    return Path(args.config) if args.config else config_path()


def _path(args: argparse.Namespace) -> int:
    path = _file(args)
    print(path)
    if not path.exists():
        print("(not created yet: the defaults are in use)", file=sys.stderr)
    return 0


def _show(args: argparse.Namespace) -> int:
    path = _file(args)
    settings = load_settings(path)
    source = path if path.exists() else "none, all defaults"
    print(f"# effective settings (file: {source}; defaults fill what it leaves out)")
    print(yaml.safe_dump(settings.to_dict(), sort_keys=False, allow_unicode=True), end="")
    return 0


def _check(args: argparse.Namespace) -> int:
    path = _file(args)
    try:
        settings = load_settings(path)
    except ConfigError as exc:
        print(exc)
        return 2
    countries = load_countries(Path(settings.content_dir or DEFAULT_CONTENT_DIR))
    problem = country_problem(settings.country, countries)
    if problem is not None:
        print(f"{path}: country: {problem}")
        return 2
    print(f"OK: {path}" if path.exists() else f"OK: no file at {path}; the defaults are in use")
    if settings.country is None and not settings.crisis_line:
        print(
            "note: country is not set, so the safety replies say 'your local emergency number' "
            "and name no crisis line; run `voice-helper setup` or set country (GB, US, IE, CA, "
            "AU, NZ)"
        )
    return 0
