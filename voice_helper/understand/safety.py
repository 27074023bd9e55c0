"""Safety first: a route, a warning sign or a doubt heard anywhere in a sentence wins over every
meaning.

Two layers. The rules of content/safety.yaml are the floor: plain phrase lists, checked at load,
that need nothing that can fail. The safety classifier (understand/safety_model.py), trained on
the tuned safety sentences, catches the phrasings the rules miss, picks the more urgent route when
both speak, and turns a sentence that only might be frightened into one gentle question.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voice_helper.content.safety_phrases import ROUTE_IDS, Phrase, SafetyContent
from voice_helper.understand.safety_model import (
    CALM,
    TODAY_GROUPS,
    SafetyModel,
    load_safety_model,
)
from voice_helper.words.normalize import normalize

_LOGGER = logging.getLogger(__name__)

CRISIS = "crisis"
"""A route: its own reply (content/safety.yaml routes)."""
URGENT = "urgent_symptom"
"""A warning sign to act on today: the red flags' reply."""
UNSURE = "safety_check"
"""Neither clearly a route nor clearly calm: ask once."""


@dataclass(frozen=True)
class Thresholds:
    """How sure the classifier must be to act, and to ask. Chosen on the tuned split, 5-fold
    (`benchmarks/safety_bench.py --sweep`): act 0.35 took 89% of route sentences but alarmed on
    12.6% of calm ones; 0.7 took 83% and alarmed on 7.8%. 0.5 is the middle, and a check band
    down to 0.35 asks about a further 6-7% of route sentences (3-4% of calm ones are asked too;
    at 0.2, 6.6%: "I'm dying to get out of the house" was asked about)."""

    act: float = 0.5
    """A route is taken when its probability is at least this."""
    check: float = 0.35
    """Below `act`, routes together this likely get the route's one check question (at 0.3 a
    misheard "the game starts at eight", "The games are set at.", was asked about psychosis)."""
    today: float = 0.5
    """A warning sign for today is answered when this likely."""
    overrule: float = 0.9
    """The classifier may silence the rules only when this sure the sentence is calm; less sure,
    a route the rules heard is checked with one question ("I've had thoughts of suicide" read as
    the past) and a red flag is answered ("I feel shivery")."""


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class SafetyHit:
    """What the safety check heard in one sentence."""

    kind: str
    """CRISIS (a route), URGENT (a red flag for today) or UNSURE (ask once)."""
    route: str = ""
    """For CRISIS and UNSURE: the route id ("danger_now", ...)."""
    group: str = ""
    """For a red flag: the id of its group ("infection", "baby", "lump_that_stays")."""
    symptom: str = ""
    """For a red flag: how the symptom heard is spoken back."""
    phrase: str = ""
    """The `heard` entry that matched, or "classifier 0.87" when the classifier decided."""


def verdict(hit: SafetyHit | None) -> str:
    """A rule's hit as one label: its route, its red-flag group, or "" for nothing."""
    if hit is None:
        return ""
    return hit.route or hit.group


def build_detector(
    content: SafetyContent,
    content_dir: Path,
    cache_dir: Path | None,
    with_model: bool = True,
    templates: Any = None,
) -> SafetyDetector:
    """The rules, and the classifier when it can be had (the rules alone if it cannot)."""
    detector = SafetyDetector(content)
    if not with_model:
        return detector
    try:
        detector.model = load_safety_model(
            content_dir, cache_dir, detector.rule_label, detector.rule_labels(), templates
        )
    except Exception:
        _LOGGER.exception("the safety classifier could not be loaded; the rules alone decide")
    return detector


