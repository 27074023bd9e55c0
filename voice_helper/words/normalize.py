"""Turn any transcript or typed line into plain lower-case word tokens."""

from __future__ import annotations

import re

_CONTRACTIONS = {
    "i'm": "i am",
    "it's": "it is",
    "what's": "what is",
    "that's": "that is",
    "there's": "there is",
    "isn't": "is not",
    "don't": "do not",
    "doesn't": "does not",
    "can't": "can not",
    "cannot": "can not",
    "won't": "will not",
    "i've": "i have",
    "i'd": "i would",
    "let's": "let us",
    "haven't": "have not",
    "hasn't": "has not",
    "aren't": "are not",
    "wasn't": "was not",
    "didn't": "did not",
    "i'll": "i will",
    "you're": "you are",
    "we're": "we are",
    "they're": "they are",
    "we've": "we have",
    "couldn't": "could not",
    "shouldn't": "should not",
    "wouldn't": "would not",
    "where's": "where is",
    "when's": "when is",
    "how's": "how is",
    "who's": "who is",
    "'ve": "have",
    "'m": "am",
    "ok": "okay",
    "o.k.": "okay",
    "mhm": "mm hmm",
    "uh-huh": "uh huh",
    "nevermind": "never mind",
    # Typed without the apostrophe (only where the bare word is not a word of its own).
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "isnt": "is not",
    "cant": "can not",
    "wont": "will not",
    "im": "i am",
    "ive": "i have",
    "havent": "have not",
    "hasnt": "has not",
    "arent": "are not",
    "wasnt": "was not",
    "couldnt": "could not",
    "shouldnt": "should not",
    "wouldnt": "would not",
    "thats": "that is",
    "whats": "what is",
    "theres": "there is",
}
_FILLERS = frozenset({"um", "umm", "uhm", "erm", "er", "ah"})
"""Dropped everywhere. Not "hmm": without it "mm hmm" (yes) became "mm", a sound a misheard
"no" often comes out as."""
_WORD = re.compile(r"\d+(?:\.\d+)?|[a-z]+(?:'[a-z]+)*|'[a-z]+")


def normalize(text: str) -> list[str]:
    """Lower-case words with contractions expanded, punctuation and fillers dropped."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)
    text = text.replace("uh huh", "uh-huh")
    tokens: list[str] = []
    for word in _WORD.findall(text):
        expanded = _CONTRACTIONS.get(word, word)
        if expanded.endswith("'s") and expanded not in _CONTRACTIONS:
            expanded = expanded[:-2]  # possessive: "baby's" -> "baby"
        for token in expanded.replace("uh-huh", "uh huh").split():
            if token not in _FILLERS:
                tokens.append(token)
    return tokens
