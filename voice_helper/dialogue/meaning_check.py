"""The doubtful-meaning check: "Did you want ...?" before acting on an unsure match, and the
question again when a number is missing."""

from __future__ import annotations

from datetime import timedelta

from voice_helper.content import Content
from voice_helper.dialogue.replies import Reply
from voice_helper.dialogue.state import Pending
from voice_helper.intent import Intent
from voice_helper.remind.durations import speak_duration


def describe(content: Content, intent: Intent) -> str:
    """A meaning in words, for "Did you want ...?"."""
    slots = intent.slots
    cause = ""
    if "cause" in slots:
        try:
            cause = content.cause(str(slots["cause"])).name
        except KeyError:
            cause = str(slots["cause"])
    kinds = content.meanings.get("kinds", {})
    when = ""
    if slots.get("every_minutes"):
        when = f"every {speak_duration(timedelta(minutes=int(slots['every_minutes'])))}"
    elif slots.get("in_minutes"):
        when = f"in {speak_duration(timedelta(minutes=int(slots['in_minutes'])))}"
    text = content.meanings["meanings"].get(intent.name, intent.name)
    return " ".join(
        text.format(cause=cause, kind=kinds.get(slots.get("kind"), "pump"), when=when).split()
    )


def check(content: Content, intent: Intent, missing: str | None = None) -> tuple[Pending, Reply]:
    """What waits for her answer, and the question that asks it."""
    if missing is not None:
        key = "ask_minutes" if missing == "minutes" else "ask_duration"
        return Pending(intent, missing), Reply(content.meaning_prompt(key))
    meaning = describe(content, intent)
    return Pending(intent), Reply(content.meaning_prompt("confirm", meaning=meaning))
