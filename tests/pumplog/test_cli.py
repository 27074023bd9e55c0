"""The log through the real CLI: `chat`, then `sessions export` and `sessions report`."""

import csv
import subprocess
import sys

import pytest

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.content import load_content

CONTENT = load_content(DEFAULT_CONTENT_DIR)
pytestmark = pytest.mark.usefixtures("private_home")


def run(*args: str, stdin: str = "") -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "voice_helper", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_chat_logs_corrects_answers_and_exports(private_home):
    index = [c.id for c in CONTENT.causes].index("pumping_frequency")
    out = run(
        "chat",
        stdin="\n".join(
            [
                "log a session a minute ago, eighty millilitres",
                "I got sixty millilitres",
                "about two ounces",
                "no, it was fifty",  # corrects the last entry said: the two ounces
                "how much did I pump today?",
                "how many times did I pump today?",
                "what's my average this week?",
                "when was my biggest session?",
                "why is no milk coming out",
                *["no"] * index,
            ]
        )
        + "\n",
    )
    assert out[0].startswith("Okay, I've logged a session at ") and out[0].endswith(
        ", with 80 millilitres."
    )
    assert out[1:3] == [
        "Okay, I've logged a session just now with 60 millilitres.",
        "Okay, I've logged a session just now with 2 ounces.",
    ]
    assert out[3] == "Okay, I've changed it from 2 ounces to 50 millilitres."
    assert out[4] == "You've pumped 190 millilitres today, in three sessions."
    assert out[5] == "You've pumped three times today."
    assert out[6] == (
        "Your average in the last seven days is about 65 millilitres a session, "
        "over three sessions."
    )
    assert out[7].startswith("Your biggest session was at ") and out[7].endswith(
        ", with 80 millilitres."
    )
    assert out[-1].startswith("Your log shows you've pumped three times in the last 24 hours.")
    assert CONTENT.cause("pumping_frequency").question not in " ".join(out)

    csv_path = private_home / "pumping.csv"
    assert run("sessions", "export", "--csv", str(csv_path)) == [f"Wrote {csv_path}: 3 sessions."]
    rows = list(csv.reader(csv_path.open()))
    assert rows[0] == ["start", "end", "amount", "notes"]
    assert [row[2] for row in rows[1:]] == ["80", "60", "50"]

    listed = run("sessions", "list")
    assert sorted(line.rsplit("  ", 1)[-1] for line in listed) == ["50 ml", "60 ml", "80 ml"]

    html_path = private_home / "report.html"
    run("sessions", "report", "--out", str(html_path))
    page = html_path.read_text()
    assert "3 sessions, 190 ml in 14 days." in page
    png_path = private_home / "report.png"
    run("sessions", "report", "--out", str(png_path))
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
