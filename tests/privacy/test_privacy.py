"""Personnummer and samordningsnummer are masked; Luhn-failing look-alikes are left alone.

All numbers here are synthetic: built from a date and serial with a computed check digit.
"""

from __future__ import annotations

import pytest

from nlp_motioner.privacy import find_personnummer, luhn_ok, mask


def with_check(nine: str) -> str:
    """Append the Luhn check digit to nine digits YYMMDDNNN."""
    for d in "0123456789":
        if luhn_ok(nine + d):
            return nine + d
    raise AssertionError("no check digit")


def bad_check(nine: str) -> str:
    good = with_check(nine)
    return nine + str((int(good[-1]) + 1) % 10)


PN = with_check("850712123")  # 1985-07-12
SN = with_check("850772123")  # samordningsnummer: day 12 + 60


@pytest.mark.parametrize(
    "written",
    [
        f"{PN[:6]}-{PN[6:]}",
        f"{PN[:6]}+{PN[6:]}",
        f"{PN[:6]}{PN[6:]}",
        f"19{PN[:6]}-{PN[6:]}",
        f"19{PN}",
        f"{PN[:6]}\u2013{PN[6:]}",  # en dash from a PDF
        f"{PN[:6]} {PN[6:]}",
    ],
)
def test_personnummer_forms_are_masked(written):
    text = f"Klaganden, {written}, har överklagat beslutet."
    assert mask(text) == "Klaganden, [personnummer], har överklagat beslutet."
    (hit,) = find_personnummer(text)
    assert hit.text == written and hit.kind == "personnummer"
    assert text[hit.start : hit.end] == written


@pytest.mark.parametrize("written", [f"{SN[:6]}-{SN[6:]}", f"19{SN}", SN])
def test_samordningsnummer_is_masked(written):
    assert mask(f"Sökande {written}.") == "Sökande [samordningsnummer]."


def test_several_numbers_and_surrounding_text_kept():
    other = with_check("040229456")  # 29 February 2004 exists
    text = f"A ({PN[:6]}-{PN[6:]}) och B (20{other}) samt C."
    assert mask(text) == "A ([personnummer]) och B ([personnummer]) samt C."


@pytest.mark.parametrize(
    "text",
    [
        "Dnr KS 2025.319 och SN 2024/123",  # case numbers
        "Sammanträdesdatum 2025-03-19, kl. 13.00",  # dates
        "Tel 0322-61 60 00 eller 0322-616000",  # phone numbers
        "Beslutet fattades 20250319.",  # an eight-digit date alone
        "Budget 1 234 567 kr, konto 4010-1234",
        f"Felaktigt nummer {bad_check('850712123')[:6]}-{bad_check('850712123')[6:]}",
        f"Utan kontrollsiffra 19{bad_check('850712123')}",
        "Ogiltigt datum 851332-1234 och 850230-1234",  # month 13, 30 February
        f"Inbäddat i längre siffror 12{PN}34",
        "Ordernummer ABC8507121234X",
    ],
)
def test_look_alikes_are_left_alone(text):
    assert find_personnummer(text) == []
    assert mask(text) == text


def test_look_alike_that_passes_luhn_is_still_refused_on_date():
    # A phone-number-shaped string with a valid checksum but an impossible month.
    nine = "073412345"  # month 34
    assert mask(with_check(nine)) == with_check(nine)


def test_29_february_checked_with_century():
    leap = with_check("000229123")
    assert mask("20" + leap) == "[personnummer]"  # 2000 is a leap year
    assert mask("19" + leap) == "19" + leap  # 1900 is not


def test_empty_and_digitless():
    assert mask("") == ""
    assert mask("Inga siffror här.") == "Inga siffror här."
