"""The pdfium layout reader gives the same lines, headings and tags as the reference reader.

`read/pdf.py:_pdfium_lines` is tuned for speed (see benchmarks/read.py). Its output must
not move: `_reference_lines` below is the reader's logic as it was before the tuning
(commit 72a60d8), frozen here, through pypdfium2's own ctypes declarations and without
the per-font cache, so it is slow but plain. It shares only the bold-name pattern and the
hyphen rejoining with the reader, so a deliberate change to either moves both. Every line fact (text, page, top, size, bold) must match
exactly on the bundled PDFs, and on the whole dev corpus the structure and tag records
(sections, headings, items, tags) must match as well.
"""

from __future__ import annotations

import ctypes
import dataclasses
from pathlib import Path

import pytest

from nlp_motioner.pipeline import process
from nlp_motioner.readers import pdf as pdf_reader
from nlp_motioner.readers.furniture import RawLine
from nlp_motioner.readers.pdf import PdfError, _rejoin_hyphens, extract_pdfium

ROOT = Path(__file__).resolve().parent.parent


def _reference_lines(doc_handle, n_pages: int) -> list[RawLine]:
    """The reader before tuning: text once per page, font facts at each line's first char."""
    import pypdfium2.raw as raw

    lines: list[RawLine] = []
    buf = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    for pno in range(n_pages):
        page = raw.FPDF_LoadPage(doc_handle, pno)
        if not page:
            raise PdfError(f"not a readable PDF (page {pno + 1} is damaged)")
        try:
            height = raw.FPDF_GetPageHeightF(page) or 842.0
            textpage = raw.FPDFText_LoadPage(page)
            if not textpage:
                continue
            try:
                n_chars = raw.FPDFText_CountChars(textpage)
                if n_chars <= 0:
                    continue
                out = (ctypes.c_ushort * (n_chars + 1))()
                got = raw.FPDFText_GetText(textpage, 0, n_chars, out)
                text = ctypes.string_at(out, max(0, got - 1) * 2).decode("utf-16-le", "replace")
                pos = 0
                for seg in text.split("\r\n"):
                    idx = pos
                    pos += len(seg) + 2
                    stripped = seg.lstrip()
                    if not stripped or stripped.isspace():
                        continue
                    first = idx + (len(seg) - len(stripped))
                    size = raw.FPDFText_GetFontSize(textpage, first)
                    raw.FPDFText_GetFontInfo(textpage, first, buf, 128, ctypes.byref(flags))
                    name = buf.value.decode("latin-1", "replace")
                    bold = bool(pdf_reader._BOLD_NAME.search(name))
                    if not bold:
                        bold = raw.FPDFText_GetFontWeight(textpage, first) >= 600
                    raw.FPDFText_GetCharBox(
                        textpage,
                        first,
                        ctypes.byref(left),
                        ctypes.byref(right),
                        ctypes.byref(bottom),
                        ctypes.byref(top),
                    )
                    frac = 1.0 - (top.value / height)
                    lines.append(
                        RawLine(
                            _rejoin_hyphens(seg),
                            pno + 1,
                            min(max(frac, 0.0), 1.0),
                            round(size, 1),
                            bold,
                        )
                    )
            finally:
                raw.FPDFText_ClosePage(textpage)
        finally:
            raw.FPDF_ClosePage(page)
    return lines


def _lines(path: Path, reader) -> list[tuple] | str:
    """Every line as a tuple (text, page, top, size, bold), or the reader's error."""
    saved = pdf_reader._pdfium_lines
    pdf_reader._pdfium_lines = reader
    try:
        _, lines = extract_pdfium(path.read_bytes())
    except PdfError as exc:
        return str(exc)
    finally:
        pdf_reader._pdfium_lines = saved
    return [dataclasses.astuple(ln) for ln in lines]


def _records(path: Path, reader) -> tuple[dict, dict]:
    """The full document (lines, sections, items, tags) and the `motioner tag` record."""
    saved = pdf_reader._pdfium_lines
    pdf_reader._pdfium_lines = reader
    try:
        doc = process(path)
    finally:
        pdf_reader._pdfium_lines = saved
    return doc.to_dict(include_lines=True), doc.tag_record()


def _first_difference(new: list | str, old: list | str) -> str:
    if isinstance(new, str) or isinstance(old, str):
        return f"new: {new if isinstance(new, str) else 'lines'}; old: {old if isinstance(old, str) else 'lines'}"
    for i, (a, b) in enumerate(zip(new, old)):
        if a != b:
            return f"line {i}: new {a!r} != old {b!r}"
    return f"{len(new)} lines != {len(old)} lines"


def _bundled_pdfs() -> list[Path]:
    return sorted((ROOT / "corpus").rglob("*.pdf"))


def test_bundled_pdfs_exist():
    # The comparisons below are only worth something if they run on real PDFs.
    readable = [p for p in _bundled_pdfs() if p.read_bytes()[:5] == b"%PDF-"]
    assert len(readable) >= 10


@pytest.mark.parametrize("path", _bundled_pdfs(), ids=lambda p: p.name[:40])
def test_same_lines_as_reference_on_bundled_pdfs(path: Path):
    new, old = _lines(path, pdf_reader._pdfium_lines), _lines(path, _reference_lines)
    assert new == old, _first_difference(new, old)


def test_reference_reader_sees_headings_and_bold():
    # Guard against comparing two empty outputs: the bundled minutes have bold headings
    # in a larger size than the body text, and U+FFFE never reaches a line.
    [path] = (ROOT / "corpus/alingsas/kommunfullmaktige/2026-06-10").glob("protokoll.pdf")
    lines = _lines(path, pdf_reader._pdfium_lines)
    assert len(lines) > 100
    assert any(bold for *_, bold in lines) and not all(bold for *_, bold in lines)
    assert len({size for *_, size, _ in lines}) > 1
    assert not any("\ufffe" in text for text, *_ in lines)
    assert all(0.0 <= top <= 1.0 for _, _, top, _, _ in lines)


@pytest.mark.corpus
@pytest.mark.slow
def test_same_lines_as_reference_on_dev_corpus(shared_corpus: Path):
    pdfs = sorted((shared_corpus / "alingsas").rglob("*.pdf"))
    assert len(pdfs) == 227
    differ = []
    n_lines = 0
    for path in pdfs:
        new, old = _lines(path, pdf_reader._pdfium_lines), _lines(path, _reference_lines)
        n_lines += len(new) if isinstance(new, list) else 0
        if new != old:
            differ.append(f"{path.relative_to(shared_corpus)}: {_first_difference(new, old)}")
    assert not differ, "\n".join(differ[:20])
    assert n_lines > 30_000  # the dev corpus has ~36,500 text lines; none may be skipped


@pytest.mark.corpus
@pytest.mark.slow
def test_same_records_as_reference_on_dev_corpus(shared_corpus: Path):
    pdfs = sorted((shared_corpus / "alingsas").rglob("*.pdf"))
    differ = []
    headings = 0
    for path in pdfs:
        new_doc, new_tags = _records(path, pdf_reader._pdfium_lines)
        old_doc, old_tags = _records(path, _reference_lines)
        headings += len(old_doc.get("sections") or [])
        if new_tags != old_tags:
            differ.append(f"{path.relative_to(shared_corpus)}: tag record differs")
        elif new_doc != old_doc:
            keys = sorted(k for k in new_doc if new_doc[k] != old_doc.get(k))
            differ.append(f"{path.relative_to(shared_corpus)}: document differs in {keys}")
    assert not differ, "\n".join(differ[:20])
    assert headings > 1000  # ~3,500 sections on the dev corpus: headings were compared
