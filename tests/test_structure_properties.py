"""Structure invariants for arbitrary text: sections sorted, disjoint, inside the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nlp_motioner.readers import read_bytes
from nlp_motioner.structure import structure

HEADINGS = [
    "Ärendebeskrivning",
    "Beslut",
    "Förslag till beslut",
    "Beslutsunderlag",
    "§ 12",
    "§ 13 2024.001 KS",
    "# Bakgrund",
    "**Yttrande**",
    "",
]
line = st.one_of(st.sampled_from(HEADINGS), st.text(max_size=60))
document = st.lists(line, max_size=40).map("\n".join)


def _check(doc) -> None:
    n = len(doc.text)
    spans = [(s.start, s.end) for s in doc.sections]
    assert spans == sorted(spans)
    for (_a0, a1), (b0, _b1) in zip(spans, spans[1:]):
        assert a1 <= b0
    for s0, s1 in spans:
        assert 0 <= s0 <= s1 <= n
    for it in doc.items:
        assert 0 <= it.start <= it.end <= n
        for s in it.sections:
            assert it.start <= s.start <= s.end <= it.end
    # Item numbers increase strictly ("§ 57", "§ 57 a", "§ 58").
    numbers = [(it.paragraph, it.sub) for it in doc.items]
    assert numbers == sorted(set(numbers))


@settings(max_examples=200, deadline=None)
@given(document)
def test_sections_sorted_disjoint_inside(text: str):
    doc = read_bytes(text.encode("utf-8"), "generated.txt")
    if doc.error:
        # Control and invisible characters are dropped when text is read, so a text of
        # nothing else is empty.
        visible = "".join(ch for ch in text if ch.isprintable())
        assert not visible.strip() or doc.file_kind in ("unknown", "html", "riksdagen")
        return
    _check(structure(doc))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes):
    doc = read_bytes(data, "junk.bin")
    if not doc.error:
        _check(structure(doc))
