"""The speech engine fails mid-run: the failure is logged, the assistant keeps listening, and the
next reply is spoken. (The synthesiser alone: tests/speak/test_speak_tts.py; the channel alone:
tests/speak/test_speak_channel.py.)"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.assistant.build import build
from voice_helper.assistant.demo import make_recording
from voice_helper.config import Settings
from voice_helper.content import load_content
from voice_helper.listen.audio import Frame, file_frames
from voice_helper.speak.tts import SpeechSynthesizer

LINES = ["why is no milk coming out", "tell me about pain", "what can you do"]


def _kill_worker_while_busy(synth: SpeechSynthesizer, killed: list[int]) -> threading.Thread:
    """Kill the engine process as soon as a synthesis is under way (once)."""

    def watch() -> None:
        while not killed:
            worker = synth._worker
            if synth._lock.locked() and worker is not None and worker.alive:
                worker.process.kill()
                killed.append(worker.process.pid)
                return
            threading.Event().wait(0.001)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_a_failing_and_a_killed_speech_engine_do_not_stop_the_assistant(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = make_recording(LINES, tmp_path / "parent.wav")
    running = build(
        Settings(),
        load_content(DEFAULT_CONTENT_DIR),
        output_dir=tmp_path / "out",
        with_reminders=False,
    )
    synth = running.channel.synthesizer
    good_voice = synth.voice
    killed: list[int] = []
    watchers: list[threading.Thread] = []

    def faulty(frames: Iterator[Frame]) -> Iterator[Frame]:
        # Replies are synthesised before the next frame is read (non-real-time replay), so the
        # number of finished turns says exactly which utterance comes next.
        for frame in frames:
            done = sum(e["event"] == "turn" for e in running.assistant.transcript.events)
            if done == 1 and synth.voice == good_voice and not killed:
                synth.voice = dataclasses.replace(good_voice, voice="no-such-voice")
            elif done == 2 and synth.voice != good_voice:
                synth.voice = good_voice
                watchers.append(_kill_worker_while_busy(synth, killed))
            yield frame

    try:
        with caplog.at_level(logging.WARNING):
            running.assistant.run(faulty(file_frames(source)))
        after = synth._worker
    finally:
        running.close()
    turns = [e for e in running.assistant.transcript.events if e["event"] == "turn"]
    assert [t["intent"] for t in turns] == ["troubleshoot", "ask_cause", "help"]
    first, failed, last = turns
    assert failed["reply"] and all(f is None for f in failed["reply_files"])
    for turn in (first, last):
        assert all(f is not None for f in turn["reply_files"])
        with wave.open(turn["reply_file"]) as spoken:
            assert spoken.getnframes() / spoken.getframerate() > 1.0
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("cannot speak" in m and "'no-such-voice' is not available" in m for m in errors)
    assert len(killed) == 1 and after is not None and after.process.pid != killed[0]
    with pytest.raises(ProcessLookupError):
        os.kill(killed[0], 0)  # the killed engine is gone (and was reaped), a new one took over
