"""Safety first: every frightened sentence gets its route, and calm talk raises no alarm."""

import shutil
from pathlib import Path

import pytest
import yaml

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.content import load_content
from voice_helper.content.safety_phrases import ROUTE_IDS, load_safety, parse_phrase
from voice_helper.errors import ContentError
from voice_helper.understand.safety import CRISIS, UNSURE, URGENT, SafetyDetector
from voice_helper.understand.safety_model import CALM, route_examples, safety_files
from voice_helper.understand.understander import Understander

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
RULES = SafetyDetector(load_safety(DEFAULT_CONTENT_DIR / "safety.yaml"))
"""The rules alone: the floor that needs nothing that can fail."""


@pytest.fixture(scope="module")
def detector(shared_cache) -> SafetyDetector:
    """The rules and the classifier, as the assistant runs them."""
    understander = Understander.from_content(load_content(DEFAULT_CONTENT_DIR), shared_cache)
    assert understander.safety is not None and understander.safety.model is not None
    return understander.safety


def _sentences(intent: str) -> list[str]:
    return [t for g in TUNED["tests"] if g["intent"] == intent for t in g["sentences"]]


CRISIS_SENTENCES = _sentences("crisis")
RED_FLAGS = _sentences("urgent_symptom")


def test_there_are_enough_safety_phrasings():
    assert len(CRISIS_SENTENCES) >= 30 and len(TUNED["not_crisis"]) >= 30
    corpus = [e for path in safety_files(DEFAULT_CONTENT_DIR) for e in route_examples(path)]
    for route in ROUTE_IDS:
        assert sum(e.label == route for e in corpus) >= 150, route
    assert sum(e.label == CALM for e in corpus) >= 400


def test_the_held_out_split_is_never_learnt_from():
    learnt = safety_files(DEFAULT_CONTENT_DIR)
    assert learnt and all("heldout" not in p.name for p in learnt)
    assert safety_files(DEFAULT_CONTENT_DIR, "heldout")


@pytest.mark.parametrize("text", CRISIS_SENTENCES)
def test_a_crisis_gets_a_route(detector, text):
    hit = detector.check(text)
    assert hit is not None and hit.kind == CRISIS


@pytest.mark.parametrize("text", TUNED["not_crisis"])
def test_sad_or_tired_gets_no_route(detector, text):
    hit = detector.check(text)
    assert hit is None or hit.kind not in (CRISIS, UNSURE)


@pytest.mark.parametrize("text", RED_FLAGS)
def test_a_red_flag_gets_advice_today_or_an_emergency_route(detector, text):
    hit = detector.check(text)
    assert hit is not None and (hit.kind == URGENT or hit.route in ROUTE_IDS[:3])


@pytest.mark.parametrize("text", TUNED["not_red_flag"] + TUNED["rejects"])
def test_ordinary_talk_raises_no_alarm(detector, text):
    assert detector.check(text) is None


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("I'm going to end it tonight", "danger_now"),
        ("I'm thinking of taking the whole bottle of paracetamol", "danger_now"),
        ("I can't stop picturing hurting the baby", "harm_baby_thoughts"),
        ("I'm worried I'll lose control and hurt my daughter", "harm_baby_thoughts"),
        ("I keep hearing voices telling me the baby is evil", "psychosis"),
        ("I haven't slept in three days and my thoughts are racing", "psychosis"),
        ("the baby is floppy and won't wake up", "baby_emergency"),
        ("I've got a fever and I'm confused and so breathless", "mother_emergency"),
        ("I wish I could go to sleep and not wake up", "suicidal_thoughts"),
    ],
)
def test_the_reviewers_sentences_get_their_route(detector, text, route):
    hit = detector.check(text)
    assert hit is not None and (hit.kind, hit.route) == (CRISIS, route)


@pytest.mark.parametrize(
    "text",
    [
        "I cut myself a slice of cake",
        "I'm going to smother the baby in kisses",
        "I could kill for a coffee",
        "I'm dying to sleep",
        "the baby had a wet nappy",
        "my temperature is normal",
    ],
)
def test_the_reviewers_idioms_raise_no_alarm(detector, text):
    hit = detector.check(text)
    assert hit is None, hit


def test_the_tuned_corpus_is_triaged(detector):
    """Sentences it learnt from: nearly all get their route or the check; calm stays calm."""
    corpus = [e for path in safety_files(DEFAULT_CONTENT_DIR) for e in route_examples(path)]
    routes = [e for e in corpus if e.label in ROUTE_IDS]
    calm = [e for e in corpus if e.label == CALM]
    helped = [e for e in routes if (hit := detector.check(e.text)) and hit.kind in (CRISIS, UNSURE)]
    alarmed = [e for e in calm if (hit := detector.check(e.text)) and hit.kind in (CRISIS, URGENT)]
    assert len(helped) >= 0.97 * len(routes)
    assert len(alarmed) <= 0.03 * len(calm)