class SafetyDetector:
    """Finds a route, a warning sign or a doubt anywhere in what was said."""

    def __init__(self, content: SafetyContent, model: SafetyModel | None = None):
        self.content = content
        self.model = model

    def check(self, text: str) -> SafetyHit | None:
        """The route, red flag or doubt heard in text, most urgent first; None for calm talk."""
        tokens = normalize(text)
        if not tokens:
            return None
        rule = self.rules(tokens)
        if self.model is None:
            return rule
        try:
            probabilities = self.model.probabilities(text, verdict(rule))
        except Exception:
            _LOGGER.exception("the safety classifier failed; the rules alone decide")
            return rule
        return combine(rule, probabilities)

    def rule_label(self, text: str) -> str:
        """The rules' verdict on text, as the classifier sees it."""
        return verdict(self.rules(normalize(text)))

    def rule_labels(self) -> tuple[str, ...]:
        """Every verdict the rules can give."""
        return (*ROUTE_IDS, *(g.id for g in self.content.groups))

    def rules(self, tokens: list[str]) -> SafetyHit | None:
        """The rules alone: routes in order of urgency, then the red flags."""
        tokens = self._without_calm(tokens)
        for route in self.content.routes:
            for phrase in route.phrases:
                if phrase.heard_in(tokens):
                    return SafetyHit(CRISIS, route=route.id, phrase=phrase.source)
        tokens = _without(tokens, self.content.ignore)
        someone_else = any(p.heard_in(tokens) for p in self.content.not_hers)
        # The painless lump is checked first: "a lump" alone is the infection group's.
        for group in sorted(self.content.groups, key=lambda g: g.id != "lump_that_stays"):
            if someone_else and group.id != "baby":
                continue
            for symptom in group.symptoms:
                for phrase in symptom.phrases:
                    if phrase.heard_in(tokens):
                        return SafetyHit(
                            URGENT, group=group.id, symptom=symptom.say, phrase=phrase.source
                        )
        return None

    def _without_calm(self, tokens: list[str]) -> list[str]:
        """Tokens with every everyday idiom taken out ("dying to", "smother ... in kisses")."""
        return _without(tokens, self.content.calm)

    def red_flag_reply(self, hit: SafetyHit) -> str:
        """What was heard, every sign of its kind, and what to do."""
        return red_flag_reply(self.content, hit)


def _without(tokens: list[str], phrases: tuple[Phrase, ...]) -> list[str]:
    """Tokens with the words of every phrase heard in them taken out."""
    taken: set[int] = set()
    for phrase in phrases:
        taken |= phrase.spans(tokens)
    return [t for i, t in enumerate(tokens) if i not in taken] if taken else tokens


def combine(
    rule: SafetyHit | None,
    probabilities: dict[str, float],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> SafetyHit | None:
    """The classifier decides (it was given the rules' verdict as a feature); the rules' hit
    lends its wording (which symptom was heard) when both agree."""
    routes = {r: probabilities.get(r, 0.0) for r in ROUTE_IDS}
    best = max(routes, key=lambda r: routes[r])
    label = f"classifier {best} {routes[best]:.2f}"
    if routes[best] >= thresholds.act:
        if rule is not None and rule.route == best:
            return SafetyHit(CRISIS, route=best, phrase=f"{rule.phrase}; {label}")
        return SafetyHit(CRISIS, route=best, phrase=label)
    today = max(TODAY_GROUPS, key=lambda g: probabilities.get(g, 0.0))
    if probabilities.get(today, 0.0) >= thresholds.today:
        group = TODAY_GROUPS[today]
        if (
            rule is not None
            and rule.kind == URGENT
            and (rule.group == group or (group == "infection" and rule.group == "lump_that_stays"))
        ):
            return rule
        return SafetyHit(URGENT, group=group, phrase=f"classifier {today}")
    if sum(routes.values()) >= thresholds.check:
        return SafetyHit(UNSURE, route=best, phrase=label)
    if rule is not None and probabilities.get(CALM, 0.0) < thresholds.overrule:
        if rule.kind == CRISIS:
            return SafetyHit(UNSURE, route=rule.route, phrase=f"{rule.phrase}; {label}")
        return rule
    return None


def red_flag_reply(content: SafetyContent, hit: SafetyHit) -> str:
    """What was heard, every sign of its kind, and what to do (the infection group by default)."""
    group = next(
        (g for g in content.groups if g.id == hit.group),
        next(g for g in content.groups if g.id == "infection"),
    )
    signs = [s.say for s in group.symptoms]
    listed = signs[0] if len(signs) == 1 else f"{', '.join(signs[:-1])}, or {signs[-1]}"
    heard = content.heard_intro.format(symptom=hit.symptom) + " " if hit.symptom else ""
    return f"{heard}{group.signs_intro} {listed}. {group.advice}"
