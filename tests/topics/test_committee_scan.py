"""`find_committee` searches only the stretches of text that can hold a body's name; the
matches must be exactly those of the body pattern run over the whole text."""

from __future__ import annotations

import random

from nlp_motioner.topics.inputs import _BODY, _body_matches, find_committee

PIECES = [
    "Kommunstyrelsen",
    "nämnden",
    " ",
    "\n",
    "\n\n",
    "-",
    "Barn-",
    " och ",
    "ungdomsnämnd",
    "ens",
    "Tekniska ",
    "styrelse",
    "FULLMÄKTIGE",
    "fullmäKtige",
    ".",
    ",",
    "(",
    ")",
    " arbetsutskott",
    "a",
    "ſtyrelse",
    "x",
    "_",
    "İ",
    "2",
    "beslutar",
    "§",
]


def _spans(matches):
    return [(m.start(), m.end(), m.group(1)) for m in matches]


def test_stretch_search_finds_what_the_whole_text_search_finds():
    rng = random.Random(14)
    for _ in range(20000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 16)))
        assert _spans(_body_matches(text)) == _spans(_BODY.finditer(text)), repr(text)


def test_the_acting_body_is_found_in_a_sentence():
    text = "Protokoll\n\n§ 12 Motion om parkbänkar\n\nTekniska nämnden beslutar att bifalla."
    assert find_committee("x" * 400 + text) == "tekniska nämnden"
