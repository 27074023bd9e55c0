"""The microphone disappears and comes back: frames resume after a reconnect with back-off."""

import itertools
import subprocess
import threading
import time

from tests.assistant.test_pulse_echo import pulse_env  # noqa: F401  (fixtures)
from tests.listen.conftest import pulse_null_sink  # noqa: F401
from voice_helper.assistant.microphone import reconnecting_frames
from voice_helper.listen.audio import Microphone


def _pactl(*args):
    return subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=20, check=False)


def test_microphone_lost_and_found(pulse_env):  # noqa: F811
    sink = pulse_env
    module = next(
        line.split("\t")[0]
        for line in _pactl("list", "short", "modules").stdout.splitlines()
        if f"sink_name={sink}" in line
    )
    stop = threading.Event()
    states: list[str] = []
    frames = []

    def record():
        for frame in reconnecting_frames(
            lambda: Microphone("pulse"),
            stop,
            first_delay_s=0.2,
            max_delay_s=1.0,
            on_state=states.append,
        ):
            frames.append(frame)  # noqa: PERF402 - the test thread watches the list grow

    worker = threading.Thread(target=record, daemon=True)
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while len(frames) < 20:
            assert time.monotonic() < deadline, "no audio from the virtual microphone"
            time.sleep(0.05)
        assert _pactl("unload-module", module).returncode == 0  # the device is gone
        deadline = time.monotonic() + 20
        while "lost" not in states:
            assert time.monotonic() < deadline, "the loss was never noticed"
            time.sleep(0.1)
        before = len(frames)
        loaded = _pactl(
            "load-module", "module-null-sink", f"sink_name={sink}", "rate=16000", "channels=1"
        )
        assert loaded.returncode == 0, loaded.stderr
        deadline = time.monotonic() + 30
        while len(frames) < before + 20:
            assert time.monotonic() < deadline, "the microphone never came back"
            time.sleep(0.1)
    finally:
        stop.set()
        worker.join(timeout=10)
    assert states[0] == "open" and "lost" in states and states[-1] == "open"
    starts = [f.start_s for f in frames]
    assert all(
        a < b for a, b in itertools.pairwise(starts)
    )  # one continuous stream for the endpointer
