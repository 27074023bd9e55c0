"""A rough sound-spelling of English words, so misheard words can still be compared.

The recogniser writes what it thinks it heard in ordinary spelling, and its mistakes sound like
the right word: "pump" heard as "come", "valves" as "males", "snooze" as "sews". Comparing
spellings letter by letter undersells these; comparing sound-spellings ("kum" / "pump",
"sus" / "snus") gives the matcher partial credit for a near-miss without any dictionary.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Ordered rewrites; single capitals stand for one sound (T = th, S = sh, C = ch, N = ng).
_REWRITES = (
    (r"^kn", "n"),
    (r"^wr", "r"),
    (r"^ps", "s"),
    (r"^wh", "w"),
    (r"^x", "s"),
    (r"tch", "C"),
    (r"dge", "j"),
    (r"tion", "Sun"),
    (r"sion", "Sun"),
    (r"ture", "Cur"),
    (r"sch", "sk"),
    (r"ch", "C"),
    (r"sh", "S"),
    (r"th", "T"),
    (r"ph", "f"),
    (r"(?<=.)gh", ""),
    (r"^gh", "g"),
    (r"ck", "k"),
    (r"qu", "kw"),
    (r"x", "ks"),
    (r"c(?=[eiy])", "s"),
    (r"c", "k"),
    (r"z", "s"),
    (r"ng$", "N"),
    (r"(?<=[^aeiou])y$", "i"),
    (r"(?<=[^aeiou])y(?=[^aeiou])", "i"),
    (r"ee|ea|ie|ey$", "i"),
    (r"oo|ew|ue|ui", "u"),
    (r"ai|ay|ei", "e"),
    (r"oa", "o"),
    (r"au|aw", "o"),
    (r"ow$", "o"),
    (r"(?<=[^aeiou][aeiou][^aeiouwy])e$", ""),  # silent final e: "make" -> "mak"
    (r"(?<=[^aeiou])es$", "s"),
    (r"(?<=[^aeiou])ed$", "d"),
    (r"([a-zA-Z])\1+", r"\1"),  # doubled letters sound once
)
_COMPILED = tuple((re.compile(pattern), replacement) for pattern, replacement in _REWRITES)


@lru_cache(maxsize=8192)
def sound_key(word: str) -> str:
    """The word as it roughly sounds: "snooze" -> "snus", "phone" -> "fon", "pump" -> "pump"."""
    if not word.isalpha():
        return word
    key = word.lower()
    for pattern, replacement in _COMPILED:
        key = pattern.sub(replacement, key)
    return key or word[:1]


def sound_string(tokens: tuple[str, ...] | list[str], placeholders: dict[str, str]) -> str:
    """A sentence as one sound-spelled string, words separated by spaces."""
    return " ".join(placeholders.get(token) or sound_key(token) for token in tokens)
