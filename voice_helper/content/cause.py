"""One reason milk may not come: its question, explanation and remedy, as the dialogue reads it."""

from __future__ import annotations

from dataclasses import dataclass, field

REMEDY_CHUNK = 2
"""Remedy steps read out in one reply before "say next for more"."""


@dataclass(frozen=True)
class Cause:
    """One reason milk may not come, with its question and remedy."""

    id: str
    """Stable id, e.g. "pump_setup"."""
    name: str
    """Short name used in speech: "stress"."""
    spoken_names: tuple[str, ...]
    """Words a parent may use for it: "it hurts", "the flange"."""
    question: str
    """One yes/no question that detects it."""
    explanation: str
    """Why it stops the milk, in a sentence or two."""
    remedy: tuple[str, ...]
    """Steps to try, one short sentence each."""
    professional_help: str
    """When and where to get professional help."""
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Source keys of each advice line: "explanation", "remedy[0]", ..., "professional_help"."""

    def remedy_chunks(self) -> tuple[tuple[str, ...], ...]:
        """The remedy steps in the groups read out one reply at a time."""
        steps = self.remedy
        return tuple(steps[i : i + REMEDY_CHUNK] for i in range(0, len(steps), REMEDY_CHUNK))
