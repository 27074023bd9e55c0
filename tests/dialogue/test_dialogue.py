"""The dialogue state machine on its own: checks before acting, answers, crisis, red flags."""

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.content import load_content
from voice_helper.dialogue.manager import CrisisContacts, Dialogue
from voice_helper.intent import Intent
from voice_helper.understand.understander import QUESTION

CONTENT = load_content(DEFAULT_CONTENT_DIR)


class Reminders:
    """Records what the dialogue asked of the reminders (the socket edge, not under test here)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []

    def __getattr__(self, name: str):
        def call(**slots):
            self.calls.append((name, slots))
            return f"did {name}"

        return call


def test_a_doubtful_meaning_is_asked_once_then_done_on_yes():
    reminders = Reminders()
    dialogue = Dialogue(CONTENT, reminders=reminders)
    intent = Intent("set_reminder", {"kind": "pump", "every_minutes": 180})
    ask = dialogue.check_first(intent)
    assert ask[0].text == "Did you want a pump reminder every 3 hours?"
    assert dialogue.context() == QUESTION and "yes" in dialogue.expected_intents()
    assert dialogue.handle(Intent("yes"))[0].text == "did set_reminder"
    assert reminders.calls == [("set_reminder", {"kind": "pump", "every_minutes": 180})]
    assert dialogue.pending is None


def test_a_no_to_the_check_does_nothing_and_repeat_keeps_it_open():
    reminders = Reminders()
    dialogue = Dialogue(CONTENT, reminders=reminders)
    dialogue.check_first(Intent("start_breathing"))
    assert dialogue.handle(Intent("repeat"))[0].text == "Did you want a breathing exercise?"
    assert dialogue.handle(Intent("no"))[0].text == CONTENT.meaning_prompt("declined")
    assert reminders.calls == []


def test_another_command_instead_of_an_answer_drops_the_check():
    reminders = Reminders()
    dialogue = Dialogue(CONTENT, reminders=reminders)
    dialogue.check_first(Intent("start_breathing"))
    dialogue.handle(Intent("list_reminders"))
    assert reminders.calls == [("list_reminders", {})] and dialogue.pending is None


def test_crisis_ends_the_questions_and_names_the_configured_line():
    dialogue = Dialogue(CONTENT, contacts=CrisisContacts("112", "the crisis line on 0800 123"))
    dialogue.handle(Intent("troubleshoot"))
    reply = dialogue.handle(Intent("crisis", {"route": "danger_now"}))
    assert reply[0].safety and reply[0].text.startswith("Please call 1 1 2 now")
    assert not dialogue.active
    more = dialogue.handle(Intent("next"))
    assert more[0].safety and "the crisis line on 0 8 0 0, 1 2 3" in more[0].text


def test_a_red_flag_mid_question_says_its_signs_then_asks_again():
    dialogue = Dialogue(CONTENT)
    dialogue.handle(Intent("troubleshoot"))
    replies = dialogue.handle(
        Intent("urgent_symptom", {"group": "infection", "symptom": "chills or feeling shivery"})
    )
    assert replies[0].safety and replies[0].text.startswith("You mentioned chills")
    assert replies[1].text == CONTENT.causes[0].question
