"""The recogniser as the loop uses it: held to what makes sense now, and never fatal."""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from voice_helper.assistant.turns import TurnTaker
from voice_helper.listen.command_grammar import recognition_grammar
from voice_helper.listen.engine import RecognitionGrammar, SpeechEngine, Transcript

_LOGGER = logging.getLogger(__name__)


class Recogniser:
    """One speech engine, narrowed to the sentences of this step, recreated when it fails."""

    def __init__(
        self,
        engine: SpeechEngine,
        turns: TurnTaker,
        engine_factory: Callable[[], SpeechEngine] | None = None,
    ):
        self.engine = engine
        self.turns = turns
        self.engine_factory = engine_factory
        self.failures = 0
        """How many times the engine failed (and was recreated, when it could be)."""
        self._grammars: dict[tuple[frozenset[str], bool], RecognitionGrammar] = {}
        self._grammar_for: tuple[frozenset[str], bool] | None = None

    def narrow(self, allowed: frozenset[str], wake: bool = False) -> None:
        """Hold the engine to the sentences of the intents that make sense now."""
        key = (allowed, wake)
        if key == self._grammar_for:
            return
        grammar = self._grammars.get(key)
        if grammar is None:
            grammar = recognition_grammar(
                self.turns.matcher.templates,
                set(allowed),
                meaning=self.turns.matcher.meaning,
                keep_free=self.turns.matcher.safety_heard,
            )
            if wake and self.turns.wake_tokens:
                grammar = grammar.with_sentence(tuple(self.turns.wake_tokens))
            self._grammars[key] = grammar
        self.engine.set_grammar(grammar)
        self._grammar_for = key

    def transcribe(self, samples: np.ndarray, allowed: frozenset[str] | None = None) -> str:
        """The words heard; empty if the recogniser failed."""
        return self.recognise(samples, allowed).text

    def recognise(self, samples: np.ndarray, allowed: frozenset[str] | None = None) -> Transcript:
        """Recognise speech; a recogniser that fails is logged and recreated, never fatal."""
        try:
            expected = frozenset(self.turns.dialogue.expected_intents())
            self.narrow(allowed or expected, wake=allowed is None and not self.turns.awake())
            return self.engine.transcribe(samples)
        except Exception:
            self.failures += 1
            _LOGGER.exception("the recogniser failed; recreating it")
            if self.engine_factory is not None:
                try:
                    self.engine = self.engine_factory()
                    self._grammar_for = None  # the new engine has no grammar yet
                except Exception:
                    _LOGGER.exception("could not recreate the recogniser; will retry")
            return Transcript(text="", confidence=None, engine="failed")

    def is_stop(self, samples: np.ndarray) -> bool:
        """True when the speech is a stop command (heard while we were speaking)."""
        # Held to every sentence that makes sense now, not to stop words alone: with nothing to
        # compete against, any short sound would be forced into "stop".
        text = self.transcribe(samples)
        stop = self.turns.is_stop(text)
        _LOGGER.debug("heard while speaking: %r (stop=%s)", text, stop)
        return stop
