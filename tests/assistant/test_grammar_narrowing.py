"""The recogniser is held to what makes sense at each step (vosk's grammars come from here)."""

import numpy as np

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.assistant.build import build
from voice_helper.assistant.demo import make_recording
from voice_helper.config import Settings
from voice_helper.content import load_content
from voice_helper.listen.audio import file_frames
from voice_helper.listen.engine import SpeechEngine, Transcript
from voice_helper.listen.moonshine_engine import MoonshineEngine


class RecordingPhrases(SpeechEngine):
    """The real Moonshine engine, noting each grammar the assistant asks for."""

    name = "moonshine"

    def __init__(self) -> None:
        self.real = MoonshineEngine()
        self.grammars: list[list[str] | None] = []

    def transcribe(self, samples: np.ndarray) -> Transcript:
        return self.real.transcribe(samples)

    def set_phrases(self, phrases: list[str] | None) -> None:
        self.grammars.append(phrases)

    def reset(self) -> None:
        self.real.reset()


def test_grammar_follows_the_dialogue_step(tmp_path):
    engine = RecordingPhrases()
    source = make_recording(["why is no milk coming out", "stop"], tmp_path / "rec.wav")
    running = build(
        Settings(),
        load_content(DEFAULT_CONTENT_DIR),
        output_dir=tmp_path / "out",
        with_reminders=False,
        engine=engine,
    )
    try:
        running.assistant.run(file_frames(source))
    finally:
        running.close()
    idle, in_question = engine.grammars[0], engine.grammars[1]
    assert "why is no milk coming out" in idle
    assert "yes" not in idle  # no question is open: a bare yes is not even listened for
    assert "yes" in in_question and "no" in in_question and "stop" in in_question
    assert "remind me to pump every" in in_question
