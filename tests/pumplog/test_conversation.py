"""Talking to the log: the real matcher, dialogue and reminder service on a real SQLite file,
with a clock the test moves."""

import os
import sqlite3
import stat
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.remind.helpers import Channel, FakeClock, service
from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.content import load_content
from voice_helper.dialogue.manager import Dialogue
from voice_helper.pumplog.amounts import Amount
from voice_helper.pumplog.store import PumpLogStore
from voice_helper.understand.matcher import IntentMatcher

LONDON = ZoneInfo("Europe/London")
CONTENT = load_content(DEFAULT_CONTENT_DIR)
MATCHER = IntentMatcher(CONTENT.templates)  # type: ignore[arg-type]


class Talk:
    """One conversation: say() a line, get the assistant's words back."""

    def __init__(self, tmp_path, start: datetime, **config):
        from tests.remind.helpers import settings

        self.clock = FakeClock(start)
        self.service = service(tmp_path, self.clock, Channel(), settings(**config))
        self.service.start()
        self.dialogue = Dialogue(CONTENT, reminders=self.service, text_mode=True)

    def say(self, text: str) -> str:
        match = MATCHER.match(text)
        return " ".join(r.text for r in self.dialogue.handle(match.intent))

    def at(self, hour: int, minute: int = 0, days: int = 0) -> None:
        local = self.clock.now.astimezone(LONDON)
        target = (local + timedelta(days=days)).replace(hour=hour, minute=minute, second=0)
        self.clock.now = target.astimezone(self.clock.now.tzinfo)

    def store(self) -> PumpLogStore:
        return PumpLogStore(self.service.log.conn)


@pytest.fixture
def talk(tmp_path):
    made = Talk(tmp_path, datetime(2026, 1, 14, 5, 0, tzinfo=LONDON))
    yield made
    made.service.shutdown()


def test_three_sessions_in_both_units_a_correction_and_four_questions(talk, tmp_path):
    talk.at(6)
    talk.say("I'm starting to pump")
    talk.at(6, 20)
    assert talk.say("I'm done pumping").endswith("How much did you get?")
    assert talk.say("sixty") == "Okay, I've logged 60 millilitres."

    talk.at(9)
    talk.say("I'm starting to pump")
    talk.at(9, 25)
    assert talk.say("I'm done").endswith("How much did you get?")
    assert talk.say("the baby is crying again") == CONTENT.prompt("log_ask_again")
    assert talk.say("about two ounces") == "Okay, I've logged 2 ounces."

    talk.at(12, 30)
    assert talk.say("log a session at eleven this morning, ninety millilitres") == (
        "Okay, I've logged a session at 11:00 AM, with 90 millilitres."
    )
    assert talk.say("that's wrong, it was fifty") == (
        "Okay, I've changed it from 90 millilitres to 50 millilitres."
    )

    # 60 + 2 oz (59.15 ml) + 50 = 169.15 ml in three sessions.
    assert talk.say("how much did I pump today?") == (
        "You've pumped 169 millilitres today, in three sessions."
    )
    assert talk.say("how many times did I pump today?") == "You've pumped three times today."
    assert talk.say("what's my average this week?") == (
        "Your average in the last seven days is about 55 millilitres a session, "
        "over three sessions."
    )
    assert talk.say("when was my biggest session?") == (
        "Your biggest session was at 6:00 AM, with 60 millilitres."
    )

    entries = talk.store().entries()
    assert [round(e.ml or 0, 2) for e in entries] == [60.0, 59.15, 50.0]
    assert [e.amount.unit for e in entries if e.amount] == ["ml", "oz", "ml"]
    path = tmp_path / "data" / "log.sqlite"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_the_frequency_question_is_answered_from_a_log_with_short_gaps(talk):
    for start, end in (((6, 0), (6, 20)), ((9, 0), (9, 25))):
        talk.at(*start)
        talk.say("I'm starting to pump")
        talk.at(*end)
        talk.say("I'm done pumping")
        talk.say("sixty")
    talk.at(11, 10)
    frequency = CONTENT.cause("pumping_frequency")
    index = [c.id for c in CONTENT.causes].index("pumping_frequency")
    replies = [talk.say("why is no milk coming out")] + [talk.say("no") for _ in range(index)]
    said = replies[-1]
    assert frequency.question not in " ".join(replies)
    assert said.startswith(
        "Your log shows you've pumped twice in the last 24 hours. The longest gap was "
        "2 hours and 40 minutes, between 6:20 AM and 9:00 AM. That's not a long gap, so it's "
        "probably not the reason."
    )
    assert said.endswith(CONTENT.causes[index + 1].question)


