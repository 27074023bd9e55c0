"""One turn: heard text -> intent (in dialogue context, after the wake phrase) -> replies."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from voice_helper.dialogue.manager import Dialogue
from voice_helper.dialogue.replies import Reply
from voice_helper.intent import Intent
from voice_helper.understand.slots import fill_slots
from voice_helper.understand.understander import Understander
from voice_helper.words.normalize import normalize

_LOGGER = logging.getLogger(__name__)

STOP_SIMILARITY = 0.8
"""How close a transcript heard while speaking must be to a stop phrase to cut the speech."""


@dataclass
class Turn:
    """What one utterance led to."""

    heard: str
    intent: Intent | None
    replies: list[Reply] = field(default_factory=list)
    score: float = 0.0
    woke: bool = False
    """True when the utterance only opened the wake window."""


class TurnTaker:
    """Decides what an utterance means here and now, and what to say back."""

    def __init__(
        self,
        matcher: Understander,
        dialogue: Dialogue,
        wake_phrase: str | None = None,
        wake_idle_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.matcher = matcher
        self.dialogue = dialogue
        self.wake_tokens = normalize(wake_phrase) if wake_phrase else []
        self.wake_idle_seconds = wake_idle_seconds
        self.clock = clock
        self._awake_until = 0.0

    def awake(self) -> bool:
        """True when commands need no wake phrase: none configured, or a conversation is on."""
        return not self.wake_tokens or self.dialogue.active or self.clock() < self._awake_until

    def take(self, text: str) -> Turn:
        """Understand one utterance said while the assistant was quiet."""
        tokens = normalize(text)
        woke = False
        if not self.awake():
            if tokens[: len(self.wake_tokens)] != self.wake_tokens:
                return Turn(text, None)  # not addressed to us: do nothing at all
            tokens = tokens[len(self.wake_tokens) :]
            woke = True
            if not tokens:
                self._keep_awake()
                return Turn(text, None, [Reply("Yes?")], 1.0, woke=True)
        pending = self.dialogue.pending
        if pending is not None and pending.missing is not None:
            filled = fill_slots(pending.intent.name, pending.intent.slots, tokens)
            if filled.missing is None and filled.slots != pending.intent.slots:
                completed = Intent(pending.intent.name, filled.slots)  # "every three hours"
                self.dialogue.pending = None
                self._keep_awake()
                return Turn(text, completed, self.dialogue.handle(completed), 1.0, woke)
        match = self.matcher.match(" ".join(tokens), context=self.dialogue.context())
        intent = self.dialogue.accepted(match.intent)  # a "yes" said to someone else: None
        if intent is not None and (match.doubtful or match.missing):
            replies = self.dialogue.check_first(intent, match.missing)
        else:
            replies = self.dialogue.handle(intent)
        if intent is not None or woke or self.dialogue.active:
            self._keep_awake()
        return Turn(text, intent, replies, match.score, woke)

    def is_stop(self, text: str) -> bool:
        """True when text heard during speech is a stop command (stop, be quiet, cancel)."""
        match = self.matcher.match(text, allowed={"stop"})
        return match.intent is not None and match.score >= STOP_SIMILARITY

    def _keep_awake(self) -> None:
        self._awake_until = self.clock() + self.wake_idle_seconds
