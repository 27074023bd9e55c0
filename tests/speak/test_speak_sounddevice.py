"""SoundDeviceSink on a real PortAudio device: a private PulseAudio server with a null sink."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from voice_helper import PROJECT_ROOT

PLAY_AND_CUT = """
import json, sys, threading, time
from pathlib import Path
from voice_helper.errors import AudioError
from voice_helper.speak.sinks import SoundDeviceSink
from voice_helper.speak.tts import SpeechSynthesizer

with SpeechSynthesizer() as synth:
    clip = synth.synthesize("Let your shoulders drop and breathe out slowly, all the way.",
                            Path(sys.argv[1]))
try:
    sink = SoundDeviceSink()
except AudioError as exc:
    print(json.dumps({"no_device": str(exc)}))
    sys.exit(0)
chunks = []
cancel = threading.Event()
threading.Timer(0.4, cancel.set).start()
began = time.monotonic()
played = sink.play(clip, "reply", cancel, lambda s, r, t: chunks.append((s.size, r)))
ended = time.monotonic()
print(json.dumps({"cut": played.cut, "cut_after_s": ended - began - 0.4, "clip_s": clip.duration_s,
                  "samples": sum(n for n, _ in chunks), "rates": sorted({r for _, r in chunks})}))
"""


@pytest.fixture
def pulse_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment pointing PortAudio at a private PulseAudio server with a null sink."""
    exe = shutil.which("pulseaudio")
    if exe is None:
        pytest.skip("pulseaudio is not installed")
    runtime = tmp_path / "pulse-home"
    runtime.mkdir()
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), HOME=str(runtime))
    server = subprocess.Popen(
        [exe, "--daemonize=no", "--exit-idle-time=-1", "-n", "--log-level=error",
         "--load=module-native-protocol-unix", "--load=module-null-sink sink_name=speaker"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    socket = runtime / "pulse" / "native"
    deadline = time.monotonic() + 5
    while not socket.exists() and server.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        if not socket.exists():
            pytest.skip("the private PulseAudio server did not start")
        yield dict(env, PULSE_SERVER=f"unix:{socket}")
    finally:
        server.terminate()
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_sound_device_sink_plays_and_cuts_quickly(
    pulse_env: dict[str, str], tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PLAY_AND_CUT, str(tmp_path / "clip.wav")],
        env=pulse_env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    report = json.loads(done.stdout.splitlines()[-1])
    if "no_device" in report:
        pytest.skip(f"PortAudio sees no output device: {report['no_device']}")
    assert report["cut"] is True
    assert report["cut_after_s"] < 0.3
    assert report["clip_s"] > 2.0
    assert report["samples"] > 0  # the echo-reference hook saw what was played
    assert len(report["rates"]) == 1
