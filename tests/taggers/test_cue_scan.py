"""The referral cue finder reads lower-cased text with a literal-led pattern (for speed);
it must find exactly the cue words the case-folding, word-boundary pattern finds."""

from __future__ import annotations

import random
import re

from nlp_motioner.taggers.bodies import _cue_starts

# The rule as written in Swedish: "fick"/"fått" as whole words, the others anywhere.
REFERENCE = re.compile(
    r"\bfick\b|\bfått\b|behandlat|yttrande|remiss|remitter|överlämnat|gemensamt|styrk|motionen",
    re.IGNORECASE,
)
PIECES = [
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
