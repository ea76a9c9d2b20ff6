"""A lower-case pattern searched in the lower-cased text must find what the same pattern
with IGNORECASE finds in the text itself, at the same offsets, whatever the letters."""

from __future__ import annotations

import random
import re

import pytest

from nlp_motioner.casefold import FoldedPattern, lower_same_offsets

PATTERNS = [
    r"nämnd|styrelse|fullmäktige",
    r"remissinstans|för\s+yttrande|sändlista",
    r"fick\b|fått\b|behandlat",
    r"\bdnr\b[ :]*\w+",
    r"[a-zåäö]+ska\s+nämnden",
    r"(?P<list>[^.;:]{3,40}?) fick (?:motionen|ärendet) för (?P<why>beredning|yttrande)",
    r"^yttrande över (?:motionen|ärendet) från (?P<list>[^.;:]{3,20})",
]
PIECES = [
    "Nämnd",
    "NÄMNDEN",
    "styrelse",
    "STYRELSEN",
    "Fullmäktige",
    "för",
    "FÖR",
    " ",
    "\n",
    "yttrande",
    "Yttrande",
    "fick",
    "FICK",
    "fått",
    "behandlat",
    "DNR",
    "dnr",
    ":",
    "12",
    "Tekniska",
    "ıi",
    "İ",
    "ſ",
    "K",
    "ẞ",
    "ǅ",
    "ﬁ",
    "Ω",
    "é",
    "É",
    "x",
    "-",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_folded_search_finds_what_ignorecase_finds(pattern):
    folding = re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    folded = FoldedPattern(pattern, re.MULTILINE)
    assert folded.lower is not None  # every pattern here runs on the lowered text
    rng = random.Random(pattern)
    for _ in range(4000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12)))
        want = [m.span() for m in folding.finditer(text)]
        assert [m.span() for m in folded.finditer(text)] == want, repr(text)
        groups = [m.regs for m in folding.finditer(text)]
        assert [m.regs for m in folded.finditer(text)] == groups, repr(text)
        got = folded.search(text)
        assert (got.span() if got else None) == (want[0] if want else None)


def test_a_pattern_with_capitals_keeps_the_folding_search():
    # "\S" lower-cased would be "\s": such a pattern is never run on the lowered text.
    assert FoldedPattern(r"dnr\S+").lower is None


def test_texts_that_lower_case_apart_are_refused():
    assert lower_same_offsets("İstanbul") is None  # two characters once lower-cased
    assert lower_same_offsets("ſtyrelsen") is None  # IGNORECASE matches it to "s"
    assert lower_same_offsets("Nämnden") == "nämnden"
