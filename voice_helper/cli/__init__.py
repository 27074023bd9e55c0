"""The `voice-helper` command: parse arguments, call into the package, print."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from voice_helper.errors import VoiceHelperError
from voice_helper.logsetup import setup_logging

# Each module registers its subcommands with `register(subparsers)`; one line per area.
COMMAND_MODULES = [
    "voice_helper.cli.text_commands",
    "voice_helper.cli.speak_commands",
    "voice_helper.cli.service_commands",
    "voice_helper.cli.config_commands",
    "voice_helper.cli.doctor_command",
    "voice_helper.cli.listen_commands",
    "voice_helper.cli.run_command",
    "voice_helper.cli.remind_commands",
    "voice_helper.cli.setup_command",
]


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="voice-helper",
        description="Offline, hands-free voice assistant for pumping breast milk.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    parser.add_argument("--content", metavar="DIR", help="content folder (default: content/)")
    parser.add_argument("--config", metavar="FILE", help="config file (default: XDG config)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; user-facing errors become one message and exit status 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.verbose)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except VoiceHelperError as exc:
        print(f"voice-helper: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        logging.getLogger(__name__).info("interrupted")
        return 130
