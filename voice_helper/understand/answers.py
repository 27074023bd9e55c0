"""Answers to an open yes/no question in her own words: "it does, yeah", "not so much"."""

from __future__ import annotations

from dataclasses import dataclass

YES_STARTS = (
    "yes",
    "yeah",
    "yep",
    "yup",
    "yea",
    "sure",
    "definitely",
    "absolutely",
    "correct",
    "right",
    "probably",
    "maybe",
    "kind of",
    "sort of",
    "a bit",
    "a little",
    "a little bit",
    "it does",
    "i do",
    "i have",
    "i am",
    "it is",
    "that is it",
    "that is right",
    "that is me",
    "that is true",
    "uh huh",
    "mm hmm",
    "totally",
    "for sure",
    "i guess so",
    "i think so",
    "i suppose so",
    "i guess",
    "i suppose",
    "true",
    "indeed",
    "often",
    "quite a bit",
    "a lot",
    "very much",
    "it has",
    "they do",
    "there is",
    "there are",
    "too right",
    "you bet",
    "affirmative",
    "aye",
)
NO_STARTS = (
    "no",
    "nope",
    "nah",
    "not really",
    "not so much",
    "not much",
    "not that i know",
    "not as far as i know",
    "i doubt it",
    "i do not think so",
    "never",
    "not at all",
    "none",
    "nothing like that",
    "i have not",
    "i am not",
    "it is not",
    "it does not",
    "i do not",
    "no way",
    "uh uh",
    "not particularly",
    "not especially",
    "not lately",
    "not recently",
    "hardly",
    "negative",
    "i would not say so",
    "i would not say that",
    "not me",
    "it has not",
    "they do not",
    "there is not",
    "there are not",
    "nothing",
    "not exactly",
    "uh uh",
    "no no",
)
UNSURE_STARTS = (
    "i do not know",
    "i do not really know",
    "i am not sure",
    "i am not really sure",
    "i am not too sure",
    "not sure",
    "no idea",
    "i have no idea",
    "no clue",
    "i can not tell",
    "i can not really tell",
    "hard to say",
    "who knows",
)
"""Not an answer either way ("I don't know" only starts like "I don't")."""
STEERING = frozenset({"next", "back", "repeat", "stop", "help"})
"""Conversation commands that win over an answer-like start ("okay, next")."""
INTERJECTIONS = frozenset({"oh", "well", "hmm", "so"})
"""Said before an answer and not part of it: "oh definitely", "well not really"."""
NON_ANSWER_OPENERS = frozenset({"no more", "not now", "no thanks i want", "nothing is coming"})


@dataclass(frozen=True)
class AnswerStart:
    """How a sentence starts as an answer: "yes", "no" or "unsure", and in how many words."""

    name: str
    words: int


def starts_with(tokens: list[str], phrases: tuple[str, ...]) -> int:
    """Length in words of the longest phrase the tokens start with (0: none)."""
    best = 0
    for phrase in phrases:
        words = phrase.split()
        if tokens[: len(words)] == words:
            best = max(best, len(words))
    return best


def answer_start(tokens: list[str]) -> AnswerStart | None:
    """The yes, no or not sure a sentence starts with ("definitely not" is no), or None."""
    lead = 0
    while lead < len(tokens) - 1 and tokens[lead] in INTERJECTIONS:
        lead += 1
    if lead:
        start = answer_start(tokens[lead:])
        return AnswerStart(start.name, start.words + lead) if start else None
    if " ".join(tokens[:2]) in NON_ANSWER_OPENERS:
        return None
    unsure = starts_with(tokens, UNSURE_STARTS)
    if unsure:
        return AnswerStart("unsure", unsure)
    yes, no = starts_with(tokens, YES_STARTS), starts_with(tokens, NO_STARTS)
    if not yes and not no:
        return None
    name = "yes" if yes > no else "no"
    if name == "yes" and tokens[yes : yes + 1] == ["not"]:
        name = "no"  # "definitely not", "absolutely not"
    return AnswerStart(name, max(yes, no))
