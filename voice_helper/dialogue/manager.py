"""The troubleshooting conversation: one question per cause, remedies in chunks, safety first."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum

from voice_helper.content import REMEDY_CHUNK, Cause, Content
from voice_helper.dialogue.replies import LogFacts, ReminderPort, Reply
from voice_helper.intent import INTENT_NAMES, Intent
from voice_helper.remind.durations import speak_duration
from voice_helper.understand.safety import SafetyHit, red_flag_reply
from voice_helper.understand.understander import QUESTION

_LOGGER = logging.getLogger(__name__)

MAX_MISSES = 3
"""Unrecognised utterances in a row before offering help and going idle."""
AMOUNT_MISSES = 2
"""Unrecognised answers to "How much did you get?" before the question is dropped."""
REMINDER_INTENTS = (
    "set_reminder",
    "list_reminders",
    "cancel_reminders",
    "snooze",
    "start_session",
    "end_session",
    "last_session",
    "missed",
    "log_amount",
    "correct_amount",
    "log_past_session",
    "ask_log",
)
LOG_ONLY_INTENTS = ("log_amount", "answer_amount", "correct_amount", "log_past_session", "ask_log")
"""The pumping log's own intents: listened for outside the troubleshooting."""
LOG_INTENTS = ("end_session", "log_amount", "answer_amount", "correct_amount", "log_past_session")
"""After these the pumping log may still want the session's amount ("How much did you get?")."""


DEFAULT_CRISIS_LINE = (
    "a crisis line: in the US, call or text 988; in the UK, call the Samaritans on 116 123"
)
"""Said when the config names no crisis line for her country."""


@dataclass(frozen=True)
class CrisisContacts:
    """Who the crisis reply tells her to call, from the config."""

    emergency_number: str = "your local emergency number"
    crisis_line: str | None = None


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


@dataclass(frozen=True)
class Pending:
    """A meaning waiting for her say-so, or for the number she has to say again."""

    intent: Intent
    missing: str | None = None
    """The slot asked for again ("duration"), or None when only a yes is needed."""


