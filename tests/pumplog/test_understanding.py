"""The meaning layer and the log: questions in other words are understood, amounts never are
(they need a template sentence whose numbers the rule found)."""

import pytest

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.content import load_content
from voice_helper.understand.understander import TEMPLATE_ONLY, Understander


@pytest.fixture(scope="module")
def understander(tmp_path_factory):
    content = load_content(DEFAULT_CONTENT_DIR)
    return Understander.from_content(content, cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.mark.parametrize(
    ("text", "slots"),
    [
        ("how much milk have I made today", {"question": "total", "period": "today"}),
        ("how many sessions today", {"question": "count", "period": "today"}),
    ],
)
def test_log_questions_in_other_words(understander, text, slots):
    heard = understander.match(text)
    assert heard.source == "meaning"
    assert heard.intent is not None and (heard.intent.name, heard.intent.slots) == (
        "ask_log",
        slots,
    )


@pytest.mark.parametrize(
    "text",
    [
        "nothing much",
        "write down eighty",
        "I think it was fifty",
        "put down two ounces for me",
        "the left gave forty",
    ],
)
def test_amounts_in_other_words_are_not_guessed(understander, text):
    heard = understander.match(text)
    assert heard.intent is None or heard.intent.name not in TEMPLATE_ONLY


def test_template_amounts_still_come_through(understander):
    heard = understander.match("I got sixty millilitres")
    assert heard.source == "template"
    assert heard.intent is not None and heard.intent.slots == {"amount": 60, "unit": "ml"}
