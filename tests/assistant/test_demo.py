"""`voice-helper demo`: the scripted conversation through the real pipeline, into files."""

import json
import subprocess
import sys

from voice_helper.cli.run_command import DEMO_LINES


def test_demo_speaks_recognises_and_answers_every_line(tmp_path):
    out = tmp_path / "demo"
    result = subprocess.run(
        [sys.executable, "-m", "voice_helper", "demo", "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    events = [
        json.loads(line) for line in (out / "replies" / "transcript.jsonl").read_text().splitlines()
    ]
    turns = [e for e in events if e["event"] == "turn"]
    assert len(turns) == len(DEMO_LINES)
    assert [t["intent"] for t in turns[:5]] == ["troubleshoot", "no", "yes", "next", "stop"]
    assert [t["intent"] for t in turns[5:7]] == ["ask_cause", "urgent_symptom"]
    reminder = next(t for t in turns if t["intent"] == "set_reminder")
    assert reminder["slots"] == {"kind": "pump", "every_minutes": 150}
    assert "parent:    Why is no milk coming out?" in result.stdout
    assert (out / "data").is_dir()  # its reminders stay in the demo folder
    replies = sorted((out / "replies").glob("*.wav"))
    assert len(replies) == len(DEMO_LINES)