class Dialogue:
    """Turns each intent (or None for an unrecognised utterance) into replies."""

    def __init__(
        self,
        content: Content,
        reminders: ReminderPort | None = None,
        text_mode: bool = False,
        contacts: CrisisContacts | None = None,
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
        if self.state.step is Step.IDLE and self.pending is None:
            return set(INTENT_NAMES) - {"yes", "no", "next", "back"} - closed
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
        if missing is not None:
            self.pending = Pending(intent, missing)
            key = "ask_minutes" if missing == "minutes" else "ask_duration"
            return self._said([Reply(self.content.meaning_prompt(key))])
        self.pending = Pending(intent)
        return self._said(
            [Reply(self.content.meaning_prompt("confirm", meaning=self.describe(intent)))]
        )

    def describe(self, intent: Intent) -> str:
        """A meaning in words, for "Did you want ...?"."""
        slots = intent.slots
        cause = ""
        if "cause" in slots:
            try:
                cause = self.content.cause(str(slots["cause"])).name
            except KeyError:
                cause = str(slots["cause"])
        kinds = self.content.meanings.get("kinds", {})
        when = ""
        if slots.get("every_minutes"):
            when = f"every {speak_duration(timedelta(minutes=int(slots['every_minutes'])))}"
        elif slots.get("in_minutes"):
            when = f"in {speak_duration(timedelta(minutes=int(slots['in_minutes'])))}"
        text = self.content.meanings["meanings"].get(intent.name, intent.name)
        return " ".join(
            text.format(cause=cause, kind=kinds.get(slots.get("kind"), "pump"), when=when).split()
        )

    def handle(self, intent: Intent | None, confirmed: bool = False) -> list[Reply]:
        """The replies to one utterance; an empty list means stay silent."""
        intent = self.accepted(intent)
        pending, self.pending = self.pending, None
        if pending is not None and intent is not None and intent.name == "repeat":
            self.pending = pending  # the check is said again and still stands
        elif pending is not None and pending.missing is None and intent is not None:
            if intent.name == "yes":
                intent, confirmed = pending.intent, True
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
        if name == "crisis":
            return self._crisis()
        if name == "urgent_symptom":
            return self._urgent(intent)
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
            lead = "" if self.intro_said else self.content.intro
            self.intro_said = True
            return self._ask_current(lead)
        if name == "ask_cause":
            return self._ask_cause(intent.slots.get("cause"))
        if name == "start_breathing":
            return [Reply(self._reminders_call("start_breathing"))]
        if name in LOG_INTENTS:
            return [Reply(self._log_call(name, intent.slots))]
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
        return self._ask_current()

    def _ask_current(self, lead: str = "") -> list[Reply]:
        """Ask the current cause's question, unless the pumping log answers it (then say what
        the log shows and go on: to the remedy, or to the next question)."""
        while True:
            cause = self.content.causes[self.state.question]
            facts = self._log_facts(cause.id)
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
        replies = self._start_remedy(cause)
        facts = self._log_facts(cause.id)
        if facts is not None:
            replies[0] = Reply(f"{facts.text} {replies[0].text}")
        return replies

    def _summary(self) -> list[Reply]:
        names = [self.content.cause(c).name for c in self.state.matched]
        if names:
            text = self.content.prompt("summary_found", names=", ".join(names))
        else:
            text = self.content.prompt("summary_none")
        help_text = " ".join((self.content.prompt("summary_help"), *self.content.help_resources))
        self.state = State(last_said=self.state.last_said)
        return [Reply(f"{text} {help_text}")]

    def _crisis(self) -> list[Reply]:
        """Above everything: the emergency number, the crisis line, then her own carers."""
        assert self.content.safety is not None
        if self.reminders is not None:
            self.reminders.stop_breathing()
        text = self.content.safety.crisis_reply.format(
            emergency_number=self.contacts.emergency_number,
            crisis_line=self.contacts.crisis_line or DEFAULT_CRISIS_LINE,
        )
        self.state = State(last_said=self.state.last_said)
        return [Reply(text, safety=True)]

    def _urgent(self, intent: Intent) -> list[Reply]:
        replies = [Reply(_red_flag_reply(self.content, intent), safety=True)]
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
            self.state = State(last_said=self.state.last_said)
            return [Reply(self.content.prompt("gave_up"))]
        key = "reprompt_question" if self.state.step in (Step.QUESTION, Step.OFFER) else "reprompt"
        return [Reply(self.content.prompt(key))]

    def _log_call(self, name: str, slots: dict) -> str:
        """Session ends and amounts; asks "How much did you get?" while the amount is missing."""
        method = "log_amount" if name == "answer_amount" else name
        text = self._reminders_call(method, **slots)
        wanted = getattr(self.reminders, "amount_wanted", None)
        if wanted is not None and wanted():
            self.state.awaiting_amount = True
            if name in ("end_session", "log_past_session"):
                text = f"{text} {self.content.prompt('log_ask_amount')}"
        return text

    def _log_facts(self, cause_id: str) -> LogFacts | None:
        """What the pumping log shows about a cause, when the reminders can tell."""
        facts = getattr(self.reminders, "log_facts", None)
        return facts(cause_id) if facts is not None else None

    def _reminders_call(self, method: str, **slots: object) -> str:
        if self.reminders is None:
            return "Reminders are not running right now."
        return str(getattr(self.reminders, method)(**slots))


def _red_flag_reply(content: Content, intent: Intent) -> str:
    """The red-flag reply for the group and symptom the safety rules put in the intent."""
    assert content.safety is not None
    hit = SafetyHit(
        "urgent_symptom",
        str(intent.slots.get("group", "infection")),
        str(intent.slots.get("symptom", "")),
    )
    return red_flag_reply(content.safety, hit)


_HELP_KEYS = {
    Step.IDLE: "help_idle",
    Step.QUESTION: "help_question",
    Step.REMEDY: "help_remedy",
    Step.OFFER: "help_offer",
}
