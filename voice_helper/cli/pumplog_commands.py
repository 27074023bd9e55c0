"""Pumping-log subcommands: `sessions report --out FILE`, `sessions export --csv FILE`."""

from __future__ import annotations

import argparse
import logging
from datetime import UTC, datetime
from pathlib import Path

from voice_helper.config import load_settings
from voice_helper.pumplog.export import write_csv
from voice_helper.pumplog.report import build_report, write_report
from voice_helper.pumplog.store import read_log
from voice_helper.remind.clock import zone_for
from voice_helper.remind.storage import reminders_data_dir

_LOGGER = logging.getLogger(__name__)


def register_sessions(ssub: argparse._SubParsersAction) -> None:
    """Add `report` and `export` under `sessions`."""
    report = ssub.add_parser("report", help="a one-page picture of the last 14 days")
    report.add_argument("--out", required=True, metavar="FILE", help="a .png or .html file")
    report.set_defaults(func=run_report)
    export = ssub.add_parser("export", help="the log as CSV (Baby Buddy's pumping columns)")
    export.add_argument("--csv", required=True, metavar="FILE", help="the CSV file to write")
    export.set_defaults(func=run_export)


def run_report(args: argparse.Namespace) -> int:
    """Write the report of the last 14 days."""
    settings = load_settings(Path(args.config) if getattr(args, "config", None) else None)
    zone = zone_for(settings)
    entries = read_log(reminders_data_dir())
    report = build_report(entries, datetime.now(UTC), zone, settings.volume_unit)
    path = write_report(report, Path(args.out), zone)
    print(
        f"Wrote {path}: {len(report.sessions)} sessions from {report.first:%d %b} "
        f"to {report.last:%d %b %Y}."
    )
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Write every finished session as CSV."""
    settings = load_settings(Path(args.config) if getattr(args, "config", None) else None)
    rows = write_csv(
        read_log(reminders_data_dir()), Path(args.csv), zone_for(settings), settings.volume_unit
    )
    print(f"Wrote {args.csv}: {rows} sessions.")
    return 0
