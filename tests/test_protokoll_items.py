"""§ items of whole minutes checked against independent evidence.

Oracles: the paragraph range printed on the title page ("Paragrafer §§25-31") and the
human labels, whose `diarienummer` for a protokoll lists the case numbers of the § headings
in order.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import nlp_motioner

RANGE = re.compile(r"Paragrafer?\s*§+\s*(\d+)(?:\s*[-–]\s*(\d+))?")


def _protokoll_files(root: Path) -> list[Path]:
    return sorted(root.glob("alingsas/**/protokoll.pdf"))


def _check_against_range(path: Path) -> None:
    doc = nlp_motioner.parse(path)
    if doc.error:
        assert doc.file_kind != "pdf" or "no text layer" in doc.error, doc.error
        return
    m = RANGE.search(doc.text[:6000])
    assert m, f"{path}: no paragraph range on the title page"
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    found = [it.paragraph for it in doc.items]
    assert found == list(range(first, last + 1)), f"{path}: {found}"
    # Every item starts on a line that opens with its own "§ N".
    for it in doc.items:
        assert re.match(rf"§\s*{it.paragraph}\b", doc.text[it.start : it.end])
    # Items tile the document after the front matter without overlapping.
    for a, b in zip(doc.items, doc.items[1:]):
        assert a.end == b.start


def test_bundled_protokoll_items_match_title_page(corpus: Path):
    files = _protokoll_files(corpus)
    assert len(files) >= 3
    for path in files:
        _check_against_range(path)


@pytest.mark.corpus
def test_every_dev_protokoll_items_match_title_page(shared_corpus: Path):
    files = _protokoll_files(shared_corpus)
    assert files
    for path in files:
        _check_against_range(path)


def _label_lines(root: Path):
    for f in sorted((root / "labels").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            if rec.get("doc_type") == "protokoll" and "paragraph" not in rec:
                yield rec


def _check_case_numbers_against_labels(root: Path) -> int:
    checked = 0
    for rec in _label_lines(root):
        doc = nlp_motioner.parse(root / rec["name"])
        got = [d for it in doc.items for d in it.diarienummer]
        assert got == rec["diarienummer"], rec["name"]
        checked += 1
    return checked


@pytest.mark.corpus
def test_protokoll_case_numbers_match_labels(shared_corpus: Path):
    assert _check_case_numbers_against_labels(shared_corpus) >= 4


def test_bundled_protokoll_case_numbers_match_labels(corpus: Path):
    assert _check_case_numbers_against_labels(corpus) >= 2


def test_attendance_is_front_matter_not_an_item(corpus: Path):
    doc = nlp_motioner.parse(corpus / "alingsas/tekniska-namnden/2026-05-18/protokoll.pdf")
    assert doc.sections[0].role == "narvaro"
    assert "Beslutande" in doc.text[doc.sections[0].start : doc.sections[0].end]
    assert doc.sections[0].end <= doc.items[0].start
