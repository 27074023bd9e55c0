"""A one-page picture of the last 14 days, as PNG or HTML (for her or a lactation consultant)."""

from __future__ import annotations

import html
import io
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from voice_helper.errors import VoiceHelperError
from voice_helper.pumplog.amounts import ML_PER_UNIT
from voice_helper.pumplog.stats import DaySummary, Gap, days, gaps
from voice_helper.pumplog.store import Entry

_LOGGER = logging.getLogger(__name__)

REPORT_DAYS = 14
"""Days the report covers, today included."""
SESSION_COLOUR = "#2a6f97"
"""Bars of sessions per day (the tests find the bars by these exact colours)."""
DAY_AMOUNT_COLOUR = "#e07a5f"
"""Bars of the amount per day."""
SESSION_AMOUNT_COLOUR = "#81b29a"
"""Bars of the amount of each session."""
GAP_COLOUR = "#6d597a"
"""Bars of the longest gap per day."""


class ReportError(VoiceHelperError):
    """The report cannot be written (an unknown file type, or matplotlib missing)."""


@dataclass(frozen=True)
class Report:
    """What the page shows."""

    first: date
    """First local day shown."""
    last: date
    """Last local day shown (today)."""
    unit: str
    """ml or oz: the unit of every amount shown."""
    days: list[DaySummary]
    """One per day, oldest first."""
    sessions: list[Entry]
    """Every session in the window, oldest first."""
    longest: Gap | None
    """The longest gap in the window."""


def build_report(entries: list[Entry], now: datetime, zone: tzinfo, unit: str) -> Report:
    """The last REPORT_DAYS local days of the log."""
    last = now.astimezone(zone).date()
    first = last - timedelta(days=REPORT_DAYS - 1)
    start = datetime.combine(first, time(0), tzinfo=zone)
    shown = [e for e in entries if start <= e.started <= now]
    window_gaps = [g for g in gaps(entries, now) if g.end >= start]
    longest = max(window_gaps, key=lambda g: g.length, default=None)
    return Report(first, last, unit, days(entries, last, REPORT_DAYS, zone, now), shown, longest)


def in_unit(ml: float, unit: str) -> float:
    """Millilitres in the report's unit (ounces to two places)."""
    return round(ml / ML_PER_UNIT[unit], 2) if unit == "oz" else round(ml)


def _hours(length: timedelta) -> float:
    return round(length.total_seconds() / 3600, 1)


def write_report(report: Report, path: Path, zone: tzinfo) -> Path:
    """Write the page as PNG or HTML, by the file's extension."""
    suffix = path.suffix.lower()
    if suffix not in (".png", ".html", ".htm"):
        raise ReportError(f"{path.name}: write the report to a .png or .html file.")
    figure = _figure(report, zone)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".png":
        figure.savefig(path, format="png", dpi=100)
    else:
        svg = io.StringIO()
        figure.savefig(svg, format="svg")
        path.write_text(_html(report, svg.getvalue(), zone), encoding="utf-8")
    path.chmod(0o600)
    return path


