"""Faster ways of doing what a plain regex rule says must give what the rule gives.

The referral cue finder reads lower-cased text with a literal-led pattern; `flat` joins
white space with `str.split`. Each is checked against the regex it replaced."""

from __future__ import annotations

import random
import re

from nlp_motioner.taggers._text import flat
from nlp_motioner.taggers.bodies import _cue_starts

# The rule as written in Swedish: "fick"/"fått" as whole words, the others anywhere.
REFERENCE = re.compile(
    r"\bfick\b|\bfått\b|behandlat|yttrande|remiss|remitter|överlämnat|gemensamt|styrk|motionen",
    re.IGNORECASE,
)
PIECES = [
    "fıck",
    "ſtyrk",
    "remıss",
    "FİCK",
    "Fick",
    "fick",
    "FÅTT",
    "fått",
    "ofick",
    "fickan",
    "_fick",
    "1fått",
    "Remissen",
    "REMITTERAT",
    "Yttrandet",
    "överlämnats",
    "Gemensamt",
    "styrkt",
    "motionens",
    "behandlats",
    "kommunstyrelsen",
    "İstanbul",
    "ǅ",
    "ﬁck",
    " ",
    "\n",
    ". ",
    "-",
    "ö",
]


def test_cue_starts_agree_with_the_case_folding_pattern():
    rng = random.Random(15)
    for _ in range(3000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12)))
        want = [m.start() for m in REFERENCE.finditer(text)]
        assert _cue_starts(text) == want, repr(text)


def test_flat_joins_white_space_as_the_regex_does():
    rule = re.compile(r"\s+")
    spaces = [chr(c) for c in range(0x110000) if rule.fullmatch(chr(c))]
    assert len(spaces) > 20  # Unicode white space, not only ASCII
    rng = random.Random(16)
    pieces = [*spaces, "a", "Ö", "§", "\ufeff", "\u200b", ".", "-"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        assert flat(text) == rule.sub(" ", text).strip(), repr(text)
