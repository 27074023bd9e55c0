"""Text -> what she means: safety first, then the templates (exact, fast), then the meaning layer."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voice_helper.content.templates import IntentTemplates
from voice_helper.intent import Intent
from voice_helper.understand.answers import STEERING, answer_start
from voice_helper.understand.matcher import IntentMatcher
from voice_helper.understand.meaning import (
    OUT_OF_SCOPE,
    SAFETY_LABELS,
    MeaningModel,
    corpus_examples,
    load_or_train,
    meaning_label,
    split_label,
    template_examples,
    training_files,
)
from voice_helper.understand.safety import UNSURE, URGENT, SafetyDetector, build_detector
from voice_helper.understand.slots import fill_slots
from voice_helper.words.normalize import normalize

_LOGGER = logging.getLogger(__name__)

ACT_PROBABILITY = 0.8
"""The meaning layer acts on its guess at least this sure (tuned split, 5-fold: 0.7 gave 1.6%
wrong actions, 0.8 1.0%, 0.85 0.8% for 1.7 points fewer exact)."""
ASK_PROBABILITY = 0.45
"""Between this and ACT_PROBABILITY it asks once ("Did you want ...?"); below, it is not a command."""
TEMPLATE_ONLY = frozenset({"log_amount", "answer_amount", "correct_amount", "log_past_session"})
"""Amounts go into the pumping log only from a template sentence, whose numbers and unit the
rule found; a paraphrase the meaning layer guesses is not understood (she is asked again)."""
SHORT_ANSWER_WORDS = 2
"""A yes or no this short is taken only word for word: near is not enough."""
QUESTION = "question"
"""Context: a yes/no question is open, so "it does" and "not so much" are answers."""


@dataclass(frozen=True)
class Understanding:
    """What one sentence means here and now, and how sure we are."""

    text: str
    """What was heard or typed."""
    intent: Intent | None
    """The command, or None when it is not one (or not understood)."""
    score: float
    """1.0 for a word-for-word template sentence or a safety phrase; lower otherwise."""
    sentence: str | None = None
    """The nearest template sentence, for logs and benchmarks."""
    source: str = "none"
    """Who decided: "safety", "template", "answer" (yes/no in context), "meaning" or "none"."""
    doubtful: bool = False
    """Likely but not certain: ask once before acting on it."""
    missing: str | None = None
    """A slot the words did not give ("duration"): ask for it again, never guess."""


class Understander:
    """Safety rules, then template sentences, then the meaning layer with slots by rule."""

    def __init__(
        self,
        templates: IntentTemplates,
        safety: SafetyDetector | None,
        meaning: MeaningModel | None,
        act_probability: float = ACT_PROBABILITY,
        ask_probability: float = ASK_PROBABILITY,
    ):
        self.templates = templates
        self.matcher = IntentMatcher(templates)
        self.safety = safety
        self.model = meaning
        self.act_probability = act_probability
        self.ask_probability = ask_probability
        self._meanings: dict[str, Any] = {}

    @classmethod
    def from_content(
        cls, content: Any, cache_dir: Path | None = None, with_meaning: bool = True
    ) -> Understander:
        """Build from loaded Content: its templates, safety phrases and tuned paraphrases."""
        templates = content.templates
        safety = (
            build_detector(
                content.safety, Path(content.directory), cache_dir, with_meaning, templates
            )
            if content.safety is not None
            else None
        )
        model = None
        if with_meaning:
            examples = template_examples(templates)
            for path in training_files(Path(content.directory)):
                examples += corpus_examples(path)
            model = load_or_train(examples, cache_dir)
        return cls(templates, safety, model)

    def meaning(self, text: str) -> tuple[str, tuple[tuple[str, Any], ...]] | None:
        """What a sentence would do: (intent, slots), or None; equal for same-acting sentences."""
        if text not in self._meanings:
            if len(self._meanings) > 50_000:
                self._meanings.clear()
            intent = self.match(text).intent
            self._meanings[text] = None if intent is None else intent.key()
        return self._meanings[text]

    def safety_heard(self, text: str) -> bool:
        """True when a crisis or warning sign is heard in text (the grammar must keep it)."""
        # A doubt (the check question) does not hold the free transcript: the grammar's reading
        # may be the sentence she said ("I think I have messed I this." for "... mastitis").
        hit = self.safety.check(text) if self.safety is not None else None
        return hit is not None and hit.kind != UNSURE

    def safety_check(self, text: str) -> Understanding | None:
        """A crisis or warning sign heard anywhere in text, else None."""
        if self.safety is None:
            return None
        hit = self.safety.check(text)
        if hit is None:
            return None
        if hit.kind == URGENT:
            slots: dict[str, Any] = {"group": hit.group, "symptom": hit.symptom}
        else:
            slots = {"route": hit.route}
        return Understanding(text, Intent(hit.kind, slots), 1.0, hit.phrase, "safety")

    def match(
        self, text: str, allowed: set[str] | None = None, context: str | None = None
    ) -> Understanding:
        """Understand one sentence; `context` QUESTION when a yes/no question is open."""
        safe = self.safety_check(text)
        if safe is not None:
            return safe
        tokens = normalize(text)
        if not tokens:
            return Understanding(text, None, 0.0)
        template = self.matcher.match(text, allowed)
        if template.intent is not None and (template.score >= 1.0 or self.model is None):
            return Understanding(
                text, template.intent, template.score, template.sentence, "template"
            )
        if template.intent is not None and context == QUESTION:
            answer = self._answer(text, tokens, allowed)  # "uh uh" is no, however near "uh huh"
            if answer is not None:
                return answer
        if (
            template.intent is not None
            and template.intent.name in ("yes", "no")
            and len(tokens) <= SHORT_ANSWER_WORDS
        ):
            # A word or two only near "yes" or "no" ("Mm." for "mm hmm", "I know" for "I do",
            # both often a misheard "no"): a wrong answer is worse than asking again.
            return Understanding(text, None, template.score, template.sentence)
        if template.intent is not None:
            return self._near_template(text, tokens, allowed, template, context)
        if context == QUESTION:
            answer = self._answer(text, tokens, allowed)
            if answer is not None:
                return answer
        return self._meaning(text, tokens, allowed, template.score, template.sentence)

    def _near_template(
        self,
        text: str,
        tokens: list[str],
        allowed: set[str] | None,
        template: Any,
        context: str | None,
    ) -> Understanding:
        """A near template sentence, unless the meaning layer is sure of another meaning."""
        assert self.model is not None and template.intent is not None
        near = Understanding(text, template.intent, template.score, template.sentence, "template")
        wanted = meaning_label(template.intent.name, template.intent.slots)
        guess = self.model.guess(text)
        if guess.label == wanted or guess.probability < self.act_probability:
            return near
        if context == QUESTION:
            answer = self._answer(text, tokens, allowed)
            if answer is not None:
                return answer
        if guess.label == OUT_OF_SCOPE:
            # A misheard command reads like household talk ("sews for nine hundred hours"): the
            # sound-alike template match, strict on its own, is trusted over the model here.
            return near
        return self._meaning(text, tokens, allowed, template.score, template.sentence)

    def _answer(
        self, text: str, tokens: list[str], allowed: set[str] | None
    ) -> Understanding | None:
        """ "It does, yeah", "not so much": an answer to the open question."""
        start = answer_start(tokens)
        if start is None:
            return None
        if allowed is not None and start.name not in allowed:
            return None
        if self.model is not None and len(tokens) > start.words:
            # A longer sentence may only start like an answer ("right, next"): a conversation
            # command said after it wins; a cause named after it is part of the answer.
            guess = self.model.guess(text, allowed)
            if guess.label in STEERING and guess.probability >= self.ask_probability:
                return None
        return Understanding(text, Intent(start.name), 0.9, None, "answer")

    def _meaning(
        self,
        text: str,
        tokens: list[str],
        allowed: set[str] | None,
        score: float,
        sentence: str | None,
    ) -> Understanding:
        if self.model is None:
            return Understanding(text, None, score, sentence)
        labels = None
        if allowed is not None:
            labels = {label for label in self.model.labels if split_label(label)[0] in allowed}
        guess = self.model.guess(text, labels)
        if guess.label in SAFETY_LABELS:  # the safety classifier had its say before this
            guess = self.model.guess(text, set(self.model.labels) - SAFETY_LABELS)
        if guess.label == OUT_OF_SCOPE or guess.probability < self.ask_probability:
            return Understanding(text, None, guess.probability, sentence)
        intent_name, fixed = split_label(guess.label)
        if intent_name in TEMPLATE_ONLY:
            return Understanding(text, None, guess.probability, sentence)
        if intent_name in ("yes", "no") and len(tokens) == 1:
            return Understanding(text, None, guess.probability, sentence)  # "hmm", "mm": no answer
        filled = fill_slots(intent_name, fixed, tokens)
        doubtful = guess.probability < self.act_probability
        if doubtful and filled.missing:
            return Understanding(text, None, guess.probability, sentence)  # too unsure to ask twice
        _LOGGER.debug(
            "meaning of %r: %s %.2f (next %s %.2f)",
            text,
            guess.label,
            guess.probability,
            guess.runner_up,
            guess.runner_up_probability,
        )
        return Understanding(
            text,
            Intent(intent_name, filled.slots),
            guess.probability,
            sentence,
            "meaning",
            doubtful=doubtful,
            missing=filled.missing,
        )
