"""Whole conversations through `voice-helper chat`: one line in, one line per utterance out."""

import subprocess
import sys

import pytest

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.content import load_content
from voice_helper.content.reply_length import REPLY_SECONDS, SPEECH_MARGIN_SECONDS
from voice_helper.speech_time import estimate_seconds

CONTENT = load_content(DEFAULT_CONTENT_DIR)
QUESTIONS = [c.question for c in CONTENT.causes]


pytestmark = pytest.mark.usefixtures("private_home")


def chat(*lines: str) -> list[str]:
    """Run the real CLI with these lines on stdin; return its stdout lines."""
    result = subprocess.run(
        [sys.executable, "-m", "voice_helper", "chat"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_all_no_walks_every_question_then_sums_up():
    out = chat("why is no milk coming out", *["no"] * len(QUESTIONS))
    assert len(out) == len(QUESTIONS) + 1
    assert out[0].startswith(CONTENT.intro) and out[0].endswith(QUESTIONS[0])
    assert out[1:-1] == QUESTIONS[1:]
    assert out[-1].startswith(CONTENT.prompt("summary_none"))
    assert CONTENT.help_resources[0] in out[-1]


def test_all_yes_reads_every_remedy_and_names_them_in_the_summary():
    lines = ["why is no milk coming out"]
    for cause in CONTENT.causes:
        chunks = len(cause.remedy_chunks())
        lines += ["yes"] + ["next"] * (chunks - 1) + ["yes"]
    out = chat(*lines[:-1])  # after the last remedy the summary follows at once
    assert out[1].startswith(CONTENT.causes[0].explanation)
    assert all(cause.professional_help in " ".join(out) for cause in CONTENT.causes)
    summary = CONTENT.prompt("summary_found", names=", ".join(c.name for c in CONTENT.causes))
    assert summary in out[-1]
    # Every remedy reply the dialogue really says fits the content check's limit.
    remedies = [line for line in out[1:] if summary not in line and line not in QUESTIONS]
    assert len(remedies) >= sum(len(c.remedy_chunks()) for c in CONTENT.causes) - 1
    assert all(estimate_seconds(line) + SPEECH_MARGIN_SECONDS <= REPLY_SECONDS for line in remedies)


def test_ask_cause_jumps_straight_to_the_remedy():
    stress = CONTENT.cause("stress")
    out = chat("tell me about stress", *["next"] * (len(stress.remedy_chunks()) - 1))
    assert out[0].startswith(f"{stress.explanation} {stress.remedy[0]}")
    assert " ".join(out).endswith(
        " ".join(
            [
                stress.remedy[-1],
                stress.professional_help,
                CONTENT.prompt("end_of_remedy", name=stress.name),
            ]
        )
    )


def test_long_remedy_comes_in_chunks_with_back_and_repeat():
    setup = CONTENT.cause("pump_setup")
    out = chat("tell me about the flange", "next", "repeat", "back", "stop", "yes")
    assert out[0].startswith(setup.explanation) and out[0].endswith(CONTENT.prompt("more_remedy"))
    assert out[1].startswith(setup.remedy_chunks()[1][0]) and setup.remedy[0] not in out[1]
    assert out[2] == out[1]
    assert out[3] == out[0]
    assert out[4] == CONTENT.prompt("stopped")
    assert out[5] == CONTENT.prompt("reprompt")  # "yes" with no open question does nothing


def test_back_returns_to_the_previous_question():
    out = chat("why is no milk coming out", "no", "back", "back")
    assert out[1:] == [
        QUESTIONS[1],
        QUESTIONS[0],
        f"{CONTENT.prompt('nothing_before')} {QUESTIONS[0]}",
    ]


def test_urgent_symptom_interrupts_with_safety_advice_then_resumes():
    out = chat("why is no milk coming out", "no", "I have a fever", "no")
    assert out[2].startswith("You mentioned a fever")
    assert "doctor or midwife today" in out[2] and "chills" in out[2]
    assert out[3] == QUESTIONS[1]
    assert out[4] == QUESTIONS[2]


def test_three_misses_offer_help_and_an_answer_soon_after_picks_up():
    out = chat(
        "why is no milk coming out",
        "purple monkey dishwasher",
        "banana phone",
        "the cat sat on the mat",
        "no",
    )
    assert out[1:4] == [CONTENT.prompt("reprompt_question")] * 2 + [CONTENT.prompt("gave_up")]
    assert out[4] == QUESTIONS[1]  # the "no" still answers the first question


def test_ask_cause_mid_flow_then_continue_resumes_the_questions():
    diet = CONTENT.cause("diet")
    nexts = ["next"] * (len(diet.remedy_chunks()) - 1)
    out = chat("why is no milk coming out", "no", "tell me about diet", *nexts, "yes")
    assert out[2].startswith(diet.explanation)
    assert out[-2].endswith(CONTENT.prompt("offer_continue"))
    assert out[-1] == QUESTIONS[1]


@pytest.mark.parametrize("word", ["help"])
def test_help_depends_on_the_step(word):
    out = chat(word, "why is no milk coming out", word)
    assert out[0] == CONTENT.prompt("help_idle")
    assert out[2] == f"{CONTENT.intro} {CONTENT.prompt('help_question')}"


def test_the_preamble_is_said_once_per_run_then_only_on_help():
    out = chat("why is no milk coming out", "stop", "why is no milk coming out", "help")
    assert out[0] == f"{CONTENT.intro} {QUESTIONS[0]}"
    assert out[2] == QUESTIONS[0]  # straight to the question the second time
    assert out[3].startswith(CONTENT.intro)


def test_reminders_by_voice_in_chat_are_kept_between_runs():
    out = chat("remind me to pump every two and a half hours", "when is my next reminder")
    assert "every 2 and a half hours" in out[0]
    assert out[1].startswith("Your next pump reminder is ")  # "at 3:40 PM" or "tomorrow at ..."
    assert out[1].endswith("in 2 and a half hours.")
    when = out[1].split(",")[0]
    again = chat("when is my next reminder")
    assert again[0].startswith(when)


def test_out_of_range_requests_are_refused_with_a_reason():
    out = chat("remind me to pump every zero minutes", "snooze for nine hundred hours")
    assert out[0].startswith("I can't")
    assert out[1].startswith("I can't")


def test_a_crisis_gets_the_crisis_reply_in_or_out_of_the_questions():
    reply = CONTENT.safety.route("suicidal_thoughts").reply
    out = chat("I can't cope anymore", "why is no milk coming out", "I want to hurt myself", "no")
    assert out[0].startswith(reply.split(".")[0]) and "a crisis line in your country" in out[0]
    assert "988" not in out[0] and "Samaritans" not in out[0]  # no country set: no foreign line
    assert "didn't catch" not in out[0]
    assert out[2].startswith(reply.split(".")[0])
    assert out[3] == CONTENT.prompt("reprompt")  # the questions ended: a bare no is not an answer


def test_the_crisis_line_comes_from_the_config(private_home):
    config = private_home / "config" / "voice-helper" / "config.yaml"
    config.parent.mkdir(parents=True)
    config.write_text("crisis_line: the Samaritans on 116 123\nemergency_number: '999'\n")
    out = chat("I don't want to be here anymore", "tell me more")
    assert "the Samaritans on 1 1 6, 1 2 3" in out[0] and "call 9 9 9" in out[1]
    assert "9 8 8" not in out[0]


def test_the_country_picks_the_numbers(private_home):
    config = private_home / "config" / "voice-helper" / "config.yaml"
    config.parent.mkdir(parents=True)
    config.write_text("country: US\n")
    out = chat("I'm going to end it tonight", "the baby is floppy and won't wake up")
    assert out[0].startswith("Please call 9 1 1 now")
    assert out[1].startswith("Call 9 1 1 now")


def test_answers_in_their_own_words():
    out = chat("why is no milk coming out", "not so much", "I doubt it", "it does yeah")
    assert out[1:3] == QUESTIONS[1:3]
    assert out[3].startswith(CONTENT.causes[2].explanation)


def test_cancel_all_says_what_would_go_and_waits_for_a_yes():
    out = chat(
        "remind me to pump every three hours",
        "cancel all the reminders",
        "no",
        "list my reminders",
        "cancel my reminders",
        "yes",
        "list my reminders",
    )
    assert out[1].startswith("That would remove every reminder.") and "3 hours" in out[1]
    assert out[2] == CONTENT.meaning_prompt("declined")
    assert "3 hours" in out[3]
    assert out[4].startswith("That would remove every reminder.")
    assert "3 hours" not in out[6]


def test_a_missing_number_is_asked_for_again():
    out = chat("remind me to pump", "every two and a half hours")
    assert out[0] == CONTENT.meaning_prompt("ask_duration")
    assert "every 2 and a half hours" in out[1]
