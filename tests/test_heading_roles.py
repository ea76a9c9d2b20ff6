"""Heading roles against what the Swedish words mean: the truth-based twin of the golden files.

Each row is a heading as Swedish administrative documents print it and the role a careful
reader gives it, written by hand (None: no section of a known role). The golden files freeze
whole documents; this table says why each role is right.
"""

from __future__ import annotations

import pytest

from nlp_motioner.record import Document, Line
from nlp_motioner.structure import heading_kind
from nlp_motioner.structure.sections import find_headings

ROLES = [
    ("Ärendebeskrivning", "arendebeskrivning"),
    ("Förslag till beslut", "forslag_till_beslut"),
    ("Förslag till beslut i kommunfullmäktige", "forslag_till_beslut"),
    ("Vård- och omsorgsnämndens förslag till beslut i kommunfullmäktige", "forslag_till_beslut"),
    ("Förslag till beslut på sammanträdet", "yrkanden"),
    ("Kommunfullmäktiges beslut:", "beslut"),
    ("Beslut i kommunstyrelsens arbetsutskott", "beslut"),
    ("Beslutsgång", "beslutsgang"),
    ("Proposition", "beslutsgang"),
    ("Expedieras till", "expedieras"),
    ("Beslutet ska skickas till", "expedieras"),
    ("Beslutsunderlag", "beslutsunderlag"),
    ("Reservation", "reservation"),
    ("Reservation 1", "reservation"),  # reservations are numbered as a matter of course
    ("Protokollsanteckning", "sarskilt_uttalande"),
    ("Anteckning", "sarskilt_uttalande"),  # a note entered into the minutes
    ("Förvaltningens yttrande", "beredning"),
    ("Ekonomisk bedömning:", "beredning"),
    # A numbered thing, not a section of the word's kind:
    ("Ärende 10", None),
    ("Bilaga 1 Verkställighet", None),
    ("Proposition 2018/19:1 Budgetpropositionen för 2019", None),
    # A topic that starts with a generic word:
    ("Samverkan med polis", None),
    ("Analys och statistik", None),
    ("Finansiering från nationell och europeisk nivå", None),
    ("Motivering", None),
]


@pytest.mark.parametrize("heading, role", ROLES, ids=[h for h, _ in ROLES])
def test_role_of_a_heading(heading, role):
    assert heading_kind(heading)[0] == role


def _bold_page(texts: list[tuple[str, bool]]) -> Document:
    """A one-page PDF-like document: 11 pt lines, bold where asked."""
    lines, text, pos = [], "", 0
    for t, bold in texts:
        lines.append(Line(t, 1, pos, pos + len(t), size=11.0, bold=bold))
        text += t + "\n"
        pos = len(text)
    return Document(source="x.pdf", file_kind="pdf", text=text, lines=lines)


def test_bold_sentences_and_fields_are_not_headings():
    doc = _bold_page(
        [
            ("Dokumenttyp: Motionssvar", True),  # a form field
            ("Motion om laddstationer för Alingsås", True),  # the title, wrapped ...
            ("cyklister", True),  # ... onto a line in lower case
            ("Cykling minskar utsläppen och trängseln i stadskärnan.", False),
            ("Med hänvisning till ovanstående föreslår jag att fullmäktige beslutar:", True),
            ("- att införa laddstationer för elcyklar.", False),
            ("Ärendebeskrivning", True),
            ("Texten om ärendet.", False),
        ]
    )
    assert [(h.text, h.role) for h in find_headings(doc)] == [
        ("Motion om laddstationer för Alingsås cyklister", "other"),
        ("Ärendebeskrivning", "arendebeskrivning"),
    ]
