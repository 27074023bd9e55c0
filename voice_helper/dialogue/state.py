"""Where the conversation is: the step, the cause, the chunk, and what waits for her say-so."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import Enum

from voice_helper.content import Cause
from voice_helper.intent import Intent

DEFAULT_CRISIS_LINE = (
    "a crisis line: in the US, call or text 988; in the UK, call the Samaritans on 116 123"
)
"""Said when the config names no crisis line for her country."""


@dataclass(frozen=True)
class CrisisContacts:
    """Who the crisis reply tells her to call, from the config."""

    emergency_number: str = "your local emergency number"
    crisis_line: str | None = None


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

    def copy(self) -> State:
        """An independent copy (its list of matched causes too)."""
        return dataclasses.replace(self, matched=list(self.matched))


@dataclass(frozen=True)
class Pending:
    """A meaning waiting for her say-so, or for the number she has to say again."""

    intent: Intent
    missing: str | None = None
    """The slot asked for again ("duration"), or None when only a yes is needed."""


@dataclass(frozen=True)
class Snapshot:
    """The conversation as it was before a turn, to put back if the turn is undone."""

    state: State
    pending: Pending | None
    intro_said: bool
