"""The running process: clean stop on SIGTERM, no network listener, a failing recogniser."""

import os
import signal
import subprocess
import sys
import time

import numpy as np

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.assistant.build import build
from voice_helper.assistant.demo import make_recording
from voice_helper.config import Settings
from voice_helper.content import load_content
from voice_helper.listen.audio import file_frames
from voice_helper.listen.engine import SpeechEngine, Transcript
from voice_helper.netcheck import inet_sockets


def _env(tmp_path):
    env = dict(os.environ)
    env.update(
        HOME=str(tmp_path),
        VOICE_HELPER_DATA_DIR=str(tmp_path / "data"),
        XDG_RUNTIME_DIR=str(tmp_path / "run"),
        XDG_CONFIG_HOME=str(tmp_path / "cfg"),
    )
    return env


def _start(tmp_path):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "voice_helper",
            "run",
            "--raw-stdin",
            "--output",
            str(tmp_path / "out"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(tmp_path),
    )


def _wait_until_listening(proc, tmp_path, timeout=60.0):
    """Feed silence until the assistant has started (its reminders socket exists)."""
    deadline = time.monotonic() + timeout
    silence = np.zeros(1600, np.int16).tobytes()
    while time.monotonic() < deadline:
        proc.stdin.write(silence)
        proc.stdin.flush()
        if list((tmp_path / "data").rglob("*.sqlite*")) or list((tmp_path / "run").rglob("*")):
            time.sleep(0.5)
            return
        time.sleep(0.1)
    raise AssertionError("the assistant did not start")


def test_sigterm_stops_cleanly_within_two_seconds_and_listens_on_no_port(tmp_path):
    proc = _start(tmp_path)
    try:
        _wait_until_listening(proc, tmp_path)
        sockets = inet_sockets(proc.pid)
        assert sockets == [], sockets
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    stderr = proc.stderr.read().decode()
    assert proc.returncode == 0, stderr
    assert took < 2.0
    assert "Traceback" not in stderr
    assert (tmp_path / "out" / "transcript.jsonl").exists()


class FailingOnce(SpeechEngine):
    """A recogniser that raises on its first utterance (the edge we cannot break for real)."""

    name = "failing"

    def __init__(self, real: SpeechEngine):
        self.real = real
        self.calls = 0

    def transcribe(self, samples: np.ndarray) -> Transcript:
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("decoder crashed")
        return self.real.transcribe(samples)

    def set_phrases(self, phrases: list[str] | None) -> None:
        self.real.set_phrases(phrases)

    def reset(self) -> None:
        self.real.reset()


def test_a_failing_recogniser_is_recreated_and_the_next_command_works(tmp_path):
    from voice_helper.listen.moonshine_engine import MoonshineEngine

    content = load_content(DEFAULT_CONTENT_DIR)
    source = make_recording(
        ["why is no milk coming out", "why is no milk coming out"], tmp_path / "two.wav"
    )
    running = build(
        Settings(),
        content,
        output_dir=tmp_path / "out",
        with_reminders=False,
        engine=FailingOnce(MoonshineEngine()),
    )
    try:
        running.assistant.run(file_frames(source))
    finally:
        running.close()
    turns = [e for e in running.assistant.transcript.events if e["event"] == "turn"]
    assert running.assistant.engine_failures == 1
    # The failure hits the first recognition (the early look or the whole utterance); either way
    # the recogniser is recreated and the second command is understood.
    assert len(turns) == 2 and turns[-1]["intent"] == "troubleshoot"
    assert turns[0]["intent"] in (None, "troubleshoot")