def test_the_rules_alone_still_answer_when_the_classifier_fails(detector, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("onnxruntime fell over")

    monkeypatch.setattr(detector.model, "probabilities", broken)
    hit = detector.check("I want to kill myself")
    assert hit is not None and hit.kind == CRISIS


def test_a_warning_sign_inside_another_request_still_wins():
    hit = RULES.check("remind me to pump in an hour, oh and I've got a temperature")
    assert hit is not None and hit.symptom == "a fever or high temperature"


def test_someone_elses_fever_is_not_hers_but_the_babys_signs_still_count():
    assert RULES.check("my friend has a fever so I'm staying in") is None
    assert RULES.check("my mum has a fever and the baby has had few wet nappies").group == "baby"


def test_a_negated_sign_is_not_an_alarm():
    assert RULES.check("I don't have a fever, I'm just tired") is None
    assert RULES.check("no fever but a red patch on my breast").group == "infection"


def test_a_misheard_crisis_word_is_still_caught():
    assert RULES.check("i've been feeling suicidle").kind == CRISIS
    assert RULES.check("I want to hurt my self").kind == CRISIS


def test_an_idiom_is_taken_out_before_the_rules_listen():
    assert RULES.check("I could kill for a coffee") is None
    assert (
        RULES.check("I could kill for a coffee but honestly I want to kill myself").kind == CRISIS
    )


def test_a_painless_lump_that_stays_is_a_doctor_visit_not_an_infection():
    hit = RULES.check("there's a lump that doesn't hurt but it's been there for weeks")
    assert hit.group == "lump_that_stays"
    assert "book an appointment" in RULES.red_flag_reply(hit)
    assert RULES.check("I found a painful lump").group == "infection"


def test_the_reply_names_what_was_heard_and_every_sign_of_its_kind():
    hit = RULES.check("I feel really shivery and achy all over")
    reply = RULES.red_flag_reply(hit)
    infection = next(g for g in RULES.content.groups if g.id == "infection")
    assert reply.startswith(f"You mentioned {hit.symptom}.")
    assert all(symptom.say in reply for symptom in infection.symptoms)
    assert "chills" in reply and "doctor or midwife today" in reply


def test_baby_signs_get_the_baby_advice():
    hit = RULES.check("she's only had two wet nappies today")
    assert hit.group == "baby"
    assert "midwife, health visitor or doctor today" in RULES.red_flag_reply(hit)


def test_phrase_syntax():
    phrase = parse_phrase("(scared|afraid) + hurt* + (the|my) baby")
    assert phrase.heard_in(["i", "am", "scared", "i", "might", "hurt", "the", "baby"])
    assert phrase.heard_in(["i", "keep", "hurting", "my", "baby", "and", "i", "am", "afraid"])
    assert not phrase.heard_in(["i", "am", "scared", "the", "baby", "is", "hungry"])


def _broken_copy(tmp_path: Path, name: str, old: str, new: str) -> tuple[Path, str]:
    copy = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, copy)
    path = copy / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return copy, new


def _problem(copy: Path) -> str:
    with pytest.raises(ContentError) as info:
        load_content(copy)
    return str(info.value)


def test_a_broken_phrase_names_file_line_and_field(tmp_path):
    copy, new = _broken_copy(
        tmp_path, "safety.yaml", "      - suicid*\n", "      - suicid* (oops\n"
    )
    line = (copy / "safety.yaml").read_text().splitlines().index(new.rstrip("\n")) + 1
    assert f"safety.yaml:{line}: routes[5].heard[" in _problem(copy)


def test_a_typo_in_a_placeholder_is_refused_at_load(tmp_path):
    copy, _ = _broken_copy(
        tmp_path,
        "safety.yaml",
        "Please call {emergency_number} now",
        "Please call {emergency_numbr} now",
    )
    assert "routes[0].reply: unknown placeholder {emergency_numbr}" in _problem(copy)


def test_a_placeholder_that_reaches_into_python_is_refused(tmp_path):
    copy, _ = _broken_copy(tmp_path, "safety.yaml", "Don't stay on your own", "{x.__class__}")
    assert "unknown placeholder {x.__class__}" in _problem(copy)


def test_a_route_without_a_source_is_refused(tmp_path):
    copy, _ = _broken_copy(
        tmp_path, "safety.yaml", "source: [nhs_postpartum_psychosis]", "source: []"
    )
    assert "routes[3].source: should be a source key" in _problem(copy)


def test_a_number_without_a_source_is_refused(tmp_path):
    copy, _ = _broken_copy(
        tmp_path, "countries.yaml", "source: [au_lifeline, au_panda_helpline]", "source: [nowhere]"
    )
    assert "countries.AU.source: 'nowhere' is not in sources.yaml" in _problem(copy)


def test_an_emergency_reply_starts_with_the_number(tmp_path):
    copy, _ = _broken_copy(
        tmp_path,
        "safety.yaml",
        "Call {emergency_number} now: your baby needs help straight away.",
        "Your baby needs help straight away: call {emergency_number} now.",
    )
    assert "routes[1].reply: must start by saying call {emergency_number}" in _problem(copy)


def test_a_long_route_reply_is_refused(tmp_path):
    copy, _ = _broken_copy(
        tmp_path,
        "safety.yaml",
        "Stay with your baby while you call.",
        "Stay with your baby while you call. " * 6,
    )
    assert "routes[1].reply: the reply takes about" in _problem(copy)


def test_safety_file_is_beside_the_content():
    assert Path(DEFAULT_CONTENT_DIR / "safety.yaml").exists()
