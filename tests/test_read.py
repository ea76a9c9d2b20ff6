"""Readers: file kind from bytes, encodings, page furniture, offsets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nlp_motioner
from nlp_motioner.readers import read_bytes, read_file
from nlp_motioner.readers.pdf import _rejoin_hyphens

TEXT = "Ärendebeskrivning\nMotionen föreslår att kommunen inför nattvandring i Alingsås.\n"


@pytest.mark.parametrize(
    "data,encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("cp1252"), "cp1252"),
        (TEXT.encode("utf-16"), "utf-16"),
    ],
)
def test_text_encodings(data: bytes, encoding: str):
    doc = read_bytes(data, "x.txt")
    assert doc.error is None
    assert doc.metadata["encoding"] == encoding
    assert doc.text.startswith("Ärendebeskrivning")


def test_mojibake_is_repaired():
    broken = TEXT.encode("utf-8").decode("cp1252").encode("utf-8")
    doc = read_bytes(broken, "x.txt")
    assert "Ärendebeskrivning" in doc.text and "föreslår" in doc.text


def test_kind_comes_from_bytes_not_name(corpus: Path):
    doc = read_file(corpus / "alingsas/socialnamnden/2018-01-23/protokoll.pdf")
    assert doc.file_kind == "html"
    assert doc.error.startswith("HTML error page")
    doc = read_bytes(TEXT.encode(), "named.pdf")
    assert doc.file_kind == "text" and doc.error is None


def test_scanned_pdf_says_how_to_enable_ocr(corpus: Path):
    [path] = corpus.glob("alingsas/kommunstyrelsen/*/bilagor/ss-93-ks-initiativarende*.pdf")
    doc = read_file(path)
    assert doc.error.startswith("no text layer (scanned?)")
    assert "--ocr" in doc.error


def test_empty_and_junk():
    assert read_bytes(b"", "e.txt").error == "empty file"
    assert read_bytes(b"  \n\t ", "e.txt").error == "empty file"
    assert "unknown file format" in read_bytes(bytes(range(256)) * 20, "j.bin").error


def test_riksdagen_record_with_bom(corpus: Path):
    path = corpus / "riksdagen/mot-2010-2013-gy02a1.json"
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"  # this record starts with a BOM
    doc = read_file(path)
    assert doc.file_kind == "riksdagen" and doc.error is None
    assert doc.metadata["doktyp"] == "mot"
    assert doc.metadata["signers"] and {s["party"] for s in doc.metadata["signers"]} == {"S"}
    assert "Förslag till riksdagsbeslut" in doc.text


def test_riksdagen_bom_prefixed_bytes():
    record = {
        "dokumentstatus": {
            "dokument": {"doktyp": "mot", "html": "<h2>Motivering</h2><p>Text här.</p>"}
        }
    }
    data = b"\xef\xbb\xbf" + json.dumps(record).encode()
    doc = read_bytes(data, "r.json")
    assert doc.file_kind == "riksdagen"
    assert doc.lines[0].heading_level == 2


def test_html_page_keeps_headings():
    html = "<html><head><title>T</title><script>x()</script></head><body><h2>Beslut</h2><p>Motionen <b>avslås</b>.</p></body></html>"
    doc = read_bytes(html.encode(), "p.html")
    assert doc.text.splitlines() == ["Beslut", "Motionen avslås."]
    assert doc.lines[0].heading_level == 2


def test_hyphenation_joined_but_compound_ellipsis_kept():
    assert _rejoin_hyphens("trygg\ufffehetsarbetet") == "trygghetsarbetet"
    assert _rejoin_hyphens("kultur\ufffeoch fritid") == "kultur- och fritid"


def test_hyphen_after_a_letter_an_abbreviation_or_a_number_is_kept():
    # Swedish writes these compounds with their hyphen; a line break does not remove it.
    assert _rejoin_hyphens("tobak och e\ufffecigaretter") == "tobak och e-cigaretter"
    assert _rejoin_hyphens("nya VA\ufffelösningar") == "nya VA-lösningar"
    assert _rejoin_hyphens("en 2\uffferumslägenhet") == "en 2-rumslägenhet"
    assert _rejoin_hyphens("kommun\ufffefullmäktige") == "kommunfullmäktige"


def test_page_furniture_removed_and_offsets_consistent(corpus: Path):
    [path] = corpus.glob("alingsas/kommunstyrelsen/*/bilagor/ss74-ksau*.pdf")
    doc = read_file(path)
    assert doc.page_count == 2
    assert "Sida 1 av 2" not in doc.text and "Utdragsbestyrkande" not in doc.text
    assert doc.text.count("Kommunstyrelsens") <= 1
    assert doc.metadata["page_header"][:2] == ["Kommunstyrelsens", "arbetsutskott"]
    for ln in doc.lines:
        assert doc.text[ln.start : ln.end] == ln.text
        assert doc.page_at(ln.start) == ln.page
    assert [p.number for p in doc.pages] == [1, 2]


def test_public_read_returns_serializable_record(corpus: Path):
    doc = nlp_motioner.parse(corpus / "seeds/001_57ee7757e7276fbf.txt")
    again = nlp_motioner.Document.from_json(doc.to_json(include_lines=True))
    assert again == doc
    kinds = [s.role for s in doc.sections]
    assert "forslag_till_beslut" in kinds and "arendebeskrivning" in kinds


def test_json_data_that_is_no_riksdagen_record_is_refused():
    doc = read_bytes(b'[{"id": 1, "title": "Motion om cyklar"}]', "arenden.json")
    assert doc.file_kind == "json"
    assert doc.error.startswith("JSON data, not a document")
    # Prose that merely starts with a brace is still text.
    assert read_bytes(b"{Utkast} Motion om cyklar", "x.txt").file_kind == "text"


def test_directory_walk_honours_motionerignore(tmp_path: Path):
    from nlp_motioner.batch import iter_files

    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "gold.txt").write_text("{}\n")  # .jsonl is skipped by name anyway
    (tmp_path / "NOTES.md").write_text("not a document\n")
    (tmp_path / "motion.txt").write_text(TEXT)
    names = lambda: sorted(Path(p).name for p in iter_files([tmp_path]))  # noqa: E731
    assert names() == ["NOTES.md", "gold.txt", "motion.txt"]
    (tmp_path / ".motionerignore").write_text("# not documents\nlabels/\n*.md\n")
    assert names() == ["motion.txt"]


def test_clean_removes_invisible_characters_before_composing():
    """`clean` as its docstring states it: delete the invisible characters, compose NFC,
    then drop C0 controls; checked against str.translate on generated strings."""
    import random
    import re
    import unicodedata

    from nlp_motioner.readers.text import INVISIBLE, clean

    table = dict.fromkeys(map(ord, INVISIBLE))
    control = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")

    def rule(text: str) -> str:
        return control.sub("", unicodedata.normalize("NFC", text.translate(table)))

    pieces = [*INVISIBLE, "a", "å", "a\u030a", "\u0301", "\x01", "\x0c", "\t", "\n", "Ö", "ﬁ"]
    rng = random.Random(95)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        assert clean(text) == rule(text), repr(text)
    assert clean("a\u200b\u0301") == "á"  # the zero-width space no longer blocks composing
