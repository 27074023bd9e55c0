"""SIGKILL of `voice-helper run` at the worst moments, then a restart: every reminder is either
heard once or reported missed once; none is lost and none is said twice.

The process is the real one: reminders on the real scheduler and SQLite files, speech through
the real TTS into a sink that takes as long as the speech (`--realtime --output`), listening to
silence on stdin. (The scheduler alone, killed between its store update and the hand-over, is in
tests/remind/test_crash.py; seven simulated days with a kill in tests/remind/test_simulation.py.)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from voice_helper import PROJECT_ROOT
from voice_helper.config import APP_NAME
from voice_helper.remind.control import NotRunning, send_request, socket_path_for
from voice_helper.remind.delivery_log import Occurrence
from voice_helper.remind.reminder_log import ReminderLog

SILENCE = np.zeros(480 * 10, np.int16).tobytes()  # 0.3 s


def _wait_for(what: str, check: Callable[[], Any], timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)
    return found


class RunningAssistant:
    """`voice-helper -v run --raw-stdin --realtime --output OUT` in a private home."""

    def __init__(self, home: Path, name: str):
        self.home, self.out = home, home / name
        self.stderr_path = home / f"{name}.stderr"
        self.socket = socket_path_for(home / "data", home / "run" / APP_NAME)
        env = dict(
            os.environ,
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / "config"),
            VOICE_HELPER_DATA_DIR=str(home / "data"),
            XDG_RUNTIME_DIR=str(home / "run"),
        )
        with self.stderr_path.open("wb") as stderr:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "voice_helper",
                    "-v",
                    "run",
                    "--raw-stdin",
                    "--realtime",
                    "--output",
                    str(self.out),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                env=env,
                cwd=PROJECT_ROOT,
            )
        threading.Thread(target=self._listen_to_silence, daemon=True).start()
        _wait_for("the assistant to start", self._answers)

    def _listen_to_silence(self) -> None:
        assert self.process.stdin is not None
        try:
            while self.process.poll() is None:
                self.process.stdin.write(SILENCE)  # blocks while the assistant keeps pace
                self.process.stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass

    def _answers(self) -> bool:
        assert self.process.poll() is None, self.stderr_path.read_text()
        try:
            return bool(send_request(self.socket, {"op": "ping"}, timeout=2)["ok"])
        except (NotRunning, OSError):
            return False

    def remind_in(self, seconds: int) -> str:
        """Add a one-off pump reminder over the control socket; its job id."""
        reply = send_request(self.socket, {"op": "add", "kind": "pump", "in_seconds": seconds})
        assert reply["ok"], reply
        return str(reply["reminder"]["id"])

    def announcements(self) -> list[dict[str, Any]]:
        """What this run has finished saying, from its transcript."""
        path = self.out / "transcript.jsonl"
        lines = path.read_text().splitlines() if path.exists() else []
        return [e for e in map(json.loads, lines) if e["event"] == "announcement"]

    def log(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=20)


def _occurrences(home: Path) -> list[Occurrence]:
    log = ReminderLog(home / "data", read_only=True)
    try:
        return log.occurrences()
    finally:
        log.close()


def _state(home: Path, job_id: str) -> str | None:
    return next((o.state for o in _occurrences(home) if o.job_id == job_id), None)


def test_killed_at_three_moments_nothing_lost_nothing_said_twice(tmp_path: Path) -> None:
    (tmp_path / "config" / APP_NAME).mkdir(parents=True)
    (tmp_path / "config" / APP_NAME / "config.yaml").write_text(
        "quiet_hours:\n  enabled: false\n"
    )  # the test must not depend on the time of day

    # 1. Killed right after the scheduler handed a reminder to the speech channel.
    first = RunningAssistant(tmp_path, "run1")
    handed = first.remind_in(1)
    _wait_for("the hand-over", lambda: _state(tmp_path, handed) == "handed")
    first.kill()
    assert _state(tmp_path, handed) == "handed" and first.announcements() == []

    # 2. Killed while the reminder is being spoken (synthesised, now playing).
    second = RunningAssistant(tmp_path, "run2")
    _wait_for("the start-up summary", second.announcements)
    speaking = second.remind_in(1)
    _wait_for(
        "speech to start",
        lambda: "synthesised" in second.log() and "for 'Time to pump." in second.log(),
    )
    second.kill()
    assert _state(tmp_path, speaking) == "handed"
    assert [a["kind"] for a in second.announcements()] == ["summary"]

    # 3. A reminder is heard in full; then, idle with one reminder still ahead, killed.
    third = RunningAssistant(tmp_path, "run3")
    _wait_for("the start-up summary", third.announcements)
    heard = third.remind_in(1)
    _wait_for("the reminder to be heard", lambda: _state(tmp_path, heard) == "spoken")
    ahead = third.remind_in(3600)
    third.kill()

    # 4. A clean run: nothing to report, the reminder ahead is still set.
    fourth = RunningAssistant(tmp_path, "run4")
    listed = send_request(fourth.socket, {"op": "list"})["reminders"]
    assert [r["id"] for r in listed] == [ahead]
    assert fourth.stop() == 0
    assert "Traceback" not in fourth.log()

    runs = (first, second, third, fourth)
    said = [(run.out.name, a["kind"], a["text"]) for run in runs for a in run.announcements()]
    summary = "While I was off, one pump reminder was due. It was at "
    assert [(name, kind) for name, kind, _ in said] == [
        ("run2", "summary"),
        ("run3", "summary"),
        ("run3", "pump"),
    ]
    assert said[0][2].startswith(summary) and said[1][2].startswith(summary)
    assert said[2][2].startswith("Time to pump.")
    states = {o.job_id: o.state for o in _occurrences(tmp_path) if o.kind == "pump"}
    assert states == {handed: "reported", speaking: "reported", heard: "spoken"}


def test_sigterm_during_start_up_stops_cleanly(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        VOICE_HELPER_DATA_DIR=str(tmp_path / "data"),
        XDG_RUNTIME_DIR=str(tmp_path / "run"),
    )
    stderr_path = tmp_path / "stderr"
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
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
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
            cwd=PROJECT_ROOT,
        )
    try:
        # The recogniser is loaded first; the speech engine and the reminders are still to come.
        _wait_for("the recogniser", lambda: "loaded" in stderr_path.read_text())
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0, stderr_path.read_text()
    finally:
        if process.poll() is None:
            process.kill()
    assert "Traceback" not in stderr_path.read_text()
    assert list((tmp_path / "run").rglob("*.sock")) == []  # the reminders were shut down
