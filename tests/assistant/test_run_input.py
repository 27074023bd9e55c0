"""A whole conversation from one recording through `voice-helper run --input`."""

import json
import subprocess
import sys
import wave

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.content import load_content

CONTENT = load_content(DEFAULT_CONTENT_DIR)


def _run_input(source, out) -> list[dict]:
    """Run `voice-helper run --input` on a recording; return its transcript events."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "voice_helper",
            "run",
            "--input",
            str(source),
            "--output",
            str(out),
            "--no-reminders",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in (out / "transcript.jsonl").read_text().splitlines()]


def test_troubleshooting_conversation_from_one_recording(recording, tmp_path):
    lines = ("why is no milk coming out", "no", "yes", "next", "no")
    source = recording(*lines)
    out = tmp_path / "out"
    turns = [e for e in _run_input(source, out) if e["event"] == "turn"]
    assert [t["intent"] for t in turns] == ["troubleshoot", "no", "yes", "next", "no"]
    assert turns[0]["reply"].endswith(CONTENT.causes[0].question)
    assert turns[1]["reply"] == CONTENT.causes[1].question
    assert turns[2]["reply"].startswith(CONTENT.causes[1].explanation)
    # "no" during the remedy: its help line, then the offer of the other questions.
    blues = CONTENT.causes[1]
    assert turns[4]["reply"] == f"{blues.professional_help} {CONTENT.prompt('offer_continue')}"
    for turn in turns:
        assert turn["heard"]
        assert 0 < turn["latency_ms"] < 5000
        with wave.open(turn["reply_file"]) as clip:
            assert clip.getnframes() / clip.getframerate() > 1.0
    assert min(p.name for p in out.glob("*.wav")) == "0001-reply.wav"


def test_recording_of_household_talk_triggers_nothing(recording, tmp_path):
    source = recording("pass me the remote please", "yes", "the game starts at eight")
    out = tmp_path / "out"
    turns = _run_input(source, out)
    assert len(turns) == 3
    assert [t["intent"] for t in turns] == [None, None, None]  # no question open for "yes"
    assert all(t["reply"] == "" and t["reply_file"] is None for t in turns)
    assert list(out.glob("*.wav")) == []
