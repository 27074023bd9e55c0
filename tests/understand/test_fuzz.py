"""Property tests: no input makes understanding or content loading crash."""

import itertools
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voice_helper import DEFAULT_CONTENT_DIR
from voice_helper.content import load_content
from voice_helper.errors import ContentError
from voice_helper.intent import INTENT_NAMES
from voice_helper.understand.matcher import IntentMatcher
from voice_helper.words.numbers import find_spans

MATCHER = IntentMatcher.from_content(DEFAULT_CONTENT_DIR)
WORDS = st.sampled_from(
    [
        "remind",
        "me",
        "to",
        "pump",
        "every",
        "an",
        "hour",
        "and",
        "a",
        "half",
        "hundred",
        "ninety",
        "snooze",
        "stop",
        "yes",
        "no",
        "the",
        "minutes",
        "2.5",
        "0",
        "999999",
        "'s",
        "i'm",
        "...",
        "é",
        "\u200b",
    ]
)


@given(st.text(max_size=200))
def test_any_text_gives_an_intent_or_none(text):
    match = MATCHER.match(text)
    assert match.intent is None or match.intent.name in INTENT_NAMES
    assert 0.0 <= match.score <= 1.0


@given(st.lists(WORDS, max_size=14))
def test_any_word_salad_gives_an_intent_or_none_with_whole_minutes(words):
    match = MATCHER.match(" ".join(words))
    if match.intent is not None:
        amounts = MATCHER.templates.number_only_slots  # "1.5 ounces" keeps its fraction
        assert all(
            isinstance(v, (int, str)) for k, v in match.intent.slots.items() if k not in amounts
        )


@given(st.lists(WORDS, max_size=10))
def test_number_spans_never_overlap(words):
    spans = find_spans(words)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
    assert all(span.value >= 0 for span in spans)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(["troubleshooting.yaml", "prompts.yaml", "intents.yaml"]),
    position=st.floats(0, 1),
    junk=st.text(max_size=12),
)
def test_mutated_content_loads_or_raises_content_error(tmp_path_factory, name, position, junk):
    folder = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, folder)
    path = Path(folder) / name
    text = path.read_text()
    cut = int(position * len(text))
    path.write_text(text[:cut] + junk + text[cut + len(junk) :])
    try:
        load_content(folder)
    except ContentError as exc:
        assert str(exc).strip()
