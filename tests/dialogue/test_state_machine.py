"""The troubleshooting state machine through Dialogue's public API, on the project's own content.

Every expected sentence is built from content/ (questions, remedies, prompts), so the tests say
how the conversation moves, whatever the words are.
"""

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.content import REMEDY_CHUNK, load_content
from voice_helper.dialogue.manager import Dialogue
from voice_helper.intent import Intent
from voice_helper.understand.understander import QUESTION

CONTENT = load_content(DEFAULT_CONTENT_DIR)
CAUSES = CONTENT.causes
FIRST, SECOND = CAUSES[0], CAUSES[1]
HELP = " ".join((CONTENT.prompt("summary_help"), *CONTENT.help_resources))


def say(dialogue: Dialogue, name: str | None, **slots: object) -> str:
    """What the dialogue answers to one intent (None: an utterance not understood)."""
    replies = dialogue.handle(Intent(name, slots) if name else None)
    return " ".join(reply.text for reply in replies)


def chunks(steps: tuple[str, ...] | list[str]) -> list[list[str]]:
    """A remedy's steps in the pieces it is said in."""
    return [list(steps[i : i + REMEDY_CHUNK]) for i in range(0, len(steps), REMEDY_CHUNK)]


def in_questions() -> Dialogue:
    """A dialogue at the first troubleshooting question."""
    dialogue = Dialogue(CONTENT)
    say(dialogue, "troubleshoot")
    return dialogue


def test_troubleshooting_starts_with_the_preamble_and_the_first_question():
    dialogue = Dialogue(CONTENT)
    assert not dialogue.active and dialogue.context() is None
    assert say(dialogue, "troubleshoot") == f"{CONTENT.intro} {FIRST.question}"
    assert dialogue.active and dialogue.context() == QUESTION
    assert {"yes", "no", "next", "back", "repeat", "help", "stop"} <= dialogue.expected_intents()


def test_the_preamble_is_said_once_a_run():
    dialogue = in_questions()
    say(dialogue, "stop")
    assert say(dialogue, "troubleshoot") == FIRST.question


def test_no_and_next_go_on_to_the_next_question():
    dialogue = in_questions()
    assert say(dialogue, "no") == SECOND.question
    assert say(dialogue, "next") == CAUSES[2].question


def test_back_returns_to_the_previous_question_and_not_before_the_first():
    dialogue = in_questions()
    assert say(dialogue, "back") == f"{CONTENT.prompt('nothing_before')} {FIRST.question}"
    say(dialogue, "no")
    assert say(dialogue, "back") == FIRST.question


def test_repeat_says_the_last_thing_again():
    dialogue = Dialogue(CONTENT)
    assert say(dialogue, "repeat") == CONTENT.prompt("nothing_to_repeat")
    say(dialogue, "troubleshoot")
    say(dialogue, "no")
    assert say(dialogue, "repeat") == SECOND.question
    assert dialogue.active  # repeating moves nothing: a yes now answers the second question
    assert say(dialogue, "yes").startswith(SECOND.explanation)


def test_help_says_what_can_be_said_at_each_step():
    dialogue = Dialogue(CONTENT)
    assert say(dialogue, "help") == CONTENT.prompt("help_idle")
    say(dialogue, "troubleshoot")
    assert say(dialogue, "help") == f"{CONTENT.intro} {CONTENT.prompt('help_question')}"
    say(dialogue, "yes")
    assert say(dialogue, "help") == CONTENT.prompt("help_remedy")
    say(dialogue, "no")  # finish the remedy: on to the offer of the other questions
    assert say(dialogue, "help") == CONTENT.prompt("help_offer")


