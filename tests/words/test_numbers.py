"""Spoken numbers and durations."""

import pytest

from voice_helper.words.numbers import (
    duration_phrases,
    find_spans,
    parse_duration,
    parse_number,
    say_number,
)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("three hours", 180),
        ("two and a half hours", 150),
        ("an hour", 60),
        ("ninety minutes", 90),
        ("forty five minutes", 45),
        ("an hour and a half", 90),
        ("half an hour", 30),
        ("a quarter of an hour", 15),
        ("1 hour 30 minutes", 90),
        ("2.5 hours", 150),
        ("a hundred and twenty minutes", 120),
        ("a couple of hours", 120),
        ("an hour and fifteen minutes", 75),
        ("hour and a half", 90),
        ("twenty minutes", 20),
        ("two point five hours", 150),
        ("one point five hours", 90),
    ],
)
def test_spoken_duration_in_minutes(text, minutes):
    assert parse_duration(text.split(), 0) == (minutes, len(text.split()))


def test_bare_number_is_not_a_duration():
    (span,) = find_spans(["snooze", "for", "ten"])
    assert (span.value, span.is_duration, span.start) == (10, False, 2)


def test_words_that_are_not_numbers_are_left_alone():
    assert find_spans(["a", "nan", "and", "inf", "of", "an"]) == []


def test_every_grammar_duration_phrase_parses_whole():
    for phrase in duration_phrases():
        tokens = phrase.split()
        parsed = parse_duration(tokens, 0)
        assert parsed is not None and parsed[1] == len(tokens), phrase


def test_a_number_said_in_words_is_read_back_as_itself():
    for n in range(1000):
        words = say_number(n).split()
        assert parse_number(words, 0) == (n, len(words))


def test_numbers_are_said_the_way_people_say_them():
    assert [say_number(n) for n in (0, 12, 40, 45, 100, 125, 300)] == [
        "zero",
        "twelve",
        "forty",
        "forty five",
        "a hundred",
        "a hundred and twenty five",
        "three hundred",
    ]
