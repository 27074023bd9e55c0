"""The troubleshooting conversation: one question per cause, remedies in chunks, safety first."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import Enum

from voice_helper.content import Cause, Content
from voice_helper.dialogue.replies import ReminderPort, Reply
from voice_helper.understand.intent import INTENT_NAMES, Intent

_LOGGER = logging.getLogger(__name__)

REMEDY_CHUNK = 3
"""Remedy steps read out before "say next for more"."""
MAX_MISSES = 3
"""Unrecognised utterances in a row before offering help and going idle."""
REMINDER_INTENTS = ("set_reminder", "list_reminders", "cancel_reminders", "snooze",
                    "start_session", "end_session", "last_session", "missed")


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


class Dialogue:
    """Turns each intent (or None for an unrecognised utterance) into replies."""

    def __init__(self, content: Content, reminders: ReminderPort | None = None,
                 text_mode: bool = False):
        self.content = content
        self.reminders = reminders
        self.text_mode = text_mode
        self.state = State()
        self.intro_said = False
        """The troubleshooting preamble has been said once this run: later runs of the questions
        start with the question itself (it is still said on "help")."""

    @property
    def active(self) -> bool:
        """True while a question or remedy is open."""
        return self.state.step is not Step.IDLE

    def expected_intents(self) -> set[str]:
        """Intents that make sense now; a bare yes or no with no open question is ignored."""
        if self.state.step is Step.IDLE:
            return set(INTENT_NAMES) - {"yes", "no", "next", "back"}
        return set(INTENT_NAMES)

    def accepted(self, intent: Intent | None) -> Intent | None:
        """The intent if it makes sense now, else None (e.g. "yes" with no question open)."""
        if intent is not None and intent.name not in self.expected_intents():
            return None
        return intent

    def handle(self, intent: Intent | None) -> list[Reply]:
        """The replies to one utterance; an empty list means stay silent."""
        intent = self.accepted(intent)
        replies = self._dispatch(intent)
        if replies:
            self.state.last_said = " ".join(r.text for r in replies if r.text)
        return replies

    def _dispatch(self, intent: Intent | None) -> list[Reply]:
        if intent is None:
            return self._miss()
        self.state.misses = 0
        name = intent.name
        if name == "urgent_symptom":
            return self._urgent()
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
            self.state = State(step=Step.QUESTION, in_flow=True, last_said=self.state.last_said)
            if self.intro_said:
                return [Reply(self._question_text())]
            self.intro_said = True
            return [Reply(f"{self.content.intro} {self._question_text()}")]
        if name == "ask_cause":
            return self._ask_cause(intent.slots.get("cause"))
        if name == "start_breathing":
            return [Reply(self._reminders_call("start_breathing"))]
        if name in REMINDER_INTENTS:
            return [Reply(self._reminders_call(name, **intent.slots))]
        return self._answer(name)

    def _answer(self, name: str) -> list[Reply]:
        """yes / no / next / back inside the conversation."""
        step = self.state.step
        if step is Step.QUESTION:
            if name == "yes":
                cause = self.content.causes[self.state.question]
                self.state.matched.append(cause.id)
                return self._start_remedy(cause)
            if name in ("no", "next"):
                return self._next_question()
            return self._back_question()
        if step is Step.REMEDY:
            if name in ("next", "yes"):
                self.state.chunk += 1
                return [Reply(self._remedy_text())]
            if name == "no":
                return self._finish_remedy_early()
            return self._back_remedy()
        if step is Step.OFFER:
            if name in ("yes", "next"):
                return self._next_question()
            if name == "no":
                return self._summary()
            self.state.step, self.state.chunk = Step.REMEDY, self._last_chunk()
            return [Reply(self._remedy_text())]
        return []

    def _question_text(self) -> str:
        return self.content.causes[self.state.question].question

    def _next_question(self) -> list[Reply]:
        if self.state.step is Step.OFFER:
            self.state.question = self._question_after(self.state.cause)
        else:
            self.state.question += 1
        if self.state.question >= len(self.content.causes):
            return self._summary()
        self.state.step, self.state.cause = Step.QUESTION, None
        return [Reply(self._question_text())]

    def _question_after(self, cause: Cause | None) -> int:
        """Where the questions resume after a remedy: past the cause just answered."""
        current = self.content.causes[min(self.state.question, len(self.content.causes) - 1)]
        return self.state.question + 1 if cause is current else self.state.question

    def _back_question(self) -> list[Reply]:
        if self.state.question == 0:
            return [Reply(f"{self.content.prompt('nothing_before')} {self._question_text()}")]
        self.state.question -= 1
        previous = self.content.causes[self.state.question].id
        if previous in self.state.matched:
            self.state.matched.remove(previous)
        return [Reply(self._question_text())]

    def _start_remedy(self, cause: Cause) -> list[Reply]:
        self.state.step, self.state.cause, self.state.chunk = Step.REMEDY, cause, 0
        return [Reply(self._remedy_text())]

    def _last_chunk(self) -> int:
        assert self.state.cause is not None
        return (len(self.state.cause.remedy) - 1) // REMEDY_CHUNK

    def _remedy_text(self) -> str:
        """The current chunk; the last chunk also says when to get help and what comes next."""
        cause = self.state.cause
        assert cause is not None
        chunk = min(self.state.chunk, self._last_chunk())
        self.state.chunk = chunk
        steps = cause.remedy[chunk * REMEDY_CHUNK : (chunk + 1) * REMEDY_CHUNK]
        parts = [cause.explanation] if chunk == 0 else []
        parts += steps
        if chunk < self._last_chunk():
            parts.append(self.content.prompt("more_remedy"))
            return " ".join(parts)
        parts.append(cause.professional_help)
        parts.append(self._after_remedy())
        return " ".join(parts)

    def _after_remedy(self) -> str:
        """Leave the remedy: offer the other questions, sum up, or go idle after a direct ask."""
        assert self.state.cause is not None
        if not self.state.in_flow:
            name = self.state.cause.name
            self.state = State(last_said=self.state.last_said)
            return self.content.prompt("end_of_remedy", name=name)
        if self._question_after(self.state.cause) < len(self.content.causes):
            self.state.step = Step.OFFER
            return self.content.prompt("offer_continue")
        return self._summary()[0].text

    def _finish_remedy_early(self) -> list[Reply]:
        self.state.chunk = self._last_chunk()
        cause = self.state.cause
        assert cause is not None
        return [Reply(f"{cause.professional_help} {self._after_remedy()}")]

    def _back_remedy(self) -> list[Reply]:
        if self.state.chunk > 0:
            self.state.chunk -= 1
            return [Reply(self._remedy_text())]
        if self.state.in_flow:
            cause = self.state.cause
            if cause is not None and cause.id in self.state.matched:
                self.state.matched.remove(cause.id)
            self.state.step, self.state.cause = Step.QUESTION, None
            return [Reply(self._question_text())]
        return [Reply(self._remedy_text())]

    def _ask_cause(self, cause_id: str | None) -> list[Reply]:
        try:
            cause = self.content.cause(str(cause_id))
        except KeyError:
            return [Reply(self.content.prompt("unknown_cause"))]
        if cause.id not in self.state.matched:
            self.state.matched.append(cause.id)
        if self.state.step is Step.IDLE:
            self.state = State(last_said=self.state.last_said, matched=[cause.id])
        return self._start_remedy(cause)

    def _summary(self) -> list[Reply]:
        names = [self.content.cause(c).name for c in self.state.matched]
        if names:
            text = self.content.prompt("summary_found", names=", ".join(names))
        else:
            text = self.content.prompt("summary_none")
        help_text = " ".join((self.content.prompt("summary_help"), *self.content.help_resources))
        self.state = State(last_said=self.state.last_said)
        return [Reply(f"{text} {help_text}")]

    def _urgent(self) -> list[Reply]:
        replies = [Reply(self.content.red_flag_advice, safety=True)]
        if self.state.step is Step.QUESTION:
            replies.append(Reply(self._question_text()))
        return replies

    def _stop(self) -> list[Reply]:
        if self.reminders is not None:
            self.reminders.stop_breathing()
        was_active = self.active
        self.state = State(last_said=self.state.last_said)
        if was_active or self.text_mode:
            return [Reply(self.content.prompt("stopped"))]
        return []

    def handle_stop_silently(self) -> None:
        """The user cut the speech with a stop word: end the conversation without a reply."""
        self._stop()

    def _miss(self) -> list[Reply]:
        if self.state.step is Step.IDLE and not self.text_mode:
            return []
        self.state.misses += 1
        if self.state.misses >= MAX_MISSES:
            self.state = State(last_said=self.state.last_said)
            return [Reply(self.content.prompt("gave_up"))]
        key = "reprompt_question" if self.state.step in (Step.QUESTION, Step.OFFER) else "reprompt"
        return [Reply(self.content.prompt(key))]

    def _reminders_call(self, method: str, **slots: object) -> str:
        if self.reminders is None:
            return "Reminders are not running right now."
        return str(getattr(self.reminders, method)(**slots))


_HELP_KEYS = {
    Step.IDLE: "help_idle",
    Step.QUESTION: "help_question",
    Step.REMEDY: "help_remedy",
    Step.OFFER: "help_offer",
}
