"""Where the conversation is: the step, the cause, the chunk, and what waits for her say-so."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import Enum

from voice_helper.content import Cause
from voice_helper.content.countries import Country, spoken_digits
from voice_helper.intent import Intent

DEFAULT_CRISIS_LINE = "a crisis line in your country"
"""Said when neither the country nor the config names a crisis line: no foreign line is named."""


@dataclass(frozen=True)
class CrisisContacts:
    """Who the safety replies tell her to call: her country's lines, or the config's own."""

    emergency_number: str = "your local emergency number"
    crisis_line: str | None = None
    urgent_line: str = "your local urgent health line"
    """Same-day urgent help (postpartum psychosis)."""
    postnatal_line: str = "your midwife or health visitor"
    """A line for parents' mental health after a baby."""

    @classmethod
    def for_country(
        cls, country: Country | None, emergency_number: str | None, crisis_line: str | None
    ) -> CrisisContacts:
        """Her country's lines; a number set in the config wins over the table's."""
        if country is None:
            return cls(emergency_number or cls.emergency_number, crisis_line)
        return cls(
            emergency_number or country.emergency,
            crisis_line or country.crisis,
            country.urgent,
            country.postnatal,
        )

    def placeholders(self) -> dict[str, str]:
        """The values of a safety reply's {placeholders}, numbers said digit by digit."""
        values = {
            "emergency_number": self.emergency_number,
            "crisis_line": self.crisis_line or DEFAULT_CRISIS_LINE,
            "urgent_line": self.urgent_line,
            "postnatal_line": self.postnatal_line,
        }
        return {key: spoken_digits(value) for key, value in values.items()}


IN_CONVERSATION_INTENTS = frozenset({"yes", "no", "unsure", "next", "back"})
"""Mean something only while a question or remedy is open: ignored when idle."""
PLACE_INTENTS = IN_CONVERSATION_INTENTS | {"repeat"}
"""Intents whose whole effect is the conversation's place: no reminder, log or safety action."""


class Step(Enum):
    """Where the conversation is."""

    IDLE = "idle"
    QUESTION = "question"
    REMEDY = "remedy"
    OFFER = "offer"


@dataclass
class State:
    """The conversation's position; everything `back` and `repeat` need."""

    step: Step = Step.IDLE
    question: int = 0
    """Index of the cause being asked about, in the troubleshooting flow."""
    cause: Cause | None = None
    chunk: int = 0
    in_flow: bool = False
    """True while walking the questions; False after a direct ask_cause from idle."""
    matched: list[str] = field(default_factory=list)
    misses: int = 0
    last_said: str = ""
    awaiting_amount: bool = False
    """The assistant asked how much the session gave: a bare number answers it."""
    safety_route: str = ""
    """The safety route just answered: "tell me more" and "repeat" give the rest of it."""

    def copy(self) -> State:
        """An independent copy (its list of matched causes too)."""
        return dataclasses.replace(self, matched=list(self.matched))


@dataclass(frozen=True)
class Pending:
    """A meaning waiting for her say-so, or for the number she has to say again."""

    intent: Intent
    missing: str | None = None
    """The slot asked for again ("duration"), or None when only a yes is needed."""
    declined: str | None = None
    """Said on no instead of the usual "Okay" (the safety check's own answer)."""


@dataclass(frozen=True)
class Snapshot:
    """The conversation as it was before a turn, to put back if the turn is undone."""

    state: State
    pending: Pending | None
    intro_said: bool
