"""What a speech engine returns, and the one interface every engine implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

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
    in_grammar: bool = False
    """The text is a sentence of the grammar the engine was given (Moonshine's grammar pass)."""
    may_continue: bool = True
    """A longer grammar sentence starts with these words ("every hour" ... "and a half"), or
    the engine cannot tell; False only for a grammar sentence that nothing can extend."""


MeaningOf = Callable[[str], Hashable]
"""Text -> a value equal for sentences that would do the same thing."""


@dataclass(frozen=True)
class RecognitionGrammar:
    """What a recogniser may expect to hear: whole sentences whose slots name phrase lists."""

    sentences: tuple[tuple[str, ...], ...]
    """Lower-case words; a word that names a slot stands for any phrase of that slot."""
    slots: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(slot marker, its phrases): ("<duration>", ("ten minutes", "an hour", ...))."""
    meaning: MeaningOf | None = field(default=None, compare=False, hash=False)
    """Text -> a value equal for sentences that would do the same thing (None: same words)."""
    careful: frozenset[Hashable] = field(default=frozenset(), compare=False, hash=False)
    """Meanings a recogniser should be surer of before choosing them (a bare yes or no)."""
    keep_free: Callable[[str], bool] | None = field(default=None, compare=False, hash=False)
    """Free transcripts no grammar sentence may replace (a crisis or warning sign heard)."""

    @property
    def slot_phrases(self) -> dict[str, tuple[str, ...]]:
        """Slot marker -> its phrases."""
        return dict(self.slots)

    def with_sentence(self, words: tuple[str, ...]) -> RecognitionGrammar:
        """The same grammar, one sentence more (a wake phrase)."""
        return RecognitionGrammar(
            (words, *self.sentences), self.slots, self.meaning, self.careful, self.keep_free
        )

    def phrases(self) -> list[str]:
        """A flat phrase list: sentences cut at their slots, plus every slot phrase (vosk).

        vosk decodes any sequence of the listed phrases, so "remind me to pump every" plus
        "three hours" covers every duration without multiplying the sentences by each one.
        """
        slots = self.slot_phrases
        found: dict[str, None] = {}
        for sentence in self.sentences:
            part: list[str] = []
            for word in sentence:
                if word in slots:
                    if part:
                        found[" ".join(part)] = None
                    part = []
                else:
                    part.append(word)
            if part:
                found[" ".join(part)] = None
        used = {word for sentence in self.sentences for word in sentence if word in slots}
        for name, phrases in self.slots:
            if name in used:
                found.update(dict.fromkeys(phrases))
        return list(found)


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

    def set_grammar(self, grammar: RecognitionGrammar | None) -> None:
        """Expect these sentences (None: anything); by default as a flat phrase list."""
        self.set_phrases(None if grammar is None else grammar.phrases())

    @abstractmethod
    def reset(self) -> None:
        """Forget any partly decoded audio."""
