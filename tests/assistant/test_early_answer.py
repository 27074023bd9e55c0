"""A finished command is answered after a short pause; one that may go on waits for the rest."""

import json

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.assistant.build import build
from voice_helper.assistant.loop import EARLY_END_FRAMES, FINAL_END_FRAMES
from voice_helper.config import Settings
from voice_helper.content import load_content
from voice_helper.listen.audio import file_frames


def turns_of(recording, tmp_path, *lines):
    """Replay the lines through the real assistant; its turn records."""
    out = tmp_path / "out"
    running = build(Settings(), load_content(DEFAULT_CONTENT_DIR), output_dir=out,
                    reminders_dir=tmp_path / "reminders")
    try:
        running.assistant.run(file_frames(recording(*lines)))
    finally:
        running.close()
    records = [json.loads(line) for line in (out / "transcript.jsonl").read_text().splitlines()]
    return [r for r in records if r["event"] == "turn"]


def test_a_command_nothing_can_extend_is_answered_after_a_short_pause(recording, tmp_path):
    turns = turns_of(recording, tmp_path, "snooze for ten minutes", "i am done pumping")
    assert [t["intent"] for t in turns] == ["snooze", "end_session"]
    for turn in turns:
        # The endpointer's own closing window is 720 ms; the short pause is 210 ms.
        assert turn["hangover_ms"] <= (FINAL_END_FRAMES + 1) * 30, turn


def test_a_duration_that_may_go_on_waits_for_the_closing_window(recording, tmp_path):
    turns = turns_of(recording, tmp_path, "remind me to pump every two hours")
    assert [t["intent"] for t in turns] == ["set_reminder"]
    assert turns[0]["slots"]["every_minutes"] == 120
    # "every two hours" may still become "every two hours and thirty minutes".
    assert turns[0]["hangover_ms"] > (EARLY_END_FRAMES + 1) * 30, turns[0]
