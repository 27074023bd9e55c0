"""The Moonshine engine: tiny English weights shipped inside the moonshine-voice wheel."""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np

from voice_helper.errors import ModelMissing
from voice_helper.listen.audio import SAMPLE_RATE, to_float32
from voice_helper.listen.transcript import SpeechEngine, Transcript

_LOGGER = logging.getLogger(__name__)

_REINSTALL = "reinstall it with: pip install --force-reinstall moonshine-voice==0.1.0"
_MIN_SAMPLES = SAMPLE_RATE // 10  # shorter than 100 ms cannot hold a word


class MoonshineEngine(SpeechEngine):
    """Free-form English speech to text with Moonshine tiny."""

    name = "moonshine"

    def __init__(self, model_name: str = "tiny-en"):
        started = time.monotonic()
        try:
            from moonshine_voice import ModelArch, Transcriber, get_model_path
        except (ImportError, OSError) as exc:
            raise ModelMissing(f"The moonshine-voice package cannot be loaded ({exc}); "
                               f"{_REINSTALL}") from exc
        model_path = get_model_path(model_name)
        if not (model_path / "encoder_model.ort").is_file():
            raise ModelMissing(f"The Moonshine {model_name} weights are missing from "
                               f"{model_path}; {_REINSTALL}")
        try:
            self._transcriber: Any = Transcriber(str(model_path), ModelArch.TINY)
            self._force_update = int(Transcriber.MOONSHINE_FLAG_FORCE_UPDATE)
        except Exception as exc:  # MoonshineError, or a ctypes failure
            raise ModelMissing(f"The Moonshine {model_name} model at {model_path} could not be "
                               f"loaded ({exc}); {_REINSTALL}") from exc
        self.load_seconds = time.monotonic() - started
        _LOGGER.info("moonshine %s loaded in %.2f s", model_name, self.load_seconds)

    def transcribe(self, samples: np.ndarray) -> Transcript:
        """Recognise one utterance; Moonshine reports no confidence."""
        audio = to_float32(samples)
        if audio.size < _MIN_SAMPLES:
            return Transcript(text="", confidence=None, engine=self.name)
        # A fresh stream per utterance: transcribe_without_streaming keeps state between calls
        # and then prefixes hallucinated words ("Thank you", "The first") to later utterances.
        stream = self._transcriber.create_stream()
        try:
            stream.start()
            stream.add_audio(audio.tolist(), SAMPLE_RATE)
            stream.stop()
            result = stream.update_transcription(self._force_update)
        finally:
            stream.close()
        text = " ".join(line.text.strip() for line in result.lines if line.text.strip())
        return Transcript(text=text, confidence=None, engine=self.name)

    def set_phrases(self, phrases: list[str] | None) -> None:
        """Moonshine cannot be held to a grammar; the intent matcher does the narrowing."""

    def reset(self) -> None:
        """Nothing to reset: each utterance is decoded on its own."""

    def close(self) -> None:
        """Free the native model."""
        self._transcriber.close()
