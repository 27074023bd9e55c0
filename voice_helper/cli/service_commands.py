"""`voice-helper service install | uninstall | status`: the systemd user unit."""

from __future__ import annotations

import argparse
from pathlib import Path

from voice_helper import systemd_unit


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `service` command and its actions."""
    parser = subparsers.add_parser("service", help="install or inspect the systemd user service")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    install = actions.add_parser("install", help="write the user unit, then enable and start it")
    install.set_defaults(func=_install)
    uninstall = actions.add_parser(
        "uninstall", help="stop and disable the service, remove the unit"
    )
    uninstall.set_defaults(func=_uninstall)
    status = actions.add_parser("status", help="show whether the unit is installed and running")
    status.set_defaults(func=_status)


def _config(args: argparse.Namespace) -> Path | None:
    return Path(args.config) if args.config else None


def _show(outcome: systemd_unit.Outcome) -> int:
    for line in outcome.lines:
        print(line)
    return outcome.exit_code


def _install(args: argparse.Namespace) -> int:
    return _show(systemd_unit.install(_config(args)))


def _uninstall(args: argparse.Namespace) -> int:
    return _show(systemd_unit.uninstall())


def _status(args: argparse.Namespace) -> int:
    return _show(systemd_unit.status(_config(args)))
