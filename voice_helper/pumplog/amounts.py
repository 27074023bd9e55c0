"""Amounts of milk: units, the limit of one session, and saying an amount the way people do."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from voice_helper.words.numbers import say_number

_LOGGER = logging.getLogger(__name__)

UNITS = ("ml", "oz")
"""Units she may log in (and the config's `volume_unit` choices)."""
ML_PER_UNIT = {"ml": 1.0, "oz": 29.5735, "l": 1000.0}
"""Millilitres in one of each unit that can be said ("litres" only so that it can be refused)."""
MAX_SESSION_ML = 500.0
"""Most one session can give: both breasts together rarely give more than 250 ml, so anything
above twice that is a mishearing or a slip, and is refused rather than logged."""
_NAMES = {"ml": ("millilitre", "millilitres"), "oz": ("ounce", "ounces"), "l": ("litre", "litres")}


@dataclass(frozen=True)
class Amount:
    """What one session gave, in millilitres, with the unit she said it in."""

    ml: float
    """The whole session, both sides."""
    unit: str
    """ml or oz: how she said it (and how it is said back)."""
    left_ml: float | None = None
    """The left side, when she gave the sides."""
    right_ml: float | None = None
    """The right side, when she gave the sides."""


@dataclass(frozen=True)
class Refusal:
    """An amount that cannot be logged, with the spoken reason."""

    key: str
    """Prompt key of the reason (log_too_much, log_unclear)."""
    values: dict[str, str]
    """Placeholders of the prompt."""


def amount_from_slots(slots: dict[str, Any], default_unit: str) -> Amount | Refusal:
    """The Amount said in an intent's slots (amount, or left and right; unit; half), or why not."""
    unit = str(slots.get("unit") or default_unit)
    if unit not in ML_PER_UNIT:
        return Refusal("log_unclear", {})
    half = 0.5 if slots.get("half") else 0.0
    sides = [slots.get("left"), slots.get("right")]
    left: float | None
    right: float | None
    if all(side is not None for side in sides):
        left, right = (float(side) * ML_PER_UNIT[unit] for side in sides)  # type: ignore[arg-type]
        total = left + right
    elif slots.get("amount") is not None:
        left = right = None
        total = (float(slots["amount"]) + half) * ML_PER_UNIT[unit]
    else:
        return Refusal("log_unclear", {})
    if total < 0:
        return Refusal("log_unclear", {})
    if total > MAX_SESSION_ML:
        said = (
            (float(slots.get("amount") or 0) + half) if left is None else total / ML_PER_UNIT[unit]
        )
        return Refusal(
            "log_too_much",
            {"amount": say_number_of(said, unit), "most": say_amount(MAX_SESSION_ML, default_unit)},
        )
    return Amount(total, unit if unit in UNITS else default_unit, left, right)


def say_number_of(value: float, unit: str) -> str:
    """`60 millilitres`, `2 ounces`, `one and a half ounces`, `1000 litres` (as said)."""
    singular, plural = _NAMES[unit]
    whole = int(value)
    fraction = value - whole
    if abs(fraction) < 1e-9:
        return f"{whole} {singular if whole == 1 else plural}"
    if abs(fraction - 0.5) < 1e-9:
        return (
            f"half {'an' if unit == 'oz' else 'a'} {singular}"
            if whole == 0
            else f"{_word(whole)} and a half {plural}"
        )
    return f"{value:g} {plural}"


def say_amount(ml: float, unit: str, rough: bool = False) -> str:
    """An amount in her unit, rounded as people say it: `60 millilitres`, `about 2 and a
    quarter ounces`; rough (averages, totals in ounces) rounds ml to 5 and ounces to quarters."""
    if ml <= 0:
        return f"no {_NAMES[unit][1]}" if unit != "ml" else "nothing"
    if unit == "oz":
        ounces = ml / ML_PER_UNIT["oz"]
        quarters = round(ounces * 4)
        if quarters == 0:
            return "less than a quarter of an ounce"
        about = "about " if abs(ounces - quarters / 4) > 0.03 else ""
        return about + _say_quarters(quarters)
    shown = round(ml / 5) * 5 if rough else round(ml)
    about = "about " if rough and abs(shown - ml) > 0.5 else ""
    return f"{about}{max(shown, 1):g} {_NAMES['ml'][0] if shown == 1 else _NAMES['ml'][1]}"


def _say_quarters(quarters: int) -> str:
    whole, rest = divmod(quarters, 4)
    part = {1: "a quarter", 2: "a half", 3: "three quarters"}.get(rest, "")
    if whole == 0:
        return {1: "a quarter of an ounce", 2: "half an ounce", 3: "three quarters of an ounce"}[
            rest
        ]
    if not part:
        return f"{whole} ounce" if whole == 1 else f"{whole} ounces"
    return f"{_word(whole)} and {part} ounces"


def _word(number: int) -> str:
    return say_number(number) if 0 <= number <= 12 else str(number)


def count_times(count: int, singular: str = "time", plural: str = "times") -> str:
    """`once`, `twice`, `three times`, `14 times` (or sessions)."""
    if singular == "time" and count in (1, 2):
        return ("once", "twice")[count - 1]
    return f"{_word(count)} {singular if count == 1 else plural}"
