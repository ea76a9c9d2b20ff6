"""Case numbers: every common written form of one number meets in the same key."""

from __future__ import annotations

import pytest

from nlp_motioner.casenumber import is_parsed_key, match_keys, parse, query_keys


@pytest.mark.parametrize(
    "text",
    [
        "2025.446 KS",
        "KS 2025.446",
        "KS/2025:446",
        "Dnr KS 2025/0446",
        "KS-2025-00446",
        "ks 2025.446",
        "dnr ks 2025/0446",
        "Ks 2025.446",
    ],
)
def test_every_form_reaches_the_series_key(text):
    assert query_keys(text) == ["KS:2025:446"]
    assert "KS:2025:446" in match_keys("2025.446 KS")


def test_a_number_without_series_finds_every_series():
    assert query_keys("2025.446") == ["2025:446"]
    assert "2025:446" in match_keys("2025.446 KS")
    assert "2025:446" in match_keys("TEN 2025.446")


def test_series_and_number_are_parsed_not_guessed():
    assert parse("18KS427").series == "KS" and parse("18KS427").year == 2018
    assert parse("lorem ipsum") is None
    assert parse("2025-09-24") is None  # a date is not a case number


@pytest.mark.parametrize("label", ["Dnr ", "dnr: ", "Diarienummer ", "Beteckning: "])
def test_a_label_is_no_part_of_a_number_no_shape_parses(label):
    # A Riksdag beteckning and an odd register form are their own keys; the label a clerk
    # types before them must not become part of the key.
    for number in ("2010/11:A245", "26/0005-2"):
        assert match_keys(label + number) == match_keys(number) == [number.upper()]


@pytest.mark.parametrize(
    "number,parsed",
    [
        ("KS 2025.446", True),
        ("2025.446", True),
        ("Dnr KS 2025/0446", True),
        ("2010/11:A245", False),
        ("2010/11:-S68106", False),
        ("26/0005-2", False),
    ],
)
def test_every_key_of_a_number_says_whether_it_was_parsed(number, parsed):
    keys = match_keys(number)
    assert keys and all(is_parsed_key(k) is parsed for k in keys)
    assert (parse(number) is not None) is parsed
