"""The Moonshine engine: tiny English weights shipped inside the moonshine-voice wheel.

Each utterance is decoded twice from one pass of the encoder: freely (what Moonshine thinks was
said) and held to the grammar of the commands that make sense now. The grammar sentence wins when
Moonshine finds it nearly as likely as its own guess, it is not much shorter than that guess, and
no sentence with another meaning comes close; otherwise the free transcript is returned and the
intent matcher judges it. That keeps "snooze" from turning into "sews" over a pump, while speech
that is no command still reads as what it is.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice_helper.errors import ModelMissing
from voice_helper.listen.audio import SAMPLE_RATE, to_float32
from voice_helper.listen.constrained import best_in_grammar, ranking
from voice_helper.listen.engine import (
    MeaningOf,
    RecognitionGrammar,
    SpeechEngine,
    Transcript,
)
from voice_helper.listen.moonshine_model import Decoded, MoonshineModel, MoonshineTokenizer
from voice_helper.listen.token_grammar import TokenGrammar, compile_grammar
from voice_helper.words.normalize import normalize

_LOGGER = logging.getLogger(__name__)

_REINSTALL = "reinstall it with: pip install --force-reinstall moonshine-voice==0.1.0"
_MIN_SAMPLES = SAMPLE_RATE // 10  # shorter than 100 ms cannot hold a word
_COMPILED_KEPT = 16


@dataclass(frozen=True)
class GrammarAcceptance:
    """How the grammar pass searches, and when its sentence beats the free transcript.

    Chosen on the speech benchmark's tuned split only (README, "What each lever gained").
    """

    beam: int = 8
    """Hypotheses kept per token."""
    length_bonus: float = 1.0
    """Added per token to the log-probability, so "It's" does not beat "snooze for ten"."""
    max_gap: float = 7.0
    """How much less likely (natural log) than the free transcript it may be; no length bonus
    here, so a long sentence gets no credit for words the free decoding did not hear."""
    min_length_ratio: float = 0.5
    """Its words over the free transcript's: a short sentence must not explain long speech."""
    min_margin: float = 2.0
    """How much likelier than the best sentence with another meaning it must be."""
    careful_max_gap: float = 3.0
    """max_gap for the grammar's careful meanings (a bare yes or no)."""
    careful_min_margin: float = 3.0
    """min_margin for the grammar's careful meanings."""


def model_directory(model_name: str = "tiny-en") -> Path:
    """Where the moonshine-voice wheel keeps the weights."""
    # Found, not imported: importing moonshine_voice loads its downloader (requests, whose
    # urllib3 opens an IPv6 socket at import) and its own native library, neither needed here.
    spec = importlib.util.find_spec("moonshine_voice")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing(f"The moonshine-voice package is not installed; {_REINSTALL}")
    path = Path(next(iter(spec.submodule_search_locations))) / "assets" / model_name
    for name in ("encoder_model.ort", "decoder_model_merged.ort", "tokenizer.bin"):
        if not (path / name).is_file():
            raise ModelMissing(
                f"The Moonshine {model_name} weights are missing from {path} ({name}); {_REINSTALL}"
            )
    return path


