"""The optional wake phrase: needed only when no conversation is active."""

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.assistant.turns import TurnTaker
from voice_helper.content import load_content
from voice_helper.dialogue.manager import Dialogue
from voice_helper.understand.understander import Understander

CONTENT = load_content(DEFAULT_CONTENT_DIR)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _taker(clock: Clock, wake: str | None = "hey helper") -> TurnTaker:
    return TurnTaker(
        Understander(CONTENT.templates, None, None), Dialogue(CONTENT), wake, 30.0, clock
    )


def test_without_a_wake_phrase_commands_work_at_once():
    turn = _taker(Clock(), wake=None).take("why is no milk coming out")
    assert turn.intent.name == "troubleshoot"


def test_commands_need_the_wake_phrase_when_idle():
    clock = Clock()
    taker = _taker(clock)
    assert taker.take("why is no milk coming out").replies == []
    turn = taker.take("hey helper, why is no milk coming out")
    assert turn.intent.name == "troubleshoot" and turn.woke


def test_an_active_conversation_needs_no_wake_phrase_until_idle():
    clock = Clock()
    taker = _taker(clock)
    taker.take("hey helper why is no milk coming out")
    assert taker.take("no").intent.name == "no"
    taker.take("stop")
    clock.now += 10
    assert taker.take("tell me about stress").intent.name == "ask_cause"  # still awake
    taker.dialogue.handle_stop_silently()
    clock.now += 31
    assert taker.take("tell me about stress").replies == []


def test_the_wake_phrase_alone_opens_the_window():
    clock = Clock()
    taker = _taker(clock)
    turn = taker.take("Hey, helper.")
    assert turn.woke and turn.replies[0].text == "Yes?"
    clock.now += 5
    assert taker.take("what did I miss").intent.name == "missed"
