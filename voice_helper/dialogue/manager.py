"""The conversation: each heard intent to its replies. Safety first; the troubleshooting walk,
the doubtful-meaning check and the reminder calls each have their own module."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from voice_helper.content import Content
from voice_helper.dialogue import meaning_check, safety_replies
from voice_helper.dialogue.pick_up import PickUp
from voice_helper.dialogue.reminder_talk import (
    LOG_INTENTS,
    LOG_ONLY_INTENTS,
    REMINDER_INTENTS,
    ReminderTalk,
)
from voice_helper.dialogue.replies import Reply
from voice_helper.dialogue.state import (
    DEFAULT_CRISIS_LINE,
    IN_CONVERSATION_INTENTS,
    CrisisContacts,
    Pending,
    Snapshot,
    State,
    Step,
)
from voice_helper.dialogue.troubleshooting_walk import TroubleshootingWalk
from voice_helper.intent import INTENT_NAMES, Intent
from voice_helper.remind.contract import ReminderPort
from voice_helper.understand.understander import QUESTION

__all__ = [
    "AMOUNT_MISSES",
    "DEFAULT_CRISIS_LINE",
    "LOG_INTENTS",
    "LOG_ONLY_INTENTS",
    "MAX_MISSES",
    "REMINDER_INTENTS",
    "CrisisContacts",
    "Dialogue",
    "Pending",
    "State",
    "Step",
]

_LOGGER = logging.getLogger(__name__)

MAX_MISSES = 3
"""Unrecognised utterances in a row before offering help and going idle."""
AMOUNT_MISSES = 2
"""Unrecognised answers to "How much did you get?" before the question is dropped."""


class Dialogue:
    """Turns each intent (or None for an unrecognised utterance) into replies."""

    def __init__(
        self,
        content: Content,
        reminders: ReminderPort | None = None,
        text_mode: bool = False,
        contacts: CrisisContacts | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.content = content
        self.contacts = contacts or CrisisContacts()
        self.reminders = reminders
        self.text_mode = text_mode
        self.state = State()
        self.pending: Pending | None = None
        """Set while a check ("Did you want ...?") or a repeated number is awaited."""
        self.intro_said = False
        """The troubleshooting preamble has been said once this run: later runs of the questions
        start with the question itself (it is still said on "help")."""
        self.pick_up = PickUp(clock)
        self.talk = ReminderTalk(content, reminders)
        self.walk = TroubleshootingWalk(content, self, self.talk)

    @property
    def active(self) -> bool:
        """True while a question or remedy is open (or the amount of a session was asked)."""
        return self.state.step is not Step.IDLE or self.state.awaiting_amount

    def context(self) -> str | None:
        """QUESTION while a yes/no question is open (so "it does" is an answer), else None."""
        if self.pending is not None or self.state.step in (Step.QUESTION, Step.OFFER):
            return QUESTION
        return None

    def expected_intents(self) -> set[str]:
        """Intents that make sense now; a bare yes or no with no open question is ignored."""
        closed = set() if self.state.awaiting_amount else {"answer_amount"}
        if self.state.step is Step.IDLE and self.pending is None and not self.pick_up.waiting():
            more = {"next"} if self.state.safety_route else set()
            return (set(INTENT_NAMES) - IN_CONVERSATION_INTENTS - closed) | more
        # Inside the troubleshooting the log is not talked to: its sentences would only give
        # the recogniser more to confuse with the answers (and with the reply's own echo).
        return set(INTENT_NAMES) - closed - set(LOG_ONLY_INTENTS)

    def accepted(self, intent: Intent | None) -> Intent | None:
        """The intent if it makes sense now, else None (e.g. "yes" with no question open)."""
        if intent is not None and intent.name not in self.expected_intents():
            return None
        return intent

    def check_first(self, intent: Intent, missing: str | None = None) -> list[Reply]:
        """Ask once before acting on a doubtful meaning, or ask again for a missing number."""
        self.pending, question = meaning_check.check(self.content, intent, missing)
        return self._said([question])

    def describe(self, intent: Intent) -> str:
        """A meaning in words, for "Did you want ...?"."""
        return meaning_check.describe(self.content, intent)

    def handle(self, intent: Intent | None, confirmed: bool = False) -> list[Reply]:
        """The replies to one utterance; an empty list means stay silent."""
        intent = self.accepted(intent)
        resumed = self._resume(intent)
        if resumed is not None:
            return self._said(resumed)
        pending, self.pending = self.pending, None
        if pending is not None and intent is not None and intent.name == "repeat":
            self.pending = pending  # the check is said again and still stands
        elif pending is not None and pending.missing is None and intent is not None:
            if intent.name == "yes":
                intent, confirmed = pending.intent, True
            elif intent.name == "no" and pending.declined is not None:
                return self._said([Reply(pending.declined, safety=True)])
            elif intent.name == "no":
                return self._said([Reply(self.content.meaning_prompt("declined"))])
        if (
            intent is not None
            and intent.name == "cancel_reminders"
            and not confirmed
            and self.reminders is not None
        ):
            self.pending = Pending(intent)
            listing = self.reminders.list_reminders()
            return self._said(
                [Reply(self.content.meaning_prompt("confirm_cancel", reminders=listing))]
            )
        return self._said(self._dispatch(intent))

    def snapshot(self) -> Snapshot:
        """Where the conversation is now, for restore()."""
        return Snapshot(self.state.copy(), self.pending, self.intro_said)

    def restore(self, snapshot: Snapshot) -> None:
        """Put the conversation back where snapshot() found it (an answer she did not give)."""
        self.state = snapshot.state.copy()
        self.pending = snapshot.pending
        self.intro_said = snapshot.intro_said

    def _resume(self, intent: Intent | None) -> list[Reply] | None:
        """Pick the given-up questions up again on an answer; None when this is no such answer."""
        if intent is None or self.state.step is not Step.IDLE:
            return None
        parked = self.pick_up.take(intent.name)
        if parked is None:
            return None
        self.restore(parked)
        self.state.misses = 0
        if intent.name == "repeat" and self.state.step is Step.QUESTION:
            return [Reply(self.walk.question_text())]
        return self._dispatch(intent)

    def handle_stop_silently(self) -> None:
        """The user cut the speech with a stop word: end the conversation without a reply."""
        self._stop()

    def _said(self, replies: list[Reply]) -> list[Reply]:
        """Remember what was said, for repeat."""
        if replies:
            self.state.last_said = " ".join(r.text for r in replies if r.text)
        return replies

    def _dispatch(self, intent: Intent | None) -> list[Reply]:
        if intent is None:
            return self._miss()
        self.state.misses = 0
        self.state.awaiting_amount = False
        name = intent.name
        if name in ("crisis", "safety_check", "urgent_symptom"):
            return self._safety(intent)
        if self.state.safety_route and name in ("next", "repeat") and not self.active:
            route = self.state.safety_route
            text = safety_replies.route_more(self.content, route, self.contacts, name == "repeat")
            return [Reply(text, safety=True)]
        self.state.safety_route = ""
        if name == "repeat":
            said = self.state.last_said or self.content.prompt("nothing_to_repeat")
            return [Reply(said)]
        if name == "help":
            help_text = self.content.prompt(_HELP_KEYS[self.state.step])
            if self.state.step is Step.QUESTION:
                help_text = f"{self.content.intro} {help_text}"
            return [Reply(help_text)]
        if name == "stop":
            return self._stop()
        if name == "troubleshoot":
            return self.walk.start()
        if name == "ask_cause":
            return self.walk.ask_cause(intent.slots.get("cause"))
        if name == "start_breathing":
            return [Reply(self.talk.call("start_breathing", {}))]
        if name in LOG_INTENTS:
            text, wanted = self.talk.log_call(name, intent.slots)
            if wanted:
                self.state.awaiting_amount = True
            return [Reply(text)]
        if name in REMINDER_INTENTS:
            return [Reply(self.talk.call(name, intent.slots))]
        return self.walk.answer(name)

    def _safety(self, intent: Intent) -> list[Reply]:
        """Above everything: a route's reply, its one check question, or a red flag's advice."""
        route = str(intent.slots.get("route") or "suicidal_thoughts")
        if intent.name == "safety_check":
            self.pending, ask = safety_replies.check(self.content, route, self.contacts)
            return [ask]
        if intent.name == "urgent_symptom":
            advice = Reply(safety_replies.red_flag_text(self.content, intent), safety=True)
            return [advice, *self.walk.question_again(self.state.step)]
        self.talk.stop_breathing()
        self.state = State(last_said=self.state.last_said, safety_route=route)
        return [Reply(safety_replies.route_reply(self.content, route, self.contacts), safety=True)]

    def _stop(self) -> list[Reply]:
        self.talk.stop_breathing()
        was_active = self.active
        self.state = State(last_said=self.state.last_said)
        if was_active or self.text_mode:
            return [Reply(self.content.prompt("stopped"))]
        return []

    def _miss(self) -> list[Reply]:
        if self.state.awaiting_amount:
            # Ask once more; after that the talk was probably not to us: let the amount go.
            self.state.misses += 1
            if self.state.misses >= AMOUNT_MISSES:
                self.state = State(last_said=self.state.last_said)
                return [Reply(self.content.prompt("gave_up"))] if self.text_mode else []
            return [Reply(self.content.prompt("log_ask_again"))]
        if self.state.step is Step.IDLE and not self.text_mode:
            return []
        self.state.misses += 1
        if self.state.misses >= MAX_MISSES:
            self.pick_up.park(self.snapshot())
            self.state = State(last_said=self.state.last_said)
            return [Reply(self.content.prompt("gave_up"))]
        key = "reprompt_question" if self.state.step in (Step.QUESTION, Step.OFFER) else "reprompt"
        return [Reply(self.content.prompt(key))]


_HELP_KEYS = {
    Step.IDLE: "help_idle",
    Step.QUESTION: "help_question",
    Step.REMEDY: "help_remedy",
    Step.OFFER: "help_offer",
}
