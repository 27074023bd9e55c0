"""Early answers: a whole command answered before the closing window, and the rest of a
sentence that came after all ("tell me more ... about stress") heard with its start."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from voice_helper.assistant.recognition import Recogniser
from voice_helper.assistant.turn_log import TurnLog
from voice_helper.assistant.turns import Turn, TurnTaker
from voice_helper.dialogue.state import PLACE_INTENTS, Snapshot
from voice_helper.listen.endpoint import Utterance
from voice_helper.listen.engine import Transcript
from voice_helper.speak.channel import SpeechChannel
from voice_helper.speak.speech import Priority, Speech

_LOGGER = logging.getLogger(__name__)

FINAL_END_FRAMES = 7
"""After this many quiet frames (210 ms) a grammar sentence that no longer sentence extends
("snooze for ten minutes") is answered at once, instead of waiting out the closing window."""
EARLY_END_FRAMES = 10
"""After this many quiet frames (300 ms) any word-for-word command is answered, except one
with a number that the grammar cannot vouch is finished."""
CONTINUATION_S = 0.7
"""Speech heard this soon after an early answer is the rest of the same sentence ("tell me more
... about stress"): she cannot have heard the reply yet. The reply stops, and the whole sentence
is understood again: the same meaning gets the reply again, a new one becomes a new turn."""
ANSWER_INTENTS = frozenset({"yes", "no"})
"""Answers to an open question: answered after FINAL_END_FRAMES even if a longer sentence
starts with the same word."""
NUMBER_INTENTS = frozenset(
    {"set_reminder", "snooze", "log_amount", "answer_amount", "correct_amount", "log_past_session"}
)
"""Answered early only when complete: "every two hours ... and a half" may still be coming, and
"I got sixty ... millilitres" would otherwise be logged twice (a new meaning, a new turn)."""

UNDOABLE_INTENTS = PLACE_INTENTS | {"help"}
"""Early answers whose whole effect is the conversation's place: undone when the sentence they
began means something else ("I have ... a fever" is not a yes to the question)."""


@dataclass
class _EarlyAnswer:
    """An utterance answered before the closing window, and what it led to."""

    utterance: Utterance
    turn: Turn
    at_s: float
    """Stream time it was answered."""
    before: Snapshot
    """The conversation just before it was answered."""
    speech_end_s: float
    """Stream time its words ended (its turn record's speech_end_s)."""
    reply_stopped: bool = False
    """She went on talking while its reply was under way, so the reply was stopped."""


class EarlyAnswers:
    """Decides when what was said so far is a whole command, and hears out what follows it."""

    def __init__(
        self, turns: TurnTaker, channel: SpeechChannel, recogniser: Recogniser, log: TurnLog
    ):
        self.turns = turns
        self.channel = channel
        self.recogniser = recogniser
        self.log = log
        self.continuing = False
        """The utterance in progress began right after an early answer (see CONTINUATION_S)."""
        self._early: _EarlyAnswer | None = None
        """The last early-answered utterance, while its rest may still come."""

    def speech_began(self, at_s: float) -> bool:
        """An utterance began at stream time `at_s`: True when it continues an early answer
        (whose reply is then stopped)."""
        early = self._early
        self.continuing = early is not None and at_s - early.at_s < CONTINUATION_S
        if self.continuing:
            self._stop_early_reply()
        return self.continuing

    def is_whole_command(self, heard: Transcript, final_only: bool) -> bool:
        """What was said so far is, word for word, a whole command that makes sense now."""
        match = self.turns.matcher.match(heard.text)
        intent = match.intent
        # A bare yes or no to an open question is as good as finished: what could follow ("yes
        # I do") rarely changes it, and if it does she is still talking and the continuation
        # rule hears the whole sentence again.
        finished = heard.in_grammar and (
            not heard.may_continue
            or (intent is not None and intent.name in ANSWER_INTENTS and self.turns.dialogue.active)
        )
        accepted = self.turns.dialogue.accepted(intent)
        return not (
            accepted is None
            or match.score < 1.0
            or not self.turns.awake()
            or (final_only and not finished)
            or (accepted.name in NUMBER_INTENTS and not finished)
        )

    def answered(
        self,
        utterance: Utterance,
        turn: Turn | None,
        at_s: float,
        before: Snapshot,
        speech_end_s: float,
    ) -> None:
        """The utterance was answered early at stream time `at_s`, leading to `turn`; `before`
        is the conversation as it was."""
        self._early = _EarlyAnswer(utterance, turn, at_s, before, speech_end_s) if turn else None

    def rest_of(self, utterance: Utterance) -> Utterance | None:
        """Understand an early-answered sentence again with its rest; the whole, if it is new."""
        self.continuing = False
        early, self._early = self._early, None
        if early is None:
            return None
        first, turn = early.utterance, early.turn
        whole = Utterance(
            np.concatenate([first.samples, utterance.samples]), first.start_s, utterance.end_s
        )
        heard = self.recogniser.transcribe(whole.samples)
        meaning = self.turns.matcher.meaning(heard)
        new = meaning is not None and meaning != (turn.intent.key() if turn.intent else None)
        _LOGGER.info(
            "heard the rest of an early-answered sentence: %r (%s)",
            heard,
            "a new turn" if new else "same meaning",
        )
        event: dict[str, Any] = {
            "event": "continuation",
            "heard": heard,
            "new_turn": new,
            "start_s": round(utterance.start_s, 3),
        }
        if new and self._undoable(early):
            self.turns.dialogue.restore(early.before)
            assert turn.intent is not None
            event["undone"] = {
                "intent": turn.intent.name,
                "speech_end_s": round(early.speech_end_s, 3),
            }
        self.log.write(event)
        if new:
            return whole
        if early.reply_stopped:  # the same request: say the stopped reply after all
            for reply in turn.replies:
                self.channel.say(Speech(reply.text, Priority.REPLY, "reply", {"resumed": True}))
        return None

    @staticmethod
    def _undoable(early: _EarlyAnswer) -> bool:
        """The early answer only moved the conversation, so it can be taken back (a yes that
        confirmed a waiting action may have acted, and stands)."""
        intent = early.turn.intent
        if intent is None or intent.name not in UNDOABLE_INTENTS:
            return False
        return not (intent.name == "yes" and early.before.pending is not None)

    def _stop_early_reply(self) -> None:
        """She is still talking: stop the reply to the first part (never safety advice)."""
        if self._early is None or any(r.safety for r in self._early.turn.replies):
            return
        self._early.reply_stopped = self.channel.busy()
        self.log.drop_queued_replies(self.channel)
        self.channel.cancel_current()
