"""Amounts by rule: units, sides, halves, the one-session limit, and how they are said."""

import pytest

from voice_helper.pumplog.amounts import (
    MAX_SESSION_ML,
    Amount,
    Refusal,
    amount_from_slots,
    count_times,
    say_amount,
)


def test_millilitres_and_ounces_become_millilitres():
    assert amount_from_slots({"amount": 60, "unit": "ml"}, "oz") == Amount(60.0, "ml")
    two = amount_from_slots({"amount": 2, "unit": "oz"}, "ml")
    assert isinstance(two, Amount) and two.ml == pytest.approx(59.147) and two.unit == "oz"


def test_a_bare_number_is_in_the_configured_unit():
    assert amount_from_slots({"amount": 3}, "oz") == Amount(3 * 29.5735, "oz")
    assert amount_from_slots({"amount": 90}, "ml") == Amount(90.0, "ml")


def test_sides_add_up_and_a_half_is_added():
    sides = amount_from_slots({"left": 40, "right": 30}, "ml")
    assert sides == Amount(70.0, "ml", 40.0, 30.0)
    half = amount_from_slots({"amount": 1, "half": True, "unit": "oz"}, "ml")
    assert isinstance(half, Amount) and half.ml == pytest.approx(1.5 * 29.5735)


def test_more_than_one_session_can_give_is_refused_with_the_reason():
    litres = amount_from_slots({"amount": 1000, "unit": "l"}, "ml")
    assert litres == Refusal("log_too_much", {"amount": "1000 litres", "most": "500 millilitres"})
    assert isinstance(amount_from_slots({"amount": 501}, "ml"), Refusal)
    assert isinstance(amount_from_slots({"amount": MAX_SESSION_ML}, "ml"), Amount)
    assert isinstance(amount_from_slots({"left": 300, "right": 250}, "ml"), Refusal)


def test_no_number_is_unclear_not_zero():
    assert amount_from_slots({"unit": "ml"}, "ml") == Refusal("log_unclear", {})
    assert amount_from_slots({"left": 40}, "ml") == Refusal("log_unclear", {})


def test_amounts_are_said_the_way_people_say_them():
    assert say_amount(60, "ml") == "60 millilitres"
    assert say_amount(2 * 29.5735, "oz") == "2 ounces"
    assert say_amount(1.5 * 29.5735, "oz") == "one and a half ounces"
    assert say_amount(0.5 * 29.5735, "oz") == "half an ounce"
    assert say_amount(84, "ml", rough=True) == "about 85 millilitres"
    assert say_amount(65, "oz") == "about two and a quarter ounces"
    assert say_amount(0, "ml") == "nothing"
    assert [count_times(n) for n in (1, 2, 3, 14)] == ["once", "twice", "three times", "14 times"]
