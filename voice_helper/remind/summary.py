"""One short spoken summary of what came due unheard (while off, or held in quiet hours)."""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo

from voice_helper.remind.clock import say_clock
from voice_helper.remind.delivery_log import Occurrence

_LOGGER = logging.getLogger(__name__)

_NAMES = {
    "pump": ("pump reminder", "pump reminders"),
    "relax": ("relaxation prompt", "relaxation prompts"),
    "breathing": ("breathing reminder", "breathing reminders"),
}
_NUMBERS = (
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)


def count_words(amount: int, kind: str) -> str:
    """`one pump reminder`, `three relaxation prompts`, `14 pump reminders`."""
    singular, plural = _NAMES.get(kind, (f"{kind} reminder", f"{kind} reminders"))
    number = _NUMBERS[amount] if amount < len(_NUMBERS) else str(amount)
    return f"{number} {singular if amount == 1 else plural}"


def join_words(parts: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def lead_for(items: list[Occurrence], while_off: bool) -> str:
    """How a summary opens, from why its items went unheard."""
    if all(item.state == "held" for item in items):
        return "During quiet hours"
    if while_off and all(item.state == "missed" for item in items):
        return "While I was off"
    return "While you couldn't hear me"


def summarize(items: list[Occurrence], now: datetime, zone: tzinfo, lead: str) -> str:
    """`While I was off, two pump reminders came due. The last one was at 3:40 AM.`"""
    if not items:
        return ""
    kinds = [kind for kind in _NAMES if any(item.kind == kind for item in items)]
    counts = [count_words(sum(1 for item in items if item.kind == kind), kind) for kind in kinds]
    verb = "came due" if len(items) > 1 else "was due"
    text = f"{lead}, {join_words(counts)} {verb}."
    pumps = [item for item in items if item.kind == "pump"]
    if pumps:
        last = max(pumps, key=lambda item: item.due_at)
        which = (
            "It"
            if len(items) == 1
            else "The last one"
            if len(pumps) == len(items)
            else "The last pump reminder"
        )
        text += f" {which} was {say_clock(last.due_at, now, zone)}."
    return text
