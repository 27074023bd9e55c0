"""The command grammar compiled to Moonshine tokens: which spellings it lets through."""

from __future__ import annotations

import pytest

from tests.listen.conftest import tokens_of
from voice_helper.listen.engine import RecognitionGrammar
from voice_helper.listen.moonshine_engine import model_directory
from voice_helper.listen.moonshine_model import MoonshineTokenizer
from voice_helper.listen.token_grammar import TokenGrammar, compile_grammar

GRAMMAR = RecognitionGrammar(
    sentences=(("snooze", "for", "<duration>"), ("i", "am", "done"), ("yes",), ("stop",)),
    slots=(("<duration>", ("ten minutes", "an hour and a half")),),
)


@pytest.fixture(scope="module")
def tokenizer() -> MoonshineTokenizer:
    return MoonshineTokenizer(model_directory() / "tokenizer.bin")


@pytest.fixture(scope="module")
def graph(tokenizer: MoonshineTokenizer) -> TokenGrammar:
    return compile_grammar(GRAMMAR, tokenizer)


def complete(graph: TokenGrammar, tokens: list[int]) -> bool | None:
    """True if the grammar takes the whole sentence, False if only as a prefix, None if never."""
    states = graph.start()
    for token in tokens:
        moves = graph.allowed(states)
        if token not in moves:
            return None
        states = moves[token]
    return graph.end_token in graph.allowed(states)


@pytest.mark.parametrize(
    "text",
    [
        "Snooze for ten minutes.",
        "Snooze for 10 minutes",
        "Snooze for an hour and a half.",
        "I'm done.",
        "I am done",
        "Yes.",
        "Yes",
        "Stop!",
        "Snooze, for ten minutes.",
    ],
)
def test_sentences_as_moonshine_writes_them_are_complete(
    tokenizer: MoonshineTokenizer, graph: TokenGrammar, text: str
) -> None:
    assert complete(graph, tokens_of(tokenizer, text)) is True


@pytest.mark.parametrize("text", ["Snooze for", "Snooze for ten", "I'm"])
def test_unfinished_sentences_are_only_prefixes(
    tokenizer: MoonshineTokenizer, graph: TokenGrammar, text: str
) -> None:
    assert complete(graph, tokens_of(tokenizer, text)) is False


@pytest.mark.parametrize(
    "text",
    [
        "Snooze for twenty minutes.",
        "Yes please.",
        "Pass me the remote.",
        "snooze for ten minutes",
        "Stop. Stop.",
    ],
)
def test_other_sentences_are_not_in_the_grammar(
    tokenizer: MoonshineTokenizer, graph: TokenGrammar, text: str
) -> None:
    assert complete(graph, tokens_of(tokenizer, text)) is None


def test_tokenizer_round_trips_words_and_unknown_characters(tokenizer: MoonshineTokenizer) -> None:
    words = ["Remind", "me", "to", "pump", "every", "10", "minutes.", "naïve", "☕"]
    tokens = [t for word in words for t in tokenizer.encode_word(word)]
    assert tokenizer.decode(tokens) == " ".join(words)
    assert len(tokenizer.encode_word("milk")) == 1
    assert tokenizer.decode([1, *tokenizer.encode_word("yes"), 2]) == "yes"


def test_flat_phrases_cut_sentences_at_their_slots() -> None:
    phrases = GRAMMAR.phrases()
    assert phrases == [
        "snooze for",
        "i am done",
        "yes",
        "stop",
        "ten minutes",
        "an hour and a half",
    ]


@pytest.mark.parametrize(
    ("text", "longer"),
    [
        ("Snooze for ten minutes.", False),
        ("Snooze for an hour", True),
        ("Stop!", False),
        ("I'm done", False),
        ("Snooze for", True),
    ],
)
def test_a_sentence_knows_whether_a_longer_one_starts_with_it(
    tokenizer: MoonshineTokenizer, graph: TokenGrammar, text: str, longer: bool
) -> None:
    assert graph.may_continue(tokens_of(tokenizer, text)) is longer