def test_yes_says_the_remedy_in_chunks_and_then_offers_the_other_questions():
    dialogue = in_questions()
    pieces = chunks(FIRST.remedy)
    assert len(pieces) > 2  # the first cause's remedy is long enough to need several
    more = CONTENT.prompt("more_remedy")
    assert say(dialogue, "yes") == " ".join([FIRST.explanation, *pieces[0], more])
    for piece in pieces[1:-1]:
        assert say(dialogue, "next") == " ".join([*piece, more])
    last = " ".join([*pieces[-1], FIRST.professional_help, CONTENT.prompt("offer_continue")])
    assert say(dialogue, "yes") == last  # yes in a remedy is "go on"
    assert dialogue.context() == QUESTION  # the offer is a yes/no question
    assert say(dialogue, "yes") == SECOND.question


def test_back_in_a_remedy_goes_a_chunk_back_then_to_its_question():
    dialogue = in_questions()
    first_chunk = say(dialogue, "yes")
    say(dialogue, "next")
    assert say(dialogue, "back") == first_chunk
    assert say(dialogue, "back") == FIRST.question
    assert say(dialogue, "no") == SECOND.question
    last = [say(dialogue, "no") for _ in CAUSES[1:]][-1]
    assert last == f"{CONTENT.prompt('summary_none')} {HELP}"  # its yes was taken back


def test_no_in_a_remedy_skips_to_where_to_get_help():
    dialogue = in_questions()
    say(dialogue, "yes")
    assert say(dialogue, "no") == (f"{FIRST.professional_help} {CONTENT.prompt('offer_continue')}")


def test_no_to_the_offer_sums_up_what_was_found():
    dialogue = in_questions()
    say(dialogue, "yes")
    say(dialogue, "no")
    summary = CONTENT.prompt("summary_found", names=FIRST.name)
    assert say(dialogue, "no") == f"{summary} {HELP}"
    assert not dialogue.active


def test_no_to_every_question_ends_with_nothing_found():
    dialogue = in_questions()
    replies = [say(dialogue, "no") for _ in CAUSES]
    assert replies[:-1] == [cause.question for cause in CAUSES[1:]]
    assert replies[-1] == f"{CONTENT.prompt('summary_none')} {HELP}"
    assert not dialogue.active and dialogue.context() is None


def test_stop_ends_the_conversation_at_any_step():
    for answers in ([], ["yes"], ["yes", "no"]):
        dialogue = in_questions()
        for answer in answers:
            say(dialogue, answer)
        assert dialogue.active
        assert say(dialogue, "stop") == CONTENT.prompt("stopped")
        assert not dialogue.active
    assert say(dialogue, "stop") == ""  # nothing to stop: silence
    assert say(Dialogue(CONTENT, text_mode=True), "stop") == CONTENT.prompt("stopped")


def test_a_stop_word_that_cut_the_speech_ends_it_without_a_reply():
    dialogue = in_questions()
    say(dialogue, "yes")
    dialogue.handle_stop_silently()
    assert not dialogue.active
    assert say(dialogue, "repeat") == say(in_questions(), "yes")  # the remedy, last said


def test_yes_and_no_with_no_question_open_are_ignored():
    dialogue = Dialogue(CONTENT)
    for name in ("yes", "no", "next", "back"):
        assert dialogue.accepted(Intent(name)) is None
        assert say(dialogue, name) == ""
    assert not dialogue.active


def test_not_understood_at_a_question_asks_again_then_gives_up():
    dialogue = in_questions()
    again = CONTENT.prompt("reprompt_question")
    assert [say(dialogue, None), say(dialogue, None)] == [again, again]
    assert say(dialogue, None) == CONTENT.prompt("gave_up")
    assert not dialogue.active
    assert say(dialogue, None) == ""  # idle: talk not to us is not answered


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def given_up(clock: Clock) -> Dialogue:
    """A dialogue that gave up at the second question after three misses."""
    dialogue = Dialogue(CONTENT, clock=clock)
    say(dialogue, "troubleshoot")
    say(dialogue, "no")
    for _ in range(3):
        say(dialogue, None)
    assert not dialogue.active
    return dialogue


