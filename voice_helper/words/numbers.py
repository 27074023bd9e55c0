"""Spoken numbers and durations: "two and a half hours" -> 150 minutes."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = re.compile(r"^\d{1,6}(\.\d{1,3})?$")

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_UNIT_MINUTES = {
    "minute": 1,
    "minutes": 1,
    "min": 1,
    "mins": 1,
    "hour": 60,
    "hours": 60,
    "hr": 60,
    "hrs": 60,
    "h": 60,
}
NUMBER_WORDS = (
    frozenset(_UNITS) | frozenset(_TENS) | {"hundred", "thousand", "a", "an", "and", "half"}
)
"""Words that can appear inside a spoken number or duration."""
_UNIT_NAMES = tuple(_UNITS)
"""zero ... nineteen, each at its own value."""
_TEN_NAMES = {value: word for word, value in _TENS.items() if word != "fourty"}


def say_number(n: int) -> str:
    """A whole number from 0 to 999 in words: `a hundred and twenty five`."""
    if n >= 100:
        rest = n % 100
        head = "a hundred" if n // 100 == 1 else f"{_UNIT_NAMES[n // 100]} hundred"
        return head if rest == 0 else f"{head} and {say_number(rest)}"
    if n < 20:
        return _UNIT_NAMES[n]
    return f"{_TEN_NAMES[n // 10 * 10]} {_UNIT_NAMES[n % 10]}" if n % 10 else _TEN_NAMES[n]


@dataclass(frozen=True)
class Span:
    """A number or duration found in a token list: tokens[start:end] -> value."""

    start: int
    end: int
    value: float
    is_duration: bool


def parse_number(tokens: list[str], i: int) -> tuple[float, int] | None:
    """Parse a number (digits or words, up to the thousands) at tokens[i]; return (value, end)."""
    below = _parse_below_thousand(tokens, i)
    if below is None:
        return None
    value, end = below
    # "a thousand litres", "two thousand": said to the pumping log, and refused there by amount.
    if tokens[end : end + 1] == ["thousand"] and value == int(value) and 0 < value < 1000:
        value, end = value * 1000, end + 1
        rest = _parse_below_thousand(tokens, end + 1 if tokens[end : end + 1] == ["and"] else end)
        if rest and rest[0] == int(rest[0]):
            value, end = value + rest[0], rest[1]
    return value, end


def _parse_below_thousand(tokens: list[str], i: int) -> tuple[float, int] | None:
    if i >= len(tokens):
        return None
    if tokens[i] in ("a", "an") and tokens[i + 1 : i + 2] == ["thousand"]:
        return 1.0, i + 1
    token = tokens[i]
    if _DIGITS.match(token):
        return float(token), i + 1
    value = 0
    end = i
    leading = token in ("a", "an", "one") and i + 1 < len(tokens) and tokens[i + 1] == "hundred"
    if leading or token == "hundred":  # "a hundred and fifty", or just "hundred and fifty"
        value, end = 100, i + (2 if leading else 1)
        if end < len(tokens) and tokens[end] == "and" and _is_small(tokens, end + 1):
            end += 1
        rest = _parse_below_hundred(tokens, end)
        if rest:
            value, end = value + rest[0], rest[1]
        return float(value), end
    small = _parse_below_hundred(tokens, i)
    if not small:
        return None
    value, end = small
    if end < len(tokens) and tokens[end] == "hundred" and value < 10:
        value, end = value * 100, end + 1
        if end < len(tokens) and tokens[end] == "and" and _is_small(tokens, end + 1):
            end += 1
        rest = _parse_below_hundred(tokens, end)
        if rest:
            value, end = value + rest[0], rest[1]
    # "two point five": recognisers write a spoken 2.5 out in words.
    if (
        tokens[end : end + 1] == ["point"]
        and end + 1 < len(tokens)
        and tokens[end + 1] in _UNITS
        and _UNITS[tokens[end + 1]] < 10
    ):
        return value + _UNITS[tokens[end + 1]] / 10, end + 2
    return float(value), end


def _is_small(tokens: list[str], i: int) -> bool:
    return i < len(tokens) and (tokens[i] in _UNITS or tokens[i] in _TENS)


def _parse_below_hundred(tokens: list[str], i: int) -> tuple[int, int] | None:
    if i >= len(tokens):
        return None
    token = tokens[i]
    if token in _TENS:
        value = _TENS[token]
        if i + 1 < len(tokens) and tokens[i + 1] in _UNITS and 0 < _UNITS[tokens[i + 1]] < 10:
            return value + _UNITS[tokens[i + 1]], i + 2
        return value, i + 1
    if token in _UNITS:
        return _UNITS[token], i + 1
    return None


def _article_or_number(tokens: list[str], i: int) -> tuple[float, int] | None:
    """A number, or "a"/"an" meaning one, or "a couple of" meaning two."""
    if i < len(tokens) and tokens[i] in ("a", "an"):
        if tokens[i + 1 : i + 3] == ["couple", "of"]:
            return 2.0, i + 3
        if i + 1 < len(tokens) and tokens[i + 1] == "hundred":
            return parse_number(tokens, i)
        return 1.0, i + 1
    return parse_number(tokens, i)


def _unit_at(tokens: list[str], i: int) -> int | None:
    return _UNIT_MINUTES.get(tokens[i]) if i < len(tokens) else None


def parse_duration(tokens: list[str], i: int) -> tuple[float, int] | None:
    """Parse a spoken duration at tokens[i]; return (minutes, end index) or None."""
    # "half an hour", "half hour"
    if i < len(tokens) and tokens[i] == "half":
        j = i + 1
        if j < len(tokens) and tokens[j] in ("an", "a"):
            j += 1
        if _unit_at(tokens, j) == 60:
            return 30.0, j + 1
        return None
    # "a quarter of an hour", "quarter hour"
    j = i + 1 if i < len(tokens) and tokens[i] in ("a", "an") else i
    if j < len(tokens) and tokens[j] == "quarter":
        k = j + 1
        if tokens[k : k + 2] in (["of", "an"], ["of", "a"]):
            k += 2
        if _unit_at(tokens, k) == 60:
            return 15.0, k + 1
        return None
    # "a half hour"
    if tokens[i : i + 2] in (["a", "half"],) and _unit_at(tokens, i + 2) == 60:
        return 30.0, i + 3
    number = _article_or_number(tokens, i)
    if not number and i < len(tokens) and tokens[i] in ("hour", "minute"):
        number = (1.0, i)  # "every hour", "hour and a half"
    if not number:
        return None
    amount, j = number
    half = 0.0
    if tokens[j : j + 3] == ["and", "a", "half"]:  # "two and a half hours"
        half, j = 0.5, j + 3
    unit = _unit_at(tokens, j)
    if unit is None:
        return None
    minutes = (amount + half) * unit
    j += 1
    if not half:
        if tokens[j : j + 3] == ["and", "a", "half"]:  # "an hour and a half"
            minutes += unit / 2
            j += 3
        elif unit == 60:  # "an hour and fifteen minutes", "1 hour 30 minutes"
            k = j + 1 if j < len(tokens) and tokens[j] == "and" else j
            more = parse_number(tokens, k)
            if more and _unit_at(tokens, more[1]) == 1:
                minutes += more[0]
                j = more[1] + 1
    return minutes, j


def find_spans(tokens: list[str]) -> list[Span]:
    """Find every duration (preferred) or bare number in tokens, left to right, without overlap."""
    spans: list[Span] = []
    i = 0
    while i < len(tokens):
        duration = parse_duration(tokens, i)
        if duration:
            spans.append(Span(i, duration[1], duration[0], True))
            i = duration[1]
            continue
        if tokens[i] not in ("a", "an", "and", "half") or tokens[i + 1 : i + 2] in (
            ["hundred"],
            ["thousand"],
        ):
            number = parse_number(tokens, i)
            if number:
                spans.append(Span(i, number[1], number[0], False))
                i = number[1]
                continue
        i += 1
    return spans


def duration_phrases() -> list[str]:
    """Common spoken durations, for recogniser grammars (a closed list cannot cover them all)."""
    words = {v: k for k, v in _UNITS.items()} | {v: k for k, v in _TENS.items() if k != "fourty"}

    def say(n: int) -> str:
        if n in words:
            return words[n]
        if n < 100:
            return f"{words[n - n % 10]} {words[n % 10]}"
        rest = n - 100
        return "a hundred" if rest == 0 else f"a hundred and {say(rest)}"

    phrases = ["an hour", "half an hour", "an hour and a half", "a minute", "a couple of hours"]
    phrases += [f"{say(n)} hours" for n in range(2, 13)]
    phrases += [f"{say(n)} and a half hours" for n in range(1, 6)]
    phrases += [f"{say(n)} minutes" for n in (*range(1, 60), *range(60, 181, 15))]
    phrases += [f"an hour and {say(n)} minutes" for n in (10, 15, 20, 30, 40, 45)]
    phrases += [f"{say(n)} hours and {say(m)} minutes" for n in (2, 3) for m in (15, 30, 45)]
    return phrases
