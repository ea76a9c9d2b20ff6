"""A decision that adopts an earlier proposal takes that proposal's outcome."""

from __future__ import annotations

from nlp_motioner.readers import read_bytes
from nlp_motioner.structure import structure
from nlp_motioner.taggers import tag

EXTRACT = """Kommunfullmäktige
PROTOKOLL
Sammanträdesdatum 2022-04-25

§ 51 Dnr KS 2021/300
Svar på motion om solceller på kommunens tak - Eva Lund (MP)

Ärendebeskrivning
Eva Lund (MP) har lämnat en motion om solceller.

Kommunstyrelsens förslag till beslut
Motionen {verb}.

Yrkanden
Eva Lund (MP) yrkar bifall till motionen.

Beslut
Kommunfullmäktige beslutar enligt kommunstyrelsens förslag.
"""


def _tags(text: str):
    return tag(structure(read_bytes(text.encode("utf-8"), "extract.txt"))).tags


def test_plain_text_heading_directly_above_its_text_is_a_section():
    doc = structure(read_bytes(EXTRACT.format(verb="avslås").encode(), "x.txt"))
    kinds = [s.role for s in doc.items[0].sections]
    assert kinds == ["arendebeskrivning", "forslag_till_beslut", "yrkanden", "beslut"]


def test_decision_by_reference_takes_the_proposals_outcome():
    for verb, outcome in (
        ("avslås", "avslag"),
        ("anses besvarad", "besvarad"),
        ("bifalls", "bifall"),
    ):
        tags = _tags(EXTRACT.format(verb=verb))
        assert (tags.outcome, tags.outcome_stage) == (outcome, "decision"), verb
        assert tags.evidence == "Kommunfullmäktige beslutar enligt kommunstyrelsens förslag."
    assert _tags(EXTRACT.format(verb="avslås")).parties == ["MP"]