def test_an_answer_soon_after_giving_up_picks_the_questions_up_again():
    clock = Clock()
    dialogue = given_up(clock)
    clock.now += 60
    assert "yes" in dialogue.expected_intents()  # so the recogniser listens for it
    reply = say(dialogue, "yes")
    assert SECOND.remedy[0] in reply and dialogue.state.cause == SECOND


def test_repeat_soon_after_giving_up_says_the_question_again():
    clock = Clock()
    dialogue = given_up(clock)
    assert say(dialogue, "repeat") == SECOND.question
    assert dialogue.state.question == 1 and dialogue.active


def test_an_answer_long_after_giving_up_is_ignored():
    clock = Clock()
    dialogue = given_up(clock)
    clock.now += 600
    assert say(dialogue, "yes") == "" and not dialogue.active


def test_another_command_after_giving_up_ends_the_chance_to_pick_up():
    clock = Clock()
    dialogue = given_up(clock)
    say(dialogue, "help")
    assert say(dialogue, "yes") == "" and not dialogue.active


def test_an_answer_resets_the_count_of_misses():
    dialogue = in_questions()
    say(dialogue, None)
    say(dialogue, None)
    say(dialogue, "no")
    assert say(dialogue, None) == CONTENT.prompt("reprompt_question")
    assert dialogue.active


def test_asking_about_one_cause_says_its_remedy_and_ends_there():
    stress = CONTENT.cause("stress")
    dialogue = Dialogue(CONTENT)
    pieces = chunks(stress.remedy)
    assert say(dialogue, "ask_cause", cause="stress").startswith(stress.explanation)
    for _ in pieces[1:-1]:
        say(dialogue, "next")
    end = CONTENT.prompt("end_of_remedy", name=stress.name)
    assert say(dialogue, "next") == " ".join([*pieces[-1], stress.professional_help, end])
    assert not dialogue.active


def test_asking_about_an_unknown_cause_says_what_is_known():
    dialogue = Dialogue(CONTENT)
    assert say(dialogue, "ask_cause", cause="moon_phase") == CONTENT.prompt("unknown_cause")
    assert not dialogue.active


def test_a_red_flag_in_a_remedy_comes_first_and_keeps_the_place():
    dialogue = in_questions()
    say(dialogue, "yes")
    replies = dialogue.handle(
        Intent("urgent_symptom", {"group": "infection", "symptom": "chills or feeling shivery"})
    )
    assert len(replies) == 1 and replies[0].safety
    assert replies[0].text.startswith("You mentioned chills")
    pieces = chunks(FIRST.remedy)
    assert say(dialogue, "next") == " ".join([*pieces[1], CONTENT.prompt("more_remedy")])


def test_a_red_flag_when_idle_is_answered_and_starts_nothing():
    dialogue = Dialogue(CONTENT)
    replies = dialogue.handle(
        Intent("urgent_symptom", {"group": "infection", "symptom": "chills or feeling shivery"})
    )
    assert [reply.safety for reply in replies] == [True]
    assert not dialogue.active


def test_a_restored_snapshot_puts_the_conversation_back_where_it_was():
    dialogue = in_questions()
    say(dialogue, "no")  # on to the second question
    before = dialogue.snapshot()
    remedy = say(dialogue, "yes")
    assert SECOND.remedy[0] in remedy and dialogue.state.cause == SECOND
    dialogue.restore(before)
    assert dialogue.state.question == 1 and dialogue.state.cause is None
    assert say(dialogue, "repeat") == SECOND.question
    assert say(dialogue, "yes") == remedy  # and on from there as before


def test_not_sure_to_a_question_reads_how_to_check_that_cause():
    dialogue = in_questions()
    reply = say(dialogue, "unsure")
    assert reply.startswith(CONTENT.prompt("unsure_question"))
    assert FIRST.remedy[0] in reply and dialogue.state.cause == FIRST
    assert FIRST.id not in dialogue.state.matched  # she did not say it was the reason


def test_not_sure_with_no_question_open_is_ignored():
    dialogue = Dialogue(CONTENT)
    assert say(dialogue, "unsure") == ""
