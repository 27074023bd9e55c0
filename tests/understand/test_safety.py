"""Safety first: every crisis and warning-sign phrasing is caught; calm and ordinary talk is not."""

from pathlib import Path

import pytest
import yaml

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.content.safety_phrases import load_safety, parse_phrase
from voice_helper.errors import ContentError
from voice_helper.understand.safety import SafetyDetector

_FILES = [
    yaml.safe_load((DEFAULT_CONTENT_DIR / "sentences" / name).read_text())
    for name in ("paraphrases_tuned.yaml", "paraphrases_safety.yaml")
]
TUNED = {
    "tests": [g for f in _FILES for g in f["tests"]],
    **{
        key: [t for f in _FILES for t in f.get(key, [])]
        for key in ("not_crisis", "not_red_flag", "rejects")
    },
}
DETECTOR = SafetyDetector(load_safety(DEFAULT_CONTENT_DIR / "safety.yaml"))


def _sentences(intent: str) -> list[str]:
    return [t for g in TUNED["tests"] if g["intent"] == intent for t in g["sentences"]]


CRISIS = _sentences("crisis")
RED_FLAGS = _sentences("urgent_symptom")


def test_there_are_enough_safety_phrasings():
    assert len(CRISIS) >= 30 and len(TUNED["not_crisis"]) >= 30
    assert len(RED_FLAGS) >= 40 and len(TUNED["not_red_flag"]) >= 30


@pytest.mark.parametrize("text", CRISIS)
def test_crisis_is_caught(text):
    hit = DETECTOR.check(text)
    assert hit is not None and hit.kind == "crisis"


@pytest.mark.parametrize("text", TUNED["not_crisis"])
def test_sad_or_tired_is_not_a_crisis(text):
    hit = DETECTOR.check(text)
    assert hit is None or hit.kind != "crisis"


@pytest.mark.parametrize("text", RED_FLAGS)
def test_red_flag_is_caught(text):
    hit = DETECTOR.check(text)
    assert hit is not None and hit.kind == "urgent_symptom"


@pytest.mark.parametrize("text", TUNED["not_red_flag"] + TUNED["rejects"])
def test_ordinary_talk_raises_no_alarm(text):
    assert DETECTOR.check(text) is None


def test_a_warning_sign_inside_another_request_still_wins():
    hit = DETECTOR.check("remind me to pump in an hour, oh and I've got a temperature")
    assert hit is not None and hit.symptom == "a fever or high temperature"


def test_someone_elses_fever_is_not_hers_but_the_babys_signs_still_count():
    assert DETECTOR.check("my friend has a fever so I'm staying in") is None
    assert DETECTOR.check("my mum has a fever and the baby has had few wet nappies").group == "baby"


def test_a_negated_sign_is_not_an_alarm():
    assert DETECTOR.check("I don't have a fever, I'm just tired") is None
    assert DETECTOR.check("no fever but a red patch on my breast").group == "infection"


def test_a_misheard_crisis_word_is_still_caught():
    assert DETECTOR.check("i've been feeling suicidle").kind == "crisis"
    assert DETECTOR.check("I want to hurt my self").kind == "crisis"


def test_a_painless_lump_that_stays_is_a_doctor_visit_not_an_infection():
    hit = DETECTOR.check("there's a lump that doesn't hurt but it's been there for weeks")
    assert hit.group == "lump_that_stays"
    assert "book an appointment" in DETECTOR.red_flag_reply(hit)
    assert DETECTOR.check("I found a painful lump").group == "infection"


def test_the_reply_names_what_was_heard_and_every_sign_of_its_kind():
    hit = DETECTOR.check("I feel really shivery and achy all over")
    reply = DETECTOR.red_flag_reply(hit)
    infection = next(g for g in DETECTOR.content.groups if g.id == "infection")
    assert reply.startswith(f"You mentioned {hit.symptom}.")
    assert all(symptom.say in reply for symptom in infection.symptoms)
    assert "chills" in reply and "doctor or midwife today" in reply


def test_baby_signs_get_the_baby_advice():
    hit = DETECTOR.check("she's only had two wet nappies today")
    assert hit.group == "baby"
    assert "midwife, health visitor or doctor today" in DETECTOR.red_flag_reply(hit)


def test_phrase_syntax():
    phrase = parse_phrase("(scared|afraid) + hurt* + (the|my) baby")
    assert phrase.heard_in(["i", "am", "scared", "i", "might", "hurt", "the", "baby"])
    assert phrase.heard_in(["i", "keep", "hurting", "my", "baby", "and", "i", "am", "afraid"])
    assert not phrase.heard_in(["i", "am", "scared", "the", "baby", "is", "hungry"])


def test_a_broken_phrase_names_file_line_and_field(tmp_path):
    import shutil

    from voice_helper.content import load_content

    copy = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, copy)
    path = copy / "safety.yaml"
    text = path.read_text().replace("    - suicid*\n", "    - suicid* (oops\n")
    path.write_text(text)
    line = text.splitlines().index("    - suicid* (oops") + 1
    with pytest.raises(ContentError) as info:
        load_content(copy)
    assert f"safety.yaml:{line}: crisis.heard[" in str(info.value)


def test_a_crisis_reply_without_the_crisis_line_is_refused(tmp_path):
    import shutil

    from voice_helper.content import load_content

    copy = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, copy)
    path = copy / "safety.yaml"
    path.write_text(path.read_text().replace("{crisis_line}", "a friend"))
    with pytest.raises(ContentError) as info:
        load_content(copy)
    assert "crisis.reply: must say {crisis_line}" in str(info.value)


def test_safety_file_is_beside_the_content():
    assert Path(DEFAULT_CONTENT_DIR / "safety.yaml").exists()
