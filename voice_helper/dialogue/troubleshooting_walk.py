"""The troubleshooting walk: one question per cause, remedies in chunks, the offer to go on,
and the summary; the pumping log may answer a question before it is asked."""

from __future__ import annotations

import logging
from typing import Protocol

from voice_helper.content import REMEDY_CHUNK, Cause, Content
from voice_helper.dialogue.reminder_talk import ReminderTalk
from voice_helper.dialogue.replies import Reply
from voice_helper.dialogue.state import State, Step

_LOGGER = logging.getLogger(__name__)


class Conversation(Protocol):
    """What the walk keeps its place in (the Dialogue)."""

    state: State
    intro_said: bool


class TroubleshootingWalk:
    """Moves the conversation's State through the causes; every method returns the replies."""

    def __init__(self, content: Content, conversation: Conversation, talk: ReminderTalk):
        self.content = content
        self.conversation = conversation
        self.talk = talk

    @property
    def state(self) -> State:
        """The conversation's position (replaced whole when the walk ends)."""
        return self.conversation.state

    @state.setter
    def state(self, value: State) -> None:
        self.conversation.state = value

    def start(self) -> list[Reply]:
        """Begin the questions; the preamble only on the first run."""
        self.state = State(step=Step.QUESTION, in_flow=True, last_said=self.state.last_said)
        lead = "" if self.conversation.intro_said else self.content.intro
        self.conversation.intro_said = True
        return self._ask_current(lead)

    def answer(self, name: str) -> list[Reply]:
        """yes / no / not sure / next / back inside the conversation."""
        step = self.state.step
        if step is Step.QUESTION:
            if name in ("yes", "unsure"):
                cause = self.content.causes[self.state.question]
                if name == "yes":
                    self.state.matched.append(cause.id)
                    return self._start_remedy(cause)
                # Not knowing is no reason to skip a cause: hear how to check it.
                return [Reply(self.content.prompt("unsure_question")), *self._start_remedy(cause)]
            if name in ("no", "next"):
                return self._next_question()
            return self._back_question()
        if step is Step.REMEDY:
            if name in ("next", "yes", "unsure"):
                self.state.chunk += 1
                return [Reply(self._remedy_text())]
            if name == "no":
                return self._finish_remedy_early()
            return self._back_remedy()
        if step is Step.OFFER:
            if name in ("yes", "next", "unsure"):
                return self._next_question()
            if name == "no":
                return self._summary()
            self.state.step, self.state.chunk = Step.REMEDY, self._last_chunk()
            return [Reply(self._remedy_text())]
        return []

    def question_text(self) -> str:
        """The current cause's question."""
        return self.content.causes[self.state.question].question

    def question_again(self, step: Step) -> list[Reply]:
        """The open question once more (after a red flag's advice), or nothing if none is open."""
        return [Reply(self.question_text())] if step is Step.QUESTION else []

    def ask_cause(self, cause_id: str | None) -> list[Reply]:
        """A direct question about one cause: its remedy (with what the log shows)."""
        try:
            cause = self.content.cause(str(cause_id))
        except KeyError:
            return [Reply(self.content.prompt("unknown_cause"))]
        if cause.id not in self.state.matched:
            self.state.matched.append(cause.id)
        if self.state.step is Step.IDLE:
            self.state = State(last_said=self.state.last_said, matched=[cause.id])
        replies = self._start_remedy(cause)
        facts = self.talk.log_facts(cause.id)
        if facts is not None:
            replies[0] = Reply(f"{facts.text} {replies[0].text}")
        return replies

    def _next_question(self) -> list[Reply]:
        if self.state.step is Step.OFFER:
            self.state.question = self._question_after(self.state.cause)
        else:
            self.state.question += 1
        if self.state.question >= len(self.content.causes):
            return self._summary()
        self.state.step, self.state.cause = Step.QUESTION, None
        return self._ask_current()

    def _ask_current(self, lead: str = "") -> list[Reply]:
        """Ask the current cause's question, unless the pumping log answers it (then say what
        the log shows and go on: to the remedy, or to the next question)."""
        while True:
            cause = self.content.causes[self.state.question]
            facts = self.talk.log_facts(cause.id)
            if facts is None or facts.answer is None:
                said = (lead, facts.text if facts else "", cause.question)
                return [Reply(" ".join(part for part in said if part))]
            lead = f"{lead} {facts.text}".strip()
            if facts.answer:
                self.state.matched.append(cause.id)
                first, *rest = self._start_remedy(cause)
                return [Reply(f"{lead} {first.text}"), *rest]
            self.state.question += 1
            if self.state.question >= len(self.content.causes):
                first, *rest = self._summary()
                return [Reply(f"{lead} {first.text}"), *rest]

    def _question_after(self, cause: Cause | None) -> int:
        """Where the questions resume after a remedy: past the cause just answered."""
        current = self.content.causes[min(self.state.question, len(self.content.causes) - 1)]
        return self.state.question + 1 if cause is current else self.state.question

    def _back_question(self) -> list[Reply]:
        if self.state.question == 0:
            return [Reply(f"{self.content.prompt('nothing_before')} {self.question_text()}")]
        self.state.question -= 1
        previous = self.content.causes[self.state.question].id
        if previous in self.state.matched:
            self.state.matched.remove(previous)
        return [Reply(self.question_text())]

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
            return [Reply(self.question_text())]
        return [Reply(self._remedy_text())]

    def _summary(self) -> list[Reply]:
        names = [self.content.cause(c).name for c in self.state.matched]
        if names:
            text = self.content.prompt("summary_found", names=", ".join(names))
        else:
            text = self.content.prompt("summary_none")
        help_text = " ".join((self.content.prompt("summary_help"), *self.content.help_resources))
        self.state = State(last_said=self.state.last_said)
        return [Reply(f"{text} {help_text}")]
