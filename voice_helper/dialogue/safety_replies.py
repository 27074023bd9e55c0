"""The safety routes' words, filled with her country's numbers: said even if the rest is broken.

Every reply was checked at load (content/safety_phrases.py: only known {placeholders}, a source,
under 12 s). Should anything still go wrong, the last-resort words below are said instead of
nothing: they need no content file and no number table.
"""

from __future__ import annotations

import logging

from voice_helper.content import Content
from voice_helper.dialogue.replies import Reply
from voice_helper.dialogue.state import CrisisContacts, Pending
from voice_helper.intent import Intent
from voice_helper.understand.safety import SafetyHit, red_flag_reply

_LOGGER = logging.getLogger(__name__)

LAST_RESORT = (
    "Please call {emergency_number} now, or ask someone near you to call, and stay with someone."
)
"""Said when a route's reply cannot be read: the one line that must never be silent. In code, not
content, because it is what is said when the content itself is what failed."""


def _fill(template: str, contacts: CrisisContacts) -> str:
    return " ".join(template.format(**contacts.placeholders()).split())


def _last_resort(contacts: CrisisContacts) -> str:
    try:
        return _fill(LAST_RESORT, contacts)
    except Exception:  # noqa: BLE001 - nothing may stop this line
        return LAST_RESORT.format(emergency_number="your local emergency number")


def route_reply(content: Content, route_id: str, contacts: CrisisContacts) -> str:
    """What to do now for this route, with her numbers."""
    try:
        assert content.safety is not None
        return _fill(content.safety.route(route_id).reply, contacts)
    except Exception:
        _LOGGER.exception("the %s reply could not be read; saying the last-resort line", route_id)
        return _last_resort(contacts)


def route_more(
    content: Content, route_id: str, contacts: CrisisContacts, again: bool = False
) -> str:
    """The rest of the route's reply, said on "tell me more" (on "repeat", the first part too)."""
    try:
        assert content.safety is not None
        more = _fill(content.safety.route(route_id).more, contacts)
        return f"{route_reply(content, route_id, contacts)} {more}" if again else more
    except Exception:
        _LOGGER.exception("the rest of the %s reply could not be read", route_id)
        return _last_resort(contacts)


def check(content: Content, route_id: str, contacts: CrisisContacts) -> tuple[Pending, Reply]:
    """The route's one check question, and the route it leads to on yes."""
    ask, declined = check_texts(content, route_id, contacts)
    return Pending(Intent("crisis", {"route": route_id}), declined=declined), Reply(
        ask, safety=True
    )


def check_texts(content: Content, route_id: str, contacts: CrisisContacts) -> tuple[str, str]:
    """The route's check question, and what is said when she answers no."""
    try:
        assert content.safety is not None
        declined = content.safety.unsure_check.declined
        return _fill(content.safety.route(route_id).check, contacts), _fill(declined, contacts)
    except Exception:
        _LOGGER.exception("the safety check could not be read; saying the last-resort line")
        text = _last_resort(contacts)
        return text, text


def red_flag_text(content: Content, intent: Intent) -> str:
    """The red-flag advice for the group and symptom the safety layer put in the intent."""
    assert content.safety is not None
    hit = SafetyHit(
        "urgent_symptom",
        group=str(intent.slots.get("group", "infection")),
        symptom=str(intent.slots.get("symptom", "")),
    )
    return red_flag_reply(content.safety, hit)