def _figure(report: Report, zone: tzinfo) -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ReportError("The report needs matplotlib: pip install matplotlib.") from exc
    labels = [d.day.strftime("%d %b") for d in report.days]
    xs = list(range(len(report.days)))
    figure = Figure(figsize=(8.27, 11.69))  # A4 portrait
    figure.suptitle(f"Pumping log, {report.first:%d %b} to {report.last:%d %b %Y}", fontsize=14)
    axes = figure.subplots(4, 1)
    panels: list[tuple[Any, list[float], str, str, str]] = [
        (
            axes[0],
            [d.sessions for d in report.days],
            SESSION_COLOUR,
            "Sessions per day",
            "sessions",
        ),
        (
            axes[1],
            [in_unit(d.ml, report.unit) for d in report.days],
            DAY_AMOUNT_COLOUR,
            f"Amount per day ({report.unit})",
            report.unit,
        ),
        (
            axes[3],
            [_hours(d.longest_gap) for d in report.days],
            GAP_COLOUR,
            "Longest gap ending each day (hours)",
            "hours",
        ),
    ]
    for ax, values, colour, title, ylabel in panels:
        ax.bar(xs, values, color=colour, width=0.7)
        ax.set_title(title, fontsize=10, loc="left")
        ax.set_ylabel(ylabel)
        ax.set_xticks(xs, labels, rotation=45, ha="right", fontsize=7)
        ax.set_xlim(-0.6, len(xs) - 0.4)
        ax.set_ylim(0, max(values + [1]) * 1.15)
    session_ax = axes[2]
    start = datetime.combine(report.first, time(0), tzinfo=zone)
    positions = [(e.started - start).total_seconds() / 86400 - 0.5 for e in report.sessions]
    amounts = [in_unit(e.ml, report.unit) if e.ml is not None else 0 for e in report.sessions]
    session_ax.bar(positions, amounts, color=SESSION_AMOUNT_COLOUR, width=0.06)
    session_ax.set_title(f"Amount per session ({report.unit})", fontsize=10, loc="left")
    session_ax.set_ylabel(report.unit)
    session_ax.set_xticks(xs, labels, rotation=45, ha="right", fontsize=7)
    session_ax.set_xlim(-0.6, len(xs) - 0.4)
    session_ax.set_ylim(0, max(amounts + [1]) * 1.15)
    if report.longest is not None:
        g = report.longest
        figure.text(
            0.02,
            0.01,
            f"Longest gap: {_hours(g.length)} hours, from "
            f"{g.start.astimezone(zone):%a %d %b %H:%M} to "
            f"{g.end.astimezone(zone):%a %d %b %H:%M}",
            fontsize=9,
        )
    figure.tight_layout(rect=(0, 0.03, 1, 0.97))
    return figure


def _html(report: Report, svg: str, zone: tzinfo) -> str:
    """The page: a heading, the chart, the numbers per day and per session."""
    esc = html.escape
    unit = esc(report.unit)
    rows = "\n".join(
        f"<tr><td>{d.day:%a %d %b}</td><td class=sessions>{d.sessions}</td>"
        f"<td class=amount>{in_unit(d.ml, report.unit):g}</td>"
        f"<td class=gap>{_hours(d.longest_gap):g}</td></tr>"
        for d in report.days
    )
    sessions = "\n".join(
        f"<tr><td>{e.started.astimezone(zone):%a %d %b %H:%M}</td>"
        f"<td>{_minutes(e)}</td>"
        f"<td class=amount>{'' if e.ml is None else f'{in_unit(e.ml, report.unit):g}'}</td>"
        f"<td>{esc(e.notes)}</td></tr>"
        for e in report.sessions
    )
    longest = ""
    if report.longest is not None:
        g = report.longest
        longest = (
            f"<p id=longest>Longest gap: {_hours(g.length):g} hours, from "
            f"{g.start.astimezone(zone):%a %d %b %H:%M} to "
            f"{g.end.astimezone(zone):%a %d %b %H:%M}.</p>"
        )
    total = sum(d.ml for d in report.days)
    count = sum(d.sessions for d in report.days)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Pumping log {report.first:%d %b} to {report.last:%d %b %Y}</title>
<style>body{{font-family:sans-serif;max-width:50em;margin:1em auto}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:2px 8px;text-align:right}}
</style></head><body>
<h1>Pumping log, {report.first:%d %b} to {report.last:%d %b %Y}</h1>
<p id=summary>{count} sessions, {in_unit(total, report.unit):g} {unit} in 14 days.</p>
{longest}
{svg[svg.find("<svg") :]}
<h2>Per day</h2>
<table id=days><tr><th>day</th><th>sessions</th><th>amount ({unit})</th>
<th>longest gap (hours)</th></tr>
{rows}
</table>
<h2>Sessions</h2>
<table id=sessions><tr><th>start</th><th>minutes</th><th>amount ({unit})</th><th>notes</th></tr>
{sessions}
</table>
</body></html>
"""


def _minutes(entry: Entry) -> str:
    if entry.ended is None:
        return "running"
    return f"{round((entry.ended - entry.started).total_seconds() / 60)}"