class MoonshineEngine(SpeechEngine):
    """English speech to text with Moonshine tiny, held to a grammar when one is given."""

    name = "moonshine"

    def __init__(self, model_name: str = "tiny-en", acceptance: GrammarAcceptance | None = None):
        path = model_directory(model_name)
        try:
            self._model = MoonshineModel(path)
        except ModelMissing:
            raise
        except Exception as exc:  # a damaged model file
            raise ModelMissing(
                f"The Moonshine {model_name} model at {path} could not be "
                f"loaded ({exc}); {_REINSTALL}"
            ) from exc
        self.acceptance = acceptance or GrammarAcceptance()
        self._meaning_of: MeaningOf = _same_words
        self._careful: frozenset[Hashable] = frozenset()
        self._grammar: TokenGrammar | None = None
        self._keep_free: Callable[[str], bool] | None = None
        self._compiled: dict[RecognitionGrammar, TokenGrammar] = {}
        self.load_seconds = self._model.load_seconds
        _LOGGER.info("moonshine %s loaded in %.2f s", model_name, self.load_seconds)

    def transcribe(self, samples: np.ndarray) -> Transcript:
        """Recognise one utterance; the confidence is how sure the grammar choice was, if any."""
        audio = to_float32(samples)
        if audio.size < _MIN_SAMPLES:
            return Transcript(text="", confidence=None, engine=self.name)
        states = self._model.encode(audio)
        limit = self._model.max_tokens(audio.size / SAMPLE_RATE)
        free = collapse_repeats(self._model.greedy(states, limit), self._model.tokenizer)
        free_text = self._model.tokenizer.decode(free.tokens)
        if self._grammar is None or (self._keep_free is not None and self._keep_free(free_text)):
            return Transcript(text=free_text, confidence=None, engine=self.name)
        rules = self.acceptance
        # Sentences far below anything acceptable are not explored; those within a margin of it
        # still are, as rivals that can veto a choice (without them 5 dB wrong actions rose).
        floor = free.log_prob - rules.max_gap - max(rules.min_margin, rules.careful_min_margin)
        choices = best_in_grammar(
            self._model, states, self._grammar, limit, rules.beam, rules.length_bonus, floor
        )
        chosen = self._accept(free, choices)
        if chosen is None:
            if self._doubtful(free_text, choices):
                _LOGGER.debug("%r: a rival answer is as likely; heard nothing sure", free_text)
                return Transcript(text="", confidence=None, engine=self.name)
            return Transcript(text=free_text, confidence=None, engine=self.name)
        gap = free.log_prob - chosen.log_prob
        return Transcript(
            text=self._model.tokenizer.decode(chosen.tokens),
            confidence=float(np.exp(-max(0.0, gap))),
            engine=self.name,
            in_grammar=True,
            may_continue=self._grammar.may_continue(chosen.tokens),
        )

    def _accept(self, free: Decoded, choices: list[Decoded]) -> Decoded | None:
        """The best grammar sentence if it passes the acceptance rules, else None."""
        if not choices:
            return None
        best = choices[0]
        rules = self.acceptance
        best_rank = ranking(best, rules.length_bonus)
        meaning = self._meaning(best)
        careful = meaning in self._careful
        max_gap = rules.careful_max_gap if careful else rules.max_gap
        min_margin = rules.careful_min_margin if careful else rules.min_margin
        if free.log_prob - best.log_prob > max_gap:
            return None
        # In words, not tokens: "It's back" is four tokens, "Back" one.
        free_words = word_count(self._model.tokenizer.decode(free.tokens))
        if word_count(self._model.tokenizer.decode(best.tokens)) < (
            rules.min_length_ratio * max(1, free_words)
        ):
            return None

        # A bare yes or no keeps every rival at its full rank (the careful rule).
        def rank_of(other: Decoded) -> float:
            if careful:
                return ranking(other, rules.length_bonus)
            return _rival_rank(other, best, rules.length_bonus)

        for other in sorted(choices[1:], key=lambda c: -rank_of(c)):
            if best_rank - rank_of(other) >= min_margin:
                break
            if self._meaning(other) != meaning:
                return None
        return best

    def _doubtful(self, free_text: str, choices: list[Decoded]) -> bool:
        """A free transcript meaning a bare yes or no, with another meaning near it in the grammar.

        The careful rule held only for the grammar's own choice; a free "Yeah" went straight to
        the matcher even when "No." or "Back." was almost as likely (heard so over the pump).
        Saying nothing sure then costs a "please say yes or no"; a wrong answer costs more.
        """
        meaning = self._meaning_of(free_text)
        if meaning not in self._careful or not choices:
            return False
        rules = self.acceptance
        same = [ranking(c, rules.length_bonus) for c in choices if self._meaning(c) == meaning]
        other = [ranking(c, rules.length_bonus) for c in choices if self._meaning(c) != meaning]
        if not other:
            return False
        return not same or max(same) - max(other) < rules.careful_min_margin

    def _meaning(self, decoded: Decoded) -> Hashable:
        return self._meaning_of(self._model.tokenizer.decode(decoded.tokens))

    def set_grammar(self, grammar: RecognitionGrammar | None) -> None:
        """Hold the second decoding to these sentences (None: free decoding only)."""
        if grammar is None:
            self._grammar = None
            return
        self._keep_free = grammar.keep_free
        self._meaning_of = grammar.meaning or _same_words
        self._careful = grammar.careful
        compiled = self._compiled.get(grammar)
        if compiled is None:
            if len(self._compiled) >= _COMPILED_KEPT:
                self._compiled.pop(next(iter(self._compiled)))
            compiled = compile_grammar(grammar, self._model.tokenizer)
            self._compiled[grammar] = compiled
        self._grammar = compiled

    def set_phrases(self, phrases: list[str] | None) -> None:
        """A flat phrase list: each phrase is a whole sentence."""
        if phrases is None:
            self.set_grammar(None)
        else:
            self.set_grammar(RecognitionGrammar(tuple(tuple(p.lower().split()) for p in phrases)))

    def reset(self) -> None:
        """Nothing to reset: each utterance is decoded on its own."""

    def close(self) -> None:
        """Drop the model sessions."""
        self._grammar = None
        self._compiled.clear()


def collapse_repeats(decoded: Decoded, tokenizer: MoonshineTokenizer) -> Decoded:
    """A word Moonshine said again and again ("Yes, yes, yes, yes", "The next. Next. Next."):
    each run of the same word once.

    On a short word over the pump the decoder runs on to its token limit with the same word;
    the repeats also made the grammar's "Yes." look too short to explain the transcript.
    """
    tokens = decoded.tokens
    starts = [
        i for i, token in enumerate(tokens) if tokenizer.pieces[token].startswith(_WORD_START)
    ]
    if len(starts) < 2 or starts[0] != 0:
        return decoded
    bounds = list(zip(starts, [*starts[1:], len(tokens)]))
    words = [_bare(tokenizer.decode(tokens[a:b])) for a, b in bounds]
    kept: list[int] = []
    for index, (a, b) in enumerate(bounds):
        if index and words[index] and words[index] == words[index - 1]:
            continue
        kept += tokens[a:b]
    if len(kept) == len(tokens):
        return decoded
    # A dropped repeat's trailing mark (",") would end the text oddly: keep the word bare.
    while kept and not _bare(tokenizer.decode(kept[-1:])) and len(kept) > 1:
        kept.pop()
    return Decoded(kept, decoded.log_prob * len(kept) / len(tokens))


def _rival_rank(other: Decoded, best: Decoded, length_bonus: float) -> float:
    """A rival's rank, its length bonus counted only up to the chosen sentence's length: the
    bonus keeps short sentences from winning the search, but a longer rival ("Let's
    breathe." against "Repeat.") must not veto a choice by its extra tokens alone."""
    return other.log_prob + length_bonus * min(len(other.tokens), len(best.tokens))


def word_count(text: str) -> int:
    """Words in a transcript, punctuation not counted."""
    return sum(1 for word in text.split() if _bare(word))


_WORD_START = "\u2581".encode()


def _bare(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch == "'")


def _same_words(text: str) -> Hashable:
    return tuple(normalize(text))
