"""The questions given up on after too many misses, kept a short while for her answer."""

from __future__ import annotations

from collections.abc import Callable

from voice_helper.dialogue.state import PLACE_INTENTS, Snapshot

RESUME_SECONDS = 120.0
"""After giving up on the questions, an answer this soon picks them up where they were: over
the pump, three misses in a row are as often her partner or the motor as a walk away."""


class PickUp:
    """Where the questions were when given up on, while an answer may still pick them up."""

    def __init__(self, clock: Callable[[], float]):
        self.clock = clock
        self._parked: tuple[float, Snapshot] | None = None

    def park(self, snapshot: Snapshot) -> None:
        """The questions were given up on now, at `snapshot`."""
        self._parked = (self.clock(), snapshot)

    def waiting(self) -> bool:
        """An answer said now would still pick the questions up."""
        parked = self._parked
        return parked is not None and self.clock() - parked[0] < RESUME_SECONDS

    def take(self, intent_name: str) -> Snapshot | None:
        """The place to go back to if this intent (one of PLACE_INTENTS) picks the questions
        up; anything else lets them go. Either way the chance is used up."""
        waiting, parked, self._parked = self.waiting(), self._parked, None
        if not waiting or parked is None or intent_name not in PLACE_INTENTS:
            return None
        return parked[1]
