"""What a speech engine returns, and the one interface every engine implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Transcript:
    """The words an engine heard in one utterance."""

    text: str
    """What was said, as the engine spells it; empty when nothing was recognised."""
    confidence: float | None
    """0..1 when the engine reports one (vosk), else None (moonshine)."""
    engine: str
    """Name of the engine that produced it: "vosk" or "moonshine"."""


class SpeechEngine(ABC):
    """Turns one utterance of 16 kHz mono audio into text."""

    name: str = "engine"
    """Short name used in logs, `doctor` and Transcript.engine."""

    @abstractmethod
    def transcribe(self, samples: np.ndarray) -> Transcript:
        """Recognise one utterance (int16, or float32 in -1..1, at 16 kHz)."""

    @abstractmethod
    def set_phrases(self, phrases: list[str] | None) -> None:
        """Limit recognition to these phrases (None: anything); engines may ignore it."""

    @abstractmethod
    def reset(self) -> None:
        """Forget any partly decoded audio."""
