"""A finished command is answered after a short pause; one that may go on waits for the rest."""

import json
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.assistant.build import build
from voice_helper.assistant.early_answer import EARLY_END_FRAMES, FINAL_END_FRAMES
from voice_helper.config import Settings
from voice_helper.content import load_content
from voice_helper.listen.audio import file_frames
from voice_helper.wavfile import load_wav_16k


def turns_of(recording, tmp_path, *lines):
    """Replay the lines through the real assistant; its turn records."""
    out = tmp_path / "out"
    running = build(
        Settings(),
        load_content(DEFAULT_CONTENT_DIR),
        output_dir=out,
        reminders_dir=tmp_path / "reminders",
    )
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


def spoken_with_a_short_pause(first: str, rest: str, pause_s: float, path):
    """One sentence with a short pause inside it, as people pause, as a 16 kHz WAV file."""
    return spoken_lines([(first, pause_s), (rest, 1.5)], path)


def replay(path, tmp_path):
    """Replay a recording through the real assistant; its transcript records."""
    out = tmp_path / "out"
    running = build(
        Settings(),
        load_content(DEFAULT_CONTENT_DIR),
        output_dir=out,
        reminders_dir=tmp_path / "reminders",
    )
    try:
        running.assistant.run(file_frames(path))
    finally:
        running.close()
    return [json.loads(line) for line in (out / "transcript.jsonl").read_text().splitlines()]


def test_the_rest_of_an_early_answered_sentence_is_not_a_new_command(tmp_path):
    records = replay(
        spoken_with_a_short_pause("starting a session", "now", 0.25, tmp_path / "paused.wav"),
        tmp_path,
    )
    turns = [r for r in records if r["event"] == "turn"]
    assert [t["intent"] for t in turns] == ["start_session"]
    assert turns[0]["hangover_ms"] <= (FINAL_END_FRAMES + 1) * 30  # it was answered early
    rest = [r for r in records if r["event"] == "continuation"]
    assert len(rest) == 1 and rest[0]["new_turn"] is False


def test_a_sentence_that_means_more_once_finished_becomes_a_new_turn(tmp_path):
    records = replay(
        spoken_with_a_short_pause("stop", "the reminders", 0.25, tmp_path / "paused.wav"), tmp_path
    )
    turns = [r for r in records if r["event"] == "turn"]
    assert [t["intent"] for t in turns] == ["stop", "cancel_reminders"]
    assert [r["new_turn"] for r in records if r["event"] == "continuation"] == [True]


def spoken_lines(lines: list[tuple[str, float]], path):
    """Lines said one after another, each followed by its pause, as a 16 kHz WAV file."""
    pieces = [np.zeros(16000, np.float32)]
    with tempfile.TemporaryDirectory() as tmp:
        for index, (words, pause_s) in enumerate(lines):
            part = Path(tmp) / f"{index}.wav"
            subprocess.run(
                ["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(part), words],
                check=True,
                capture_output=True,
            )
            pieces += [load_wav_16k(part), np.zeros(int(16000 * pause_s), np.float32)]
    audio = np.concatenate(pieces)
    audio += np.random.default_rng(3).normal(0, 0.001, audio.size).astype(np.float32)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(16000)
        handle.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def test_a_yes_that_began_another_sentence_is_taken_back(tmp_path):
    content = load_content(DEFAULT_CONTENT_DIR)
    recording = spoken_lines(
        [("why is no milk coming out", 1.5), ("i have", 0.25), ("a fever", 1.5)],
        tmp_path / "fever.wav",
    )
    out = tmp_path / "out"
    running = build(Settings(), content, output_dir=out, reminders_dir=tmp_path / "reminders")
    try:
        running.assistant.run(file_frames(recording))
        state = running.assistant.turns.dialogue.state
    finally:
        running.close()
    records = [json.loads(line) for line in (out / "transcript.jsonl").read_text().splitlines()]
    turns = [r for r in records if r["event"] == "turn"]
    assert [t["intent"] for t in turns] == ["troubleshoot", "yes", "urgent_symptom"]
    (rest,) = [r for r in records if r["event"] == "continuation"]
    assert rest["undone"] == {"intent": "yes", "speech_end_s": turns[1]["speech_end_s"]}
    # Still on the first question: the fever advice, then that question again, not a remedy.
    assert state.question == 0 and state.cause is None
    assert turns[2]["reply"].endswith(content.causes[0].question)
