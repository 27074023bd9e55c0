"""An answer said over the end of the question is acted on: the reply stops, the answer counts.

The replies are paced WAV files here, so the microphone (a recording) cannot hear them: what it
hears over a reply is hers. tests/assistant/test_pulse_echo.py does the same through a real
PulseAudio loopback, where the echo canceller has to tell her voice from ours.
"""

import threading
import time
from collections.abc import Iterator

import numpy as np

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.assistant.build import build
from voice_helper.assistant.demo import make_recording
from voice_helper.config import Settings
from voice_helper.content import load_content
from voice_helper.listen.audio import SAMPLE_RATE, Frame, frames_from_samples
from voice_helper.speak.paced import PacedWavDirSink
from voice_helper.speak.sinks import Played, WavDirSink
from voice_helper.wavfile import load_wav_16k

CONTENT = load_content(DEFAULT_CONTENT_DIR)


class TimedSink(PacedWavDirSink):
    """Paced WAV files that note when each clip starts playing and how long it is."""

    def __init__(self, directory):
        super().__init__(WavDirSink(directory))
        self.started: list[tuple[float, float]] = []
        self.playing = threading.Event()

    def play(self, clip, kind, cancel, on_chunk=None) -> Played:
        self.started.append((time.monotonic(), clip.duration_s))
        self.playing.set()
        return super().play(clip, kind, cancel, on_chunk)


def spoken_part(samples: np.ndarray) -> np.ndarray:
    """The samples from the first to the last loud one (the recording's pauses dropped)."""
    loud = np.flatnonzero(np.abs(samples) > 0.02)
    return samples[loud[0] : loud[-1] + 1]


def over_the_end(
    sink: TimedSink, question: np.ndarray, answer: np.ndarray, lead_s: float, plan: dict
) -> Iterator[Frame]:
    """The question, quiet, then the answer begun `lead_s` before the first reply ends.

    Frames are paced in real time by Assistant.run, so stream time follows the wall clock.
    """
    origin = time.monotonic()
    yield from frames_from_samples(question)
    at_s = question.size / SAMPLE_RATE
    quiet = np.zeros(480, np.float32)
    while True:
        # On the wall clock: when recognition holds the loop up, frames are taken in bursts.
        if sink.started:
            wall, duration = sink.started[0]
            if time.monotonic() >= wall + duration - lead_s:
                plan["reply_end_s"] = wall + duration - origin
                break
        assert at_s < 60, "the reply never started"
        yield from frames_from_samples(quiet, at_s)
        at_s += 0.03
    # When she stops talking: the answer's frames are taken in real time from here (a loop held up
    # by recognition takes them late, in a burst, but she said them on time).
    plan["answer_end_s"] = time.monotonic() - origin + answer.size / SAMPLE_RATE
    yield from frames_from_samples(answer, at_s)
    at_s += answer.size / SAMPLE_RATE
    yield from frames_from_samples(np.zeros(SAMPLE_RATE * 4, np.float32), at_s)


def test_no_said_over_the_last_second_of_the_question_is_acted_on(tmp_path):
    question = load_wav_16k(make_recording(["why is no milk coming out"], tmp_path / "q.wav"))
    answer = spoken_part(load_wav_16k(make_recording(["no"], tmp_path / "no.wav")))
    sink = TimedSink(tmp_path / "out")
    running = build(
        Settings(), CONTENT, output_dir=tmp_path / "out", with_reminders=False, sink=sink
    )
    plan: dict = {}
    try:
        running.assistant.run(over_the_end(sink, question, answer, 1.0, plan), realtime=True)
    finally:
        running.close()
    assert plan["answer_end_s"] < plan["reply_end_s"]  # said wholly over the question
    events = running.assistant.transcript.events
    turns = [e for e in events if e["event"] == "turn"]
    assert [t["intent"] for t in turns] == ["troubleshoot", "no"]
    (over,) = [e for e in events if e["event"] == "answer_over_reply"]
    assert over["intent"] == "no"  # (whether the reply was still on when it was understood
    # depends on the machine's speed; benchmarks/conversation_bench.py measures it)
    assert running.assistant.turns.dialogue.state.question == 1  # on to the second question
    assert turns[1]["reply"] == CONTENT.causes[1].question


def test_talk_to_someone_else_over_the_reply_does_not_stop_it(tmp_path):
    question = load_wav_16k(make_recording(["why is no milk coming out"], tmp_path / "q.wav"))
    aside = spoken_part(
        load_wav_16k(make_recording(["can you hold the baby for a second"], tmp_path / "aside.wav"))
    )
    sink = TimedSink(tmp_path / "out")
    running = build(
        Settings(), CONTENT, output_dir=tmp_path / "out", with_reminders=False, sink=sink
    )
    plan: dict = {}
    try:
        running.assistant.run(over_the_end(sink, question, aside, 4.0, plan), realtime=True)
    finally:
        running.close()
    events = running.assistant.transcript.events
    assert [e["intent"] for e in events if e["event"] == "turn"] == ["troubleshoot"]
    assert not [e for e in events if e["event"] in ("answer_over_reply", "barge_in")]
    assert running.assistant.turns.dialogue.state.question == 0
