"""Barge-in: "stop" said over a reply cuts it within 300 ms; the reply itself never does."""

import numpy as np

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.assistant.build import build
from voice_helper.assistant.demo import make_recording
from voice_helper.config import Settings
from voice_helper.content import load_content
from voice_helper.listen.audio import SAMPLE_RATE, frames_from_samples
from voice_helper.wavfile import load_wav_16k

CONTENT = load_content(DEFAULT_CONTENT_DIR)


def _speech_end_s(samples: np.ndarray, after_s: float) -> float:
    """Where the last loud sample after `after_s` is, in seconds."""
    start = int(after_s * SAMPLE_RATE)
    loud = np.flatnonzero(np.abs(samples[start:]) > 0.05)
    return (start + loud[-1]) / SAMPLE_RATE


def _replay_paced(audio: np.ndarray, tmp_path):
    """Run the assistant on audio paced in real time, replies "played" at real speed."""
    running = build(
        Settings(), CONTENT, output_dir=tmp_path / "out", with_reminders=False, paced_output=True
    )
    try:
        running.assistant.run(frames_from_samples(audio), realtime=True)
    finally:
        running.close()
    return running


def test_stop_said_during_a_reply_cuts_it_quickly(tmp_path):
    question = load_wav_16k(make_recording(["why is no milk coming out"], tmp_path / "q.wav"))
    stop = load_wav_16k(make_recording(["stop"], tmp_path / "s.wav"))
    # The reply (intro and first question) takes about 12 s; say "stop" 3 s into it.
    gap = np.zeros(int(SAMPLE_RATE * 3.5), np.float32)
    audio = np.concatenate([question, gap, stop, np.zeros(SAMPLE_RATE * 2, np.float32)])
    stop_end_s = _speech_end_s(audio, question.size / SAMPLE_RATE + gap.size / SAMPLE_RATE)
    running = _replay_paced(audio, tmp_path)
    events = running.assistant.transcript.events
    (barge,) = [e for e in events if e["event"] == "barge_in"]
    print(f"cut {1000 * (barge['at_s'] - stop_end_s):.0f} ms after the end of 'stop'")
    stop_start_s = (question.size + gap.size) / SAMPLE_RATE
    assert stop_start_s < barge["at_s"] < stop_end_s + 0.3
    (turn,) = [e for e in events if e["event"] == "turn"]
    assert turn["intent"] == "troubleshoot"
    assert turn["reply_files"][0].endswith("0001-reply.wav")
    assert running.assistant.turns.dialogue.active is False


def test_the_reply_does_not_interrupt_itself_without_a_stop(tmp_path):
    question = load_wav_16k(make_recording(["why is no milk coming out"], tmp_path / "q.wav"))
    audio = np.concatenate([question, np.zeros(SAMPLE_RATE * 14, np.float32)])
    running = _replay_paced(audio, tmp_path)
    events = running.assistant.transcript.events
    assert [e["event"] for e in events] == ["turn"]
    assert running.assistant.turns.dialogue.active is True
