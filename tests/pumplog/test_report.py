"""The report and the CSV, rendered from a real log file and checked by their content."""

import csv
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.image import imread

from voice_helper.pumplog.amounts import Amount
from voice_helper.pumplog.export import COLUMNS, write_csv
from voice_helper.pumplog.report import (
    DAY_AMOUNT_COLOUR,
    GAP_COLOUR,
    SESSION_COLOUR,
    ReportError,
    build_report,
    write_report,
)
from voice_helper.pumplog.store import PumpLogStore, read_log
from voice_helper.remind.reminder_log import ReminderLog

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 1, 14, 21, 0, tzinfo=LONDON)
# Three days: (day offset, hour, ml). Per day: 100 ml in 1, 200 ml in 2, 50 ml in 3 sessions.
SESSIONS = [
    (-2, 8, 100.0),
    (-1, 6, 120.0),
    (-1, 14, 80.0),
    (0, 6, 10.0),
    (0, 12, 15.0),
    (0, 18, 25.0),
]


def _log(tmp_path):
    log = ReminderLog(tmp_path)
    store = PumpLogStore(log.conn)
    for offset, hour, ml in SESSIONS:
        started = (NOW + timedelta(days=offset)).replace(hour=hour)
        store.add_session(started, started + timedelta(minutes=20), Amount(ml, "ml"), started)
    log.close()
    return read_log(tmp_path)


def _bar_heights(image: np.ndarray, colour: str) -> list[int]:
    """Height in pixels of each bar drawn in exactly this colour, left to right."""
    mask = np.all(np.abs(image[..., :3] - np.array(to_rgb(colour))) < 1.5 / 255, axis=2)
    columns = mask.sum(axis=0)
    bars, current = [], 0
    for height in columns:
        if height:
            current = max(current, int(height))
        elif current:
            bars.append(current)
            current = 0
    return bars + ([current] if current else [])


def test_png_bars_are_proportional_to_the_numbers(tmp_path):
    report = build_report(_log(tmp_path), NOW, LONDON, "ml")
    assert [d.ml for d in report.days[-3:]] == [100.0, 200.0, 50.0]
    path = write_report(report, tmp_path / "report.png", LONDON)
    image = imread(path)
    assert image.shape[:2] == (1169, 827)  # A4 at 100 dpi
    amounts = _bar_heights(image, DAY_AMOUNT_COLOUR)
    assert len(amounts) == 3
    assert amounts[0] / amounts[1] == pytest.approx(0.5, abs=0.02)
    assert amounts[2] / amounts[1] == pytest.approx(0.25, abs=0.02)
    counts = _bar_heights(image, SESSION_COLOUR)
    assert len(counts) == 3
    assert counts[0] / counts[2] == pytest.approx(1 / 3, abs=0.02)
    assert counts[1] / counts[2] == pytest.approx(2 / 3, abs=0.02)
    gaps = _bar_heights(image, GAP_COLOUR)
    # Longest gap ending each day: 08:20 -> next day 06:00 (21.7 h), 06:20 -> 14:00 (7.7 h) on
    # the middle day, 14:20 -> 06:00 (15.7 h) on the last.
    assert [d.longest_gap for d in report.days[-3:]] == [
        timedelta(0),
        timedelta(hours=21, minutes=40),
        timedelta(hours=15, minutes=40),
    ]
    assert len(gaps) == 2 and gaps[1] / gaps[0] == pytest.approx(15.7 / 21.7, abs=0.02)


def test_html_says_the_numbers_per_day_and_per_session(tmp_path):
    report = build_report(_log(tmp_path), NOW, LONDON, "ml")
    page = write_report(report, tmp_path / "report.html", LONDON).read_text()
    rows = re.findall(
        r"<tr><td>(\w{3} \d\d \w{3})</td><td class=sessions>(\d+)</td>"
        r"<td class=amount>([\d.]+)</td><td class=gap>([\d.]+)</td></tr>",
        page,
    )
    assert len(rows) == 14
    assert rows[-3:] == [
        ("Mon 12 Jan", "1", "100", "0"),
        ("Tue 13 Jan", "2", "200", "21.7"),
        ("Wed 14 Jan", "3", "50", "15.7"),
    ]
    assert all(row[1:] == ("0", "0", "0") for row in rows[:-3])
    assert "6 sessions, 350 ml in 14 days." in page
    assert "Longest gap: 21.7 hours, from Mon 12 Jan 08:20 to Tue 13 Jan 06:00." in page
    assert "<svg" in page and page.count("<tr><td>") == 14 + len(SESSIONS)


def test_ounces_report_and_unknown_extension(tmp_path):
    report = build_report(_log(tmp_path), NOW, LONDON, "oz")
    page = write_report(report, tmp_path / "r.html", LONDON).read_text()
    assert "<td class=amount>6.76</td>" in page  # 200 ml
    with pytest.raises(ReportError):
        write_report(report, tmp_path / "r.pdf", LONDON)


def test_csv_has_baby_buddy_columns_and_local_times(tmp_path):
    entries = _log(tmp_path)
    path = tmp_path / "out" / "pumping.csv"
    assert write_csv(entries, path, LONDON, "ml") == len(SESSIONS)
    rows = list(csv.reader(path.open()))
    assert tuple(rows[0]) == COLUMNS
    assert rows[1] == ["2026-01-12T08:00:00+00:00", "2026-01-12T08:20:00+00:00", "100", ""]
    assert [row[2] for row in rows[1:]] == ["100", "120", "80", "10", "15", "25"]
    write_csv(entries, path, LONDON, "oz")
    assert [row[2] for row in list(csv.reader(path.open()))[1:3]] == ["3.38", "4.06"]
    assert oct(path.stat().st_mode & 0o777) == "0o600"
