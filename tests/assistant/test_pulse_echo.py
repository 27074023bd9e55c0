"""The real audio path: replies play into a PulseAudio null sink, the microphone is its monitor.

The user's voice is played into the same sink, so the microphone hears both, as in a room.
Echo cancellation must keep the reply (which itself says "say stop at any time") from
stopping itself, and still let a real "stop" through.
"""

import subprocess
import threading
import time

import pytest

from tests.listen.conftest import pulse_null_sink  # noqa: F401  (a fixture)
from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.assistant.build import build
from voice_helper.assistant.demo import make_recording
from voice_helper.config import Settings
from voice_helper.content import load_content
from voice_helper.listen.audio import Microphone
from voice_helper.speak.sinks import SoundDeviceSink

CONTENT = load_content(DEFAULT_CONTENT_DIR)


def _converse(sink_name: str, tmp_path, say_stop_after_s: float | None):
    question = make_recording(["why is no milk coming out"], tmp_path / "q.wav")
    stop = make_recording(["be quiet"], tmp_path / "stop.wav")
    # The parent sits nearer the microphone than the speaker is: her voice reaches it at full
    # level, the reply at half (-6 dB). Both are mixed digitally in the sink, as in a room.
    running = build(
        Settings(volume=0.5),
        CONTENT,
        with_reminders=False,
        echo_cancel=True,
        sink=SoundDeviceSink("pulse"),
    )
    microphone = Microphone("pulse")
    microphone.start()
    worker = threading.Thread(
        target=running.assistant.run,
        args=(microphone.frames(),),
        kwargs={"realtime": True},
        daemon=True,
    )
    worker.start()
    try:
        subprocess.run(["paplay", f"--device={sink_name}", str(question)], check=True, timeout=20)
        assert running.channel.speaking.wait(timeout=15), "the reply never started"
        if say_stop_after_s is not None:
            time.sleep(say_stop_after_s)
            subprocess.run(["paplay", f"--device={sink_name}", str(stop)], check=True, timeout=20)
        deadline = time.monotonic() + 40
        while running.channel.speaking.is_set() or running.channel.pending():
            assert time.monotonic() < deadline, "the reply never ended"
            time.sleep(0.1)
        time.sleep(1.0)
    finally:
        running.assistant.stop()
        microphone.stop()
        worker.join(timeout=10)
        running.close()
    return running


@pytest.fixture
def pulse_env(pulse_null_sink, monkeypatch):  # noqa: F811
    monkeypatch.setenv("PULSE_SINK", pulse_null_sink)
    monkeypatch.setenv("PULSE_SOURCE", f"{pulse_null_sink}.monitor")
    return pulse_null_sink


def test_reply_leaking_into_the_microphone_does_not_stop_itself(pulse_env, tmp_path):
    running = _converse(pulse_env, tmp_path, say_stop_after_s=None)
    events = running.assistant.transcript.events
    turns = [e for e in events if e["event"] == "turn"]
    assert turns and turns[0]["intent"] == "troubleshoot"
    # The short intro no longer says "say stop at any time"; with "Say yes, no, or stop." the
    # reply cut itself in 3 of 11 runs here, so the word is left out of the first reply.
    assert turns[0]["reply"].startswith(CONTENT.intro)
    # Its own "yes or no" was not taken as an answer either (the echo tail after the reply
    # ends is sometimes an utterance that means nothing: a "didn't catch that", no action).
    assert not [t for t in turns[1:] if t["intent"]]
    assert not [e for e in events if e["event"] in ("barge_in", "answer_over_reply")]
    assert running.assistant.turns.dialogue.active  # still waiting for the answer


def test_stop_said_over_the_leaking_reply_still_cuts_it(pulse_env, tmp_path):
    # "be quiet": a lone "stop" over the loud echo was heard as "Stay" in about 1 run in 3
    # (see the README); the two-word stop phrase is recognised every time here.
    running = _converse(pulse_env, tmp_path, say_stop_after_s=3.0)
    events = running.assistant.transcript.events
    assert [e for e in events if e["event"] == "barge_in"]
    assert not running.assistant.turns.dialogue.active
