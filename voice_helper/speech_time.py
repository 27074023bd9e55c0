"""How long a text takes to say, estimated from its words (no synthesis needed).

Calibrated against real pyttsx3 (espeak-ng) WAVs at 160 words per minute by
`benchmarks/speech_rate.py`: every sentence of the shipped content (290 clips) spoken to a file,
and a least-squares fit of the WAV length to the counts below. At 160 wpm that is about 2.7
words per second of speech overall, pauses included; at other rates every term scales by
160 / rate (checked at 130 wpm). On the calibration clips the estimate is within -0.6 s
(under) and +0.9 s (over) of the real length, 0.2 s RMS.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+")
_COMMA = re.compile(r"[,;:]")
_STOP = re.compile(r"[.!?]+(?=\s|$)")

CALIBRATED_RATE = 160
"""Words per minute the constants below were fitted at (the default `rate`)."""
SECONDS_PER_WORD = 0.048
"""Each word (each digit of a number) costs this much..."""
SECONDS_PER_LETTER = 0.058
"""...plus this per letter: long words take longer ("International Lactation Association")."""
SECONDS_PER_COMMA = 0.269
"""espeak-ng pauses at a comma, semicolon or colon."""
SECONDS_PER_SENTENCE = 0.462
"""...and longer at the end of each sentence (the last one's trailing silence included)."""


def speech_units(text: str) -> int:
    """Roughly how many words espeak-ng will say: each word once, each digit of a number once."""
    return sum(len(token) if token.isdigit() else 1 for token in _WORD.findall(text))


def _letters(text: str) -> int:
    return sum(len(token) for token in _WORD.findall(text))


def features(text: str) -> tuple[int, int, int, int]:
    """The counts the estimate is made of: words, letters, commas, sentence ends."""
    text = " ".join(text.split())
    sentences = len(_STOP.findall(text)) or (1 if text else 0)
    return speech_units(text), _letters(text), len(_COMMA.findall(text)), sentences


def estimate_seconds(text: str, rate: int = CALIBRATED_RATE) -> float:
    """Seconds espeak-ng takes to say `text` at `rate` words per minute (calibrated estimate)."""
    words, letters, commas, sentences = features(text)
    per_160 = (
        words * SECONDS_PER_WORD
        + letters * SECONDS_PER_LETTER
        + commas * SECONDS_PER_COMMA
        + sentences * SECONDS_PER_SENTENCE
    )
    return per_160 * CALIBRATED_RATE / max(rate, 1)
