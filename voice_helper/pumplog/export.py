"""The log as CSV with Baby Buddy's pumping columns, to move it into a tracker."""

from __future__ import annotations

import csv
import logging
from datetime import tzinfo
from pathlib import Path

from voice_helper.pumplog.amounts import ML_PER_UNIT
from voice_helper.pumplog.store import Entry

_LOGGER = logging.getLogger(__name__)

COLUMNS = ("start", "end", "amount", "notes")
"""Baby Buddy's pumping record: start and end times, the amount, free notes."""


def write_csv(entries: list[Entry], path: Path, zone: tzinfo, unit: str) -> int:
    """Write finished sessions (oldest first) with local ISO times and amounts in `unit`;
    return how many rows."""
    rows = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for entry in sorted(entries, key=lambda e: e.started):
            if entry.ended is None:
                continue  # still running: Baby Buddy needs an end
            amount = "" if entry.ml is None else _amount(entry.ml, unit)
            notes = entry.notes
            if entry.amount and entry.amount.left_ml is not None:
                sides = (
                    f"left {_amount(entry.amount.left_ml, unit)}, right "
                    f"{_amount(entry.amount.right_ml or 0, unit)} {unit}"
                )
                notes = f"{notes}; {sides}" if notes else sides
            writer.writerow(
                (
                    entry.started.astimezone(zone).isoformat(timespec="seconds"),
                    entry.ended.astimezone(zone).isoformat(timespec="seconds"),
                    amount,
                    notes,
                )
            )
            rows += 1
    path.chmod(0o600)
    return rows


def _amount(ml: float, unit: str) -> str:
    value = ml / ML_PER_UNIT[unit]
    return f"{value:.2f}".rstrip("0").rstrip(".") if unit == "oz" else f"{value:.0f}"
