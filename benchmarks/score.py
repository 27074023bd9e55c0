"""Score transcripts as the assistant would act on them: exact, wrong action, no action."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from benchmarks.speech_set import Case
from voice_helper.intent import INTENT_NAMES, Intent
from voice_helper.understand.matcher import IntentMatcher

IDLE_IGNORED = frozenset({"yes", "no", "next", "back"})
"""Intents the dialogue ignores when no question is open (Dialogue.expected_intents)."""


@dataclass
class Tally:
    """Counts for one group of cases."""

    commands: int = 0
    exact: int = 0
    wrong: int = 0
    noncommands: int = 0
    false_actions: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        self.commands += other.commands
        self.exact += other.exact
        self.wrong += other.wrong
        self.noncommands += other.noncommands
        self.false_actions += other.false_actions
        self.failures += other.failures

    def rates(self) -> dict[str, Any]:
        """Percentages, rounded for the table."""

        def pct(part: int, whole: int) -> float | None:
            return round(100.0 * part / whole, 1) if whole else None

        return {
            "commands": self.commands,
            "exact_pct": pct(self.exact, self.commands),
            "wrong_pct": pct(self.wrong, self.commands),
            "no_action_pct": pct(self.commands - self.exact - self.wrong, self.commands),
            "noncommands": self.noncommands,
            "false_action_pct": pct(self.false_actions, self.noncommands),
        }


def understand(matcher: IntentMatcher, text: str) -> Intent | None:
    """What the turn taker would act on, out of context (as a fresh command)."""
    return matcher.match(text).intent


def verdict(case: Case, intents: list[Intent | None]) -> str:
    """exact / wrong / none for a command; false_action / ignored for anything else."""
    if case.kind == "command":
        acted = [i for i in intents if i is not None]
        expected = (case.intent, dict(case.slots))
        if any((i.name, i.slots) != expected for i in acted):
            return "wrong"
        return "exact" if len(acted) == 1 else "none"
    # Not a command: an action is anything the idle dialogue would do something with.
    acted = [i for i in intents if i is not None and i.name not in IDLE_IGNORED]
    return "false_action" if acted else "ignored"


def score(
    cases: list[tuple[Case, str]],
    texts_of: Callable[[Case, str], list[str]],
    matcher: IntentMatcher,
) -> dict[tuple[str, str], Tally]:
    """Tallies by (split, condition); texts_of gives the transcripts of (case, condition)."""
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for case, condition in cases:
        texts = texts_of(case, condition)
        intents = [understand(matcher, text) for text in texts]
        result = verdict(case, intents)
        tally = tallies[(case.split, condition)]
        if case.kind == "command":
            tally.commands += 1
            tally.exact += result == "exact"
            tally.wrong += result == "wrong"
        else:
            tally.noncommands += 1
            tally.false_actions += result == "false_action"
        if result not in ("exact", "ignored"):
            tally.failures.append(
                {
                    "kind": case.kind,
                    "voice": case.voice,
                    "said": case.text,
                    "heard": texts,
                    "expected": [case.intent, dict(case.slots)] if case.intent else None,
                    "got": [[i.name, i.slots] if i else None for i in intents],
                    "verdict": result,
                }
            )
    return tallies


assert IDLE_IGNORED < set(INTENT_NAMES)


def by_voice(
    cases: list[tuple[Case, str]],
    texts_of: Callable[[Case, str], list[str]],
    matcher: IntentMatcher,
) -> dict[str, dict[str, float | None]]:
    """Exact intent+slots accuracy on commands per speaker (both rates) and condition."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for case, condition in cases:
        if case.kind != "command":
            continue
        speaker = ":".join(case.voice.split(":")[:2])
        intents = [understand(matcher, text) for text in texts_of(case, condition)]
        tally = counts[(f"{case.split}/{speaker}", condition)]
        tally[0] += verdict(case, intents) == "exact"
        tally[1] += 1
    table: dict[str, dict[str, float | None]] = defaultdict(dict)
    for (speaker, condition), (exact, total) in sorted(counts.items()):
        table[speaker][condition] = round(100.0 * exact / total, 1) if total else None
    return dict(table)
