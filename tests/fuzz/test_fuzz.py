"""Fuzzing: no input makes the reader, structure parser, taggers, masking or the search
query parser raise, hang or break their output invariants.

Brief in `make test` (profile motioner-ci, 40 examples each); `make fuzz` uses the
motioner-fuzz profile (5,000 each). MOTIONER_FUZZ_EXAMPLES overrides the number.
"""

from __future__ import annotations

import os
import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp_motioner.privacy import find_personnummer, mask
from nlp_motioner.readers import read_bytes
from nlp_motioner.record import Document
from nlp_motioner.structure import structure
from nlp_motioner.taggers import tag

# Two hypothesis profiles, registered here and applied only to these tests (loading one
# globally would change other test modules): brief for `make test`, long for `make fuzz`.
settings.register_profile(
    "motioner-ci",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("motioner-fuzz", settings.get_profile("motioner-ci"), max_examples=5000)
FUZZ = settings(
    settings.get_profile(os.environ.get("MOTIONER_FUZZ_PROFILE", "motioner-ci")),
    **(
        {"max_examples": int(os.environ["MOTIONER_FUZZ_EXAMPLES"])}
        if os.environ.get("MOTIONER_FUZZ_EXAMPLES")
        else {}
    ),
)

# Words and marks that steer the parsers into their interesting branches.
VOCAB = [
    "§",
    "§ 12",
    "Motion",
    "Svar på motion",
    "Kommunfullmäktige",
    "Kommunstyrelsen",
    "beslutar",
    "att",
    "bifalla",
    "avslå",
    "motionen",
    "anses besvarad",
    "Dnr",
    "KS 2025.319",
    "KS 2024/123",
    "2025-03-19",
    "den 3 mars 2025",
    "Beslut",
    "Ärendet",
    "Förslag till beslut",
    "Yrkanden",
    "Socialdemokraterna",
    "(S)",
    "(M)",
    "(V)",
    "Sverigedemokraterna",
    "remitteras till",
    "tekniska nämnden",
    "Protokoll",
    "Närvarande",
    "Justering",
    "Expedieras",
    "\n",
    "\n\n",
    "  ",
    "\t",
    "-",
    "•",
    "1.",
    "a)",
    "Reservation",
    "811218-9876",
    "19811218-9876",
    "Ã¤",
    "\ufffe",
    "\x00",
    "\r\n",
    "#",
    "**Fet**",
]
text_docs = st.one_of(
    st.text(max_size=3000),
    st.lists(st.sampled_from(VOCAB) | st.text(max_size=20), max_size=200).map(" ".join),
    st.lists(st.sampled_from(VOCAB), max_size=300).map("\n".join),
)


def _check_document(doc: Document) -> None:
    n = len(doc.text)
    assert "\x00" not in doc.text and "\r" not in doc.text
    for line in doc.lines:
        assert 0 <= line.start <= line.end <= n
        assert doc.text[line.start : line.end] == line.text
    for sec in doc.sections:
        assert 0 <= sec.start <= sec.end <= n
    for item in doc.items:
        assert 0 <= item.start <= item.end <= n
        for sec in item.sections:
            assert item.start <= sec.start <= sec.end <= item.end, (item.paragraph, sec)


def _structure_and_tag(data: bytes, name: str) -> Document | None:
    """Read, structure and tag `data`; check the spans; None when the reader refused it."""
    doc = read_bytes(data, name)
    if doc.error:
        return None
    structure(doc)
    _check_document(doc)
    tag(doc)
    assert doc.tags is not None
    for item in doc.items:
        assert item.tags is not None
    return doc


@FUZZ
@given(st.binary(max_size=4096))
def test_reader_never_raises_on_bytes(data):
    doc = read_bytes(data, "fuzz.bin")
    assert doc.error is None or (doc.error and "\n" not in doc.error)
    if doc.error is None:
        _check_document(doc)


@FUZZ
@given(st.binary(max_size=2048))
def test_reader_never_raises_on_pdf_like_bytes(tail):
    # Past the sniffer, straight into pdfium with a header and garbage.
    doc = read_bytes(b"%PDF-1.4\n" + tail, "fuzz.pdf")
    assert doc.file_kind == "pdf"
    assert doc.error is None or "\n" not in doc.error


@FUZZ
@given(text_docs, st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_structure_and_tags_on_random_text(text, encoding):
    doc = _structure_and_tag(text.encode(encoding, errors="replace"), "fuzz.txt")
    if doc is not None:
        assert doc.tag_record()["source"] == "fuzz.txt"


@FUZZ
@given(text_docs)
def test_markdown_and_html_shapes(text):
    for data in (
        ("# " + text).encode(),
        f"<html><body><h2>{text}</h2><p>{text}</p></body></html>".encode(),
    ):
        _structure_and_tag(data, "fuzz")


@FUZZ
@given(text_docs)
def test_mask_removes_every_number_and_is_stable(text):
    masked = mask(text)
    assert find_personnummer(masked) == []
    assert mask(masked) == masked
    if not find_personnummer(text):
        assert masked == text


@FUZZ
@given(
    st.text(max_size=300)
    | st.lists(
        st.sampled_from(['"', "(", ")", "*", "-", "AND", "OR", "NOT", "våld", "skola", " "]),
        max_size=40,
    ).map("".join)
)
def test_search_query_parser_never_raises(text):
    from nlp_motioner.search.query import parse

    q = parse(text)
    assert q.match is None or (isinstance(q.match, str) and q.match.strip())
    if q.match is not None:
        # Whatever was typed, FTS5 must accept the expression (no syntax reaches it raw).
        _FTS.execute("SELECT rowid FROM t WHERE t MATCH ?", (q.match,)).fetchall()


_FTS = sqlite3.connect(":memory:", check_same_thread=False)
_FTS.execute("CREATE VIRTUAL TABLE t USING fts5(body)")
_FTS.execute("INSERT INTO t(body) VALUES ('skola våld')")
