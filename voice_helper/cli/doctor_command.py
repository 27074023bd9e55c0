"""`voice-helper doctor`: check everything `run` needs, one line per check."""

from __future__ import annotations

import argparse
from pathlib import Path

from voice_helper import doctor


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `doctor` command."""
    parser = subparsers.add_parser(
        "doctor", help="check microphone, speaker, speech, models, content, config and service"
    )
    parser.set_defaults(func=_doctor)


def _doctor(args: argparse.Namespace) -> int:
    results = doctor.run_checks(
        Path(args.config) if args.config else None,
        Path(args.content) if args.content else None,
    )
    for result in results:
        print(result.line())
    code = doctor.exit_status(results)
    print("Ready to run." if code == 0 else "Not ready: fix the FAIL lines above.")
    return code
