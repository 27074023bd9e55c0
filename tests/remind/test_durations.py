"""Duration text -> timedelta, and durations said the way people say them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voice_helper.errors import DurationError
from voice_helper.remind.durations import (
    parse_duration,
    parse_minutes,
    short_duration,
    speak_duration,
)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("45s", 0.75),
        ("90m", 90),
        ("3h", 180),
        ("2h30m", 150),
        ("1h 5m", 65),
        ("1.5h", 90),
        ("2 hours and 30 minutes", 150),
        ("1d", 1440),
        ("10min", 10),
        (" 2H ", 120),
    ],
)
def test_parse_duration_examples(text: str, minutes: float) -> None:
    assert parse_minutes(text) == minutes


@pytest.mark.parametrize(
    "text", ["", "90", "5x", "h", "3h2h", "30m2h", "-5m", "2h30", "1e3s", "9999999999999h", "٣h"]
)
def test_parse_duration_refuses_with_a_reason(text: str) -> None:
    with pytest.raises(DurationError) as caught:
        parse_duration(text)
    assert str(caught.value)


@settings(database=None)
@given(st.text(max_size=30))
def test_any_text_is_a_duration_or_a_duration_error(text: str) -> None:
    try:
        value = parse_duration(text)
    except DurationError:
        return
    assert timedelta(0) <= value <= timedelta(days=366)


@settings(database=None)
@given(st.integers(min_value=1, max_value=366 * 86400))
def test_short_form_reads_back(seconds: int) -> None:
    assert parse_duration(short_duration(timedelta(seconds=seconds))) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("minutes", "said"),
    [
        (45, "45 minutes"),
        (1, "1 minute"),
        (60, "an hour"),
        (90, "an hour and a half"),
        (130, "2 hours and 10 minutes"),
        (150, "2 and a half hours"),
        (65, "an hour and 5 minutes"),
        (180, "3 hours"),
        (1440, "a day"),
        (1500, "a day and an hour"),
        (2 * 1440 + 180, "2 days and 3 hours"),
    ],
)
def test_speak_duration_like_people(minutes: int, said: str) -> None:
    assert speak_duration(timedelta(minutes=minutes)) == said


def test_speak_short_durations() -> None:
    assert speak_duration(timedelta(seconds=45)) == "45 seconds"
    assert speak_duration(timedelta(seconds=1)) == "1 second"


@settings(database=None)
@given(st.integers(min_value=0, max_value=40 * 86400))
def test_never_says_more_than_59_minutes(seconds: int) -> None:
    said = speak_duration(timedelta(seconds=seconds))
    for number, unit in re.findall(r"(\d+) (minute|hour|second)", said):
        assert int(number) < {"minute": 60, "hour": 24, "second": 60}[unit]
    assert said
