"""The vosk (Kaldi) engine: a downloaded model, optionally held to a grammar of phrases."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np

from voice_helper.errors import ModelMissing
from voice_helper.listen.audio import SAMPLE_RATE, to_int16
from voice_helper.listen.engine import SpeechEngine, Transcript

_LOGGER = logging.getLogger(__name__)

FETCH_HINT = "run `voice-helper models fetch` to install the English model"
UNKNOWN_WORD = "[unk]"
_CHUNK_SAMPLES = 8000
RECREATE_AFTER_UTTERANCES = 200
"""A fresh KaldiRecognizer after this many utterances: the memory of an always-on recogniser
creeps up with the decoder and adaptation state it keeps, and a new one from the loaded model
costs milliseconds."""
RECREATE_AFTER_AUDIO_S = 30 * 60.0
"""... or after this much decoded audio, whichever comes first."""


def vosk_model_problems(path: Path) -> list[str]:
    """What is missing from a vosk model directory; empty when it looks complete."""
    if not path.is_dir():
        return [f"{path} is not a directory"]
    problems = [
        f"{name} is missing"
        for name in ("am/final.mdl", "conf/model.conf")
        if not (path / name).is_file()
    ]
    static = (path / "graph/HCLG.fst").is_file()
    dynamic = all((path / "graph" / name).is_file() for name in ("HCLr.fst", "Gr.fst"))
    if not (static or dynamic):
        problems.append("graph/HCLG.fst (or graph/HCLr.fst with graph/Gr.fst) is missing")
    return problems


def supports_grammar(path: Path) -> bool:
    """True when the model has a runtime (lookahead) graph, which grammars need."""
    return all((path / "graph" / name).is_file() for name in ("HCLr.fst", "Gr.fst"))


class VoskEngine(SpeechEngine):
    """Speech to text with a vosk model directory."""

    name = "vosk"

    def __init__(
        self,
        model_dir: Path | str,
        *,
        recreate_after_utterances: int = RECREATE_AFTER_UTTERANCES,
        recreate_after_audio_s: float = RECREATE_AFTER_AUDIO_S,
    ):
        self.model_dir = Path(model_dir)
        self.recreate_after_utterances = recreate_after_utterances
        self.recreate_after_audio_s = recreate_after_audio_s
        self.recreated = 0
        """Recognisers replaced on schedule so far."""
        self._utterances = 0
        self._audio_s = 0.0
        problems = vosk_model_problems(self.model_dir)
        if problems:
            raise ModelMissing(
                f"No usable vosk model at {self.model_dir} ({'; '.join(problems)}); {FETCH_HINT}."
            )
        import vosk

        vosk.SetLogLevel(-1)
        self._vosk: Any = vosk
        try:
            self._model = vosk.Model(str(self.model_dir))
        except Exception as exc:  # vosk raises a bare Exception when Kaldi cannot load a file
            raise ModelMissing(
                f"The vosk model at {self.model_dir} could not be loaded; it may "
                f"be damaged: run `voice-helper models verify`, then "
                f"`voice-helper models fetch` again."
            ) from exc
        self.grammar_capable = supports_grammar(self.model_dir)
        self.has_unknown_word = self.knows_word(UNKNOWN_WORD)
        self.grammar: list[str] | None = None
        """Phrases the recogniser is held to now (None: free-form)."""
        self._recognizer = self._new_recognizer()
        _LOGGER.info(
            "vosk model loaded from %s (grammar %s)",
            self.model_dir,
            "supported" if self.grammar_capable else "not supported: static graph",
        )

    def knows_word(self, word: str) -> bool:
        """True when the word is in the model's vocabulary."""
        return int(self._model.vosk_model_find_word(word)) >= 0

    def set_phrases(self, phrases: list[str] | None) -> None:
        """Hold recognition to these phrases (plus [unk] when the model has it); None frees it."""
        grammar = None if phrases is None else self._usable_phrases(phrases)
        if grammar is not None and not self.grammar_capable:
            _LOGGER.warning(
                "the vosk model at %s has no runtime graph; ignoring the grammar", self.model_dir
            )
            grammar = None
        if grammar == self.grammar:
            return
        self.grammar = grammar
        self._recognizer = self._new_recognizer()

    def _usable_phrases(self, phrases: list[str]) -> list[str] | None:
        """Normalised phrases whose every word the model knows; vosk would drop unknown words
        silently from inside a phrase, which changes its meaning, so the whole phrase goes."""
        kept: list[str] = []
        unknown: set[str] = set()
        for phrase in phrases:
            words = phrase.lower().split()
            missing = [w for w in words if not self.knows_word(w)]
            if not words or missing:
                unknown.update(missing)
                continue
            normalised = " ".join(words)
            if normalised not in kept:
                kept.append(normalised)
        if unknown:
            _LOGGER.info(
                "vosk grammar: left out %d phrase(s) with words the model does not know: %s",
                len(phrases) - len(kept),
                ", ".join(sorted(unknown)[:20]),
            )
        if not kept:
            _LOGGER.warning("vosk grammar: no phrase is usable; recognising free-form speech")
            return None
        return kept

    def _new_recognizer(self) -> Any:
        self._utterances, self._audio_s = 0, 0.0
        try:
            if self.grammar is None:
                recognizer = self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
            else:
                entries = self.grammar + ([UNKNOWN_WORD] if self.has_unknown_word else [])
                recognizer = self._vosk.KaldiRecognizer(
                    self._model, SAMPLE_RATE, json.dumps(entries, ensure_ascii=False)
                )
        except Exception as exc:  # a truncated graph loads as a model but fails here
            raise ModelMissing(
                f"The vosk model at {self.model_dir} could not be used; it may be "
                f"damaged: run `voice-helper models verify`, then "
                f"`voice-helper models fetch --force`."
            ) from exc
        recognizer.SetWords(True)
        return recognizer

    def _recreate_when_due(self, seconds: float) -> None:
        """Count decoded audio; replace the recogniser when the schedule says so."""
        self._utterances += 1
        self._audio_s += seconds
        if (
            self._utterances >= self.recreate_after_utterances
            or self._audio_s >= self.recreate_after_audio_s
        ):
            _LOGGER.debug(
                "new vosk recogniser after %d utterances, %.0f s of audio",
                self._utterances,
                self._audio_s,
            )
            self._recognizer = self._new_recognizer()
            self.recreated += 1

    def transcribe(self, samples: np.ndarray) -> Transcript:
        """Decode one utterance and return its text and mean word confidence."""
        pcm = to_int16(samples)
        for start in range(0, pcm.size, _CHUNK_SAMPLES):
            self._recognizer.AcceptWaveform(pcm[start : start + _CHUNK_SAMPLES].tobytes())
        result = json.loads(self._recognizer.FinalResult())
        self._recreate_when_due(pcm.size / SAMPLE_RATE)
        words = [w for w in result.get("result", []) if w.get("word") != UNKNOWN_WORD]
        text = " ".join(w for w in str(result.get("text", "")).split() if w != UNKNOWN_WORD)
        confidence = float(np.mean([float(w.get("conf", 0.0)) for w in words])) if words else None
        return Transcript(text=text, confidence=confidence, engine=self.name)

    def reset(self) -> None:
        """Drop partly decoded audio."""
        self._recognizer.Reset()