def test_a_long_overnight_gap_and_a_drop_in_output_come_from_the_log(talk):
    store = talk.store()
    now = datetime(2026, 1, 14, 10, 0, tzinfo=LONDON)
    for back in range(1, 8):  # the week before: 100 ml at 8 AM and 8 PM
        for hour in (8, 20):
            started = (now - timedelta(days=back)).replace(hour=hour)
            if started < now - timedelta(hours=24):
                store.add_session(
                    started, started + timedelta(minutes=20), Amount(100.0, "ml"), started
                )
    yesterday, today = now - timedelta(days=1), now
    for day, hour, minute in (
        (yesterday, 11, 0),
        (yesterday, 15, 0),
        (yesterday, 19, 0),
        (yesterday, 22, 0),
        (today, 5, 20),
        (today, 8, 30),
    ):
        started = day.replace(hour=hour, minute=minute)
        store.add_session(started, started + timedelta(minutes=20), Amount(60.0, "ml"), started)
    talk.clock.now = now
    replies = [talk.say("why is no milk coming out")]
    low = [c.id for c in CONTENT.causes].index("low_supply")
    replies += [talk.say("no") for _ in range(low)]
    drop = (
        "Your sessions in the last 24 hours gave 60 millilitres on average, 40 percent less "
        "than your usual 100 millilitres over the week before."
    )
    assert replies[-1] == f"{drop} {CONTENT.cause('low_supply').question}"
    index = [c.id for c in CONTENT.causes].index("pumping_frequency")
    replies += [talk.say("no") for _ in range(index - low)]
    frequency = CONTENT.cause("pumping_frequency")
    assert replies[-1].startswith(
        "Your log shows you've pumped six times in the last 24 hours. The longest gap was "
        f"7 hours, overnight. {drop} That's more than four hours, so it may be part of the "
        f"reason. {frequency.explanation}"
    )
    assert "pumping_frequency" in talk.dialogue.state.matched


def test_an_amount_while_pumping_ends_the_session_and_too_much_is_refused(talk):
    talk.at(6)
    talk.say("I'm starting to pump")
    talk.at(6, 15)
    refused = talk.say("a thousand litres")
    assert refused.startswith("Okay. That was 15 minutes of pumping.")
    assert "I can't log 1000 litres for one session." in refused
    assert talk.dialogue.state.awaiting_amount  # she is asked again, and a number answers
    assert talk.say("forty on the left and thirty on the right") == (
        "Okay, I've logged 40 millilitres on the left and 30 millilitres on the right. "
        "That's 70 millilitres in all."
    )
    (entry,) = talk.store().entries()
    assert entry.amount == Amount(70.0, "ml", 40.0, 30.0)
    assert entry.ended is not None and entry.ended - entry.started == timedelta(minutes=15)


def test_a_bare_number_is_not_taken_unless_the_amount_was_asked(talk):
    talk.at(6)
    assert talk.say("sixty") == CONTENT.prompt("reprompt")
    assert talk.store().entries() == []


def test_ounces_config_answers_in_ounces(tmp_path):
    talk = Talk(tmp_path, datetime(2026, 1, 14, 7, 0, tzinfo=LONDON), volume_unit="oz")
    try:
        assert (
            talk.say("I got three ounces") == "Okay, I've logged a session just now with 3 ounces."
        )
        assert (
            talk.say("I got 90 ml") == "Okay, I've logged a session just now with 90 millilitres."
        )
        assert talk.say("how much did I pump today") == (
            "You've pumped about 6 ounces today, in two sessions."
        )  # 3 oz + 3.04 oz
    finally:
        talk.service.shutdown()


def test_a_failed_write_is_said_and_nothing_is_half_written(talk):
    talk.at(7)
    talk.service.log.conn.execute("DROP TABLE amounts")
    reply = talk.say("log a session at six this morning, eighty millilitres")
    assert (
        reply == "Sorry, I couldn't write that to your pumping log just now. Please say it again."
    )
    rows = talk.service.log.conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
    assert rows == 0  # the session row went back with the failed amount


def test_log_file_rows_are_readable_by_plain_sqlite(talk, tmp_path):
    talk.at(7)
    talk.say("I got 60 ml")
    conn = sqlite3.connect(tmp_path / "data" / "log.sqlite")
    assert conn.execute("SELECT ml, unit FROM amounts").fetchall() == [(60.0, "ml")]
    conn.close()


def test_the_log_answers_over_the_control_socket(talk):
    from voice_helper.remind.client import RemoteReminders

    remote = RemoteReminders(talk.service.socket_path)
    talk.at(6)
    talk.say("I'm starting to pump")
    talk.at(6, 20)
    talk.say("I'm done pumping")
    assert remote.amount_wanted() is True
    assert remote.log_amount(amount=60, unit="ml") == "Okay, I've logged 60 millilitres."
    assert remote.amount_wanted() is False
    assert remote.ask_log("count", "today") == "You've pumped once today."
    talk.at(12, 0)
    facts = remote.log_facts("pumping_frequency")
    assert facts is not None and facts.answer is True
    assert facts.text.startswith(
        "Your log shows you've pumped once in the last 24 hours. "
        "The longest gap was 5 hours and 40 minutes"
    )
    assert remote.log_facts("stress") is None


def test_the_amount_question_is_asked_once_more_then_dropped(tmp_path):
    talk = Talk(tmp_path, datetime(2026, 1, 14, 6, 0, tzinfo=LONDON))
    talk.dialogue.text_mode = False  # as in the hands-free loop: idle talk gets no reply
    try:
        talk.say("I'm starting to pump")
        talk.at(6, 20)
        talk.say("I'm done pumping")
        assert talk.say("could you pass the burp cloth") == CONTENT.prompt("log_ask_again")
        assert talk.dialogue.active
        assert talk.say("thanks love") == ""
        assert not talk.dialogue.active and not talk.dialogue.state.awaiting_amount
        assert talk.say("sixty") == ""  # no longer asked: a bare number is nothing
    finally:
        talk.service.shutdown()
