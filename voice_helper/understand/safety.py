"""Safety first: a crisis or a warning sign heard anywhere in a sentence wins over every meaning."""

from __future__ import annotations

from dataclasses import dataclass

from voice_helper.content.safety_phrases import SafetyContent, without_words
from voice_helper.words.normalize import normalize


@dataclass(frozen=True)
class SafetyHit:
    """What the safety check heard in one sentence."""

    kind: str
    """"crisis" or "urgent_symptom"."""
    group: str = ""
    """For a red flag: the id of its group ("infection", "baby", "lump_that_stays")."""
    symptom: str = ""
    """For a red flag: how the symptom heard is spoken back."""
    phrase: str = ""
    """The `heard` entry that matched."""


class SafetyDetector:
    """Finds a crisis or a warning sign anywhere in what was said."""

    def __init__(self, content: SafetyContent):
        self.content = content

    def check(self, text: str) -> SafetyHit | None:
        """The crisis or red flag heard in text, crisis first; None for ordinary talk."""
        tokens = normalize(text)
        if not tokens:
            return None
        for phrase in self.content.crisis_phrases:
            if phrase.heard_in(tokens):
                return SafetyHit("crisis", phrase=phrase.source)
        tokens = without_words(tokens, self.content.ignore)
        someone_else = any(p.heard_in(tokens) for p in self.content.not_hers)
        # The painless lump is checked first: "a lump" alone is the infection group's.
        for group in sorted(self.content.groups, key=lambda g: g.id != "lump_that_stays"):
            if someone_else and group.id != "baby":
                continue
            for symptom in group.symptoms:
                for phrase in symptom.phrases:
                    if phrase.heard_in(tokens):
                        return SafetyHit("urgent_symptom", group.id, symptom.say, phrase.source)
        return None

    def red_flag_reply(self, hit: SafetyHit) -> str:
        """What was heard, every sign of its kind, and what to do."""
        return red_flag_reply(self.content, hit)


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
