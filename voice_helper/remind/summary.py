"""One short spoken summary of what came due unheard (while off, or held in quiet hours)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, tzinfo

from voice_helper.config import Settings
from voice_helper.remind.announcement import Announcement
from voice_helper.remind.clock import say_clock
from voice_helper.remind.delivery_log import DeliveryLog, Occurrence
from voice_helper.remind.log_file import to_ms
from voice_helper.remind.phrases import Phrases
from voice_helper.words.numbers import say_number

_LOGGER = logging.getLogger(__name__)

SUMMARY_ID = "summary"
RECENT = timedelta(hours=12)
"""How far back "what did I miss" repeats what was already told."""

_NAMES = {
    "pump": ("pump reminder", "pump reminders"),
    "relax": ("relaxation prompt", "relaxation prompts"),
    "breathing": ("breathing reminder", "breathing reminders"),
}


def count_words(amount: int, kind: str) -> str:
    """`one pump reminder`, `three relaxation prompts`, `14 pump reminders`."""
    singular, plural = _NAMES.get(kind, (f"{kind} reminder", f"{kind} reminders"))
    number = "no" if amount == 0 else say_number(amount) if amount <= 12 else str(amount)
    return f"{number} {singular if amount == 1 else plural}"


def join_words(parts: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def lead_for(items: list[Occurrence], while_off: bool) -> str:
    """How a summary opens, from why its items went unheard."""
    if all(item.state == "held" for item in items):
        return "During quiet hours"
    if while_off and all(item.state == "missed" for item in items):
        return "While I was off"
    return "While you couldn't hear me"


def summarize(items: list[Occurrence], now: datetime, zone: tzinfo, lead: str) -> str:
    """`While I was off, two pump reminders came due. The last one was at 3:40 AM.`"""
    if not items:
        return ""
    kinds = [kind for kind in _NAMES if any(item.kind == kind for item in items)]
    counts = [count_words(sum(1 for item in items if item.kind == kind), kind) for kind in kinds]
    verb = "came due" if len(items) > 1 else "was due"
    text = f"{lead}, {join_words(counts)} {verb}."
    pumps = [item for item in items if item.kind == "pump"]
    if pumps:
        last = max(pumps, key=lambda item: item.due_at)
        which = (
            "It"
            if len(items) == 1
            else "The last one"
            if len(pumps) == len(items)
            else "The last pump reminder"
        )
        text += f" {which} was {say_clock(last.due_at, now, zone)}."
    return text


def summary_key(job_id: str, due_at: datetime) -> str:
    """Key tying occurrences to the summary (or reply) that reported them."""
    return f"{job_id}@{to_ms(due_at)}"


class Summaries:
    """What came due unheard, said once: the summary at start-up and after quiet hours, and
    the answer to "what did I miss"."""

    def __init__(self, settings: Settings, zone: tzinfo, phrases: Phrases):
        self.settings = settings
        self.zone = zone
        self.phrases = phrases
        self.last: list[Occurrence] = []
        """What the last summary reported (kept too for when the log cannot be written)."""

    def offer(
        self, log: DeliveryLog, now: datetime, while_off: bool, quiet: bool
    ) -> Announcement | None:
        """ONE summary of everything unreported (and notices), recorded as handed. In quiet
        hours only missed pump reminders are summarised, quietly (mode pump_quietly); the rest
        waits for the quiet-hours-end summary."""
        volume = None
        items = log.to_report()
        notices = log.untold_notices()
        if quiet:
            if self.settings.quiet_hours.mode != "pump_quietly":
                return None
            items, notices = [i for i in items if i.kind == "pump"], []
            volume = self.settings.quiet_hours.quiet_volume
        if not items and not notices:
            return None
        said = [summarize(items, now, self.zone, lead_for(items, while_off))] if items else []
        text = " ".join([notice for _, notice in notices] + said)
        at = now
        while log.claim(SUMMARY_ID, at, "summary", text, "handed", now) is False:
            at += timedelta(milliseconds=1)
        log.attach_summary(items, summary_key(SUMMARY_ID, at), now)
        log.mark_told([n[0] for n in notices])
        self.last = items
        return Announcement("summary", text, at, SUMMARY_ID, volume)

    def missed_reply(self, log: DeliveryLog, now: datetime) -> str:
        """Answer "what did I miss": new items are reported by this reply itself."""
        items = log.to_report()
        if items:
            key = summary_key("reply", now)
            log.attach_summary(items, key, now)
            log.finish_summary(key, now)
            self.last = items
            return summarize(items, now, self.zone, lead_for(items, while_off=False))
        recent = [
            item for item in log.occurrences(("reported",)) if now - item.due_at <= RECENT
        ] or [item for item in self.last if now - item.due_at <= RECENT]
        if recent:
            summary = summarize(recent, now, self.zone, "Earlier")
            return self.phrases.say("nothing_new", summary=summary)
        return self.phrases.say("nothing_missed")
