"""Each safety route says what to do now, the rest on request, and asks once when unsure."""

import dataclasses

import pytest

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.content import load_content
from voice_helper.content.countries import spoken_digits
from voice_helper.content.safety_phrases import EMERGENCY_ROUTES, ROUTE_IDS
from voice_helper.dialogue.manager import CrisisContacts, Dialogue
from voice_helper.intent import Intent

CONTENT = load_content(DEFAULT_CONTENT_DIR)
UK = CrisisContacts.for_country(CONTENT.countries["GB"], None, None)
UNSET = CrisisContacts.for_country(CONTENT.countries["none"], None, None)


def route(dialogue: Dialogue, route_id: str) -> str:
    replies = dialogue.handle(Intent("crisis", {"route": route_id}))
    assert len(replies) == 1 and replies[0].safety
    return replies[0].text


@pytest.mark.parametrize("route_id", sorted(EMERGENCY_ROUTES))
def test_an_emergency_says_the_emergency_number_first(route_id):
    text = route(Dialogue(CONTENT, contacts=UK), route_id)
    assert text.split(".")[0].lower().startswith(("call 9 9 9 now", "please call 9 9 9 now"))


@pytest.mark.parametrize("route_id", ROUTE_IDS)
def test_with_no_country_no_foreign_line_is_named(route_id):
    dialogue = Dialogue(CONTENT, contacts=UNSET)
    said = route(dialogue, route_id) + " " + dialogue.handle(Intent("next"))[0].text
    assert not any(n in said for n in ("9 1 1", "9 9 9", "9 8 8", "Samaritans", "1 1 6"))


def test_danger_now_puts_the_baby_somewhere_safe_and_keeps_her_with_someone():
    text = route(Dialogue(CONTENT, contacts=UK), "danger_now")
    assert "cot" in text and "stay with someone" in text


def test_thoughts_of_harming_the_baby_are_said_to_be_common_and_not_acted_on():
    dialogue = Dialogue(CONTENT, contacts=UK)
    text = route(dialogue, "harm_baby_thoughts")
    assert "common" in text and "don't mean you will act" in text
    more = dialogue.handle(Intent("next"))[0].text
    assert "cot" in more and "call 9 9 9" in more


def test_psychosis_is_urgent_help_today_with_someone_staying():
    text = route(Dialogue(CONTENT, contacts=UK), "psychosis")
    assert "today" in text and "NHS 1 1 1, option 2" in text and "stay with you" in text


def test_tell_me_more_gives_the_rest_and_repeat_gives_it_all():
    dialogue = Dialogue(CONTENT, contacts=UK)
    first = route(dialogue, "suicidal_thoughts")
    more = dialogue.handle(Intent("next"))[0].text
    assert more == spoken_digits(
        CONTENT.safety.route("suicidal_thoughts").more.replace("{emergency_number}", "999")
    )
    again = dialogue.handle(Intent("repeat"))[0].text
    assert again.startswith(first) and again.endswith(more)


def test_a_crisis_without_a_route_gets_the_suicidal_thoughts_reply():
    text = route(Dialogue(CONTENT, contacts=UK), "")
    assert "Samaritans" in text


def test_an_unsure_sentence_is_asked_about_once_and_yes_takes_the_route():
    dialogue = Dialogue(CONTENT, contacts=UK)
    ask = dialogue.handle(Intent("safety_check", {"route": "baby_emergency"}))
    assert ask[0].safety and ask[0].text == CONTENT.safety.route("baby_emergency").check
    assert dialogue.handle(Intent("yes"))[0].text.startswith("Call 9 9 9 now")


def test_no_to_the_check_says_how_to_get_help_later():
    dialogue = Dialogue(CONTENT, contacts=UK)
    dialogue.handle(Intent("safety_check", {"route": "suicidal_thoughts"}))
    reply = dialogue.handle(Intent("no"))[0]
    assert reply.safety and reply.text == "Okay. If that changes, tell me, or call 9 9 9."


def test_the_reply_is_never_silent_even_when_the_content_is_broken():
    broken = dataclasses.replace(CONTENT, safety=None)
    text = route(Dialogue(broken, contacts=UK), "danger_now")
    assert text.startswith("Please call 9 9 9 now")
