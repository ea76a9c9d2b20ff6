"""PDF text layer through pypdfium2, with per-line font size and weight.

pypdfium2 is ~50x faster than pdfplumber's `extract_text` on these archives (see
benchmarks/read.py), and pdfium also gives per-character font facts, which is all the
layout the structure stage needs. pdfplumber stays available as `backend="pdfplumber"`
for comparison and as a fallback for PDFs pdfium rejects.
"""

from __future__ import annotations

import ctypes
import re

from nlp_motioner.read.furniture import RawLine

# pdfium marks a hyphen it removed at a line end with U+FFFE and joins the lines.
_SOFT_HYPHEN = "\ufffe"
# A hyphen before a conjunction is a Swedish compound ellipsis ("kultur- och fritid"): keep it.
_ELLIPSIS_NEXT = re.compile(r"(och|eller|samt|respektive|som|till|resp\.)\b", re.IGNORECASE)
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


class PdfError(Exception):
    pass


def _rejoin_hyphens(text: str) -> str:
    if _SOFT_HYPHEN not in text:
        return text
    parts = text.split(_SOFT_HYPHEN)
    out = [parts[0]]
    for nxt in parts[1:]:
        if _ELLIPSIS_NEXT.match(nxt) or (nxt[:1].isupper() and out[-1][-1:].isalpha()):
            out.append("- " + nxt)
        else:
            out.append(nxt)
    return "".join(out)


_ENCRYPT_KEY = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")


def is_encrypted(data: bytes) -> bool:
    """Whether the PDF declares an encryption dictionary (in a trailer or xref stream)."""
    return _ENCRYPT_KEY.search(data) is not None


def extract_pdfium(data: bytes, *, max_pages: int | None = None, password: str | None = None):
    """Return (page_count, raw lines, per-page heights) from PDF bytes."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        pdf = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as exc:
        # pdfium's error code is process-global and not reset by a successful call, so after
        # one encrypted file every later broken file would also say "password". Decide from
        # the file itself: an encryption dictionary in the trailer.
        if is_encrypted(data):
            raise PdfError("encrypted PDF (password required)") from exc
        raise PdfError("not a readable PDF (damaged, truncated or not a PDF)") from exc
    try:
        n_pages = len(pdf)
        if max_pages is not None and n_pages > max_pages:
            raise PdfError(f"too many pages ({n_pages} > --max-pages {max_pages})")
        lines: list[RawLine] = []
        buf = ctypes.create_string_buffer(128)
        flags = ctypes.c_int()
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        for pno in range(n_pages):
            try:
                page = pdf[pno]
            except pdfium.PdfiumError as exc:
                raise PdfError(f"not a readable PDF (page {pno + 1} is damaged)") from exc
            height = page.get_height() or 842.0
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            pos = 0
            for seg in text.split("\r\n"):
                idx = pos
                pos += len(seg) + 2
                if not seg.strip():
                    continue
                first = idx + (len(seg) - len(seg.lstrip()))
                size = raw.FPDFText_GetFontSize(textpage.raw, first)
                raw.FPDFText_GetFontInfo(textpage.raw, first, buf, 128, ctypes.byref(flags))
                name = buf.value.decode("latin-1", "replace")
                # The weight is 0 for non-embedded standard fonts, so trust the name first.
                weight = raw.FPDFText_GetFontWeight(textpage.raw, first)
                bold = bool(_BOLD_NAME.search(name)) or weight >= 600
                raw.FPDFText_GetCharBox(
                    textpage.raw,
                    first,
                    ctypes.byref(left),
                    ctypes.byref(right),
                    ctypes.byref(bottom),
                    ctypes.byref(top),
                )
                frac = 1.0 - (top.value / height) if height else 0.5
                lines.append(
                    RawLine(
                        _rejoin_hyphens(seg),
                        pno + 1,
                        min(max(frac, 0.0), 1.0),
                        round(size, 1),
                        bold,
                    )
                )
            textpage.close()
            page.close()
        return n_pages, lines
    finally:
        pdf.close()


def extract_pdfplumber(data: bytes, *, max_pages: int | None = None):
    """The slower pdfplumber path: same output shape, font facts from its char objects."""
    import io

    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        raise PdfError(f"not a readable PDF ({type(exc).__name__})") from exc
    with pdf:
        n_pages = len(pdf.pages)
        if max_pages is not None and n_pages > max_pages:
            raise PdfError(f"too many pages ({n_pages} > --max-pages {max_pages})")
        lines: list[RawLine] = []
        for pno, page in enumerate(pdf.pages, start=1):
            height = float(page.height) or 842.0
            for tl in page.extract_text_lines(return_chars=True):
                chars = tl.get("chars") or []
                c0 = chars[0] if chars else {}
                name = str(c0.get("fontname", ""))
                lines.append(
                    RawLine(
                        tl["text"],
                        pno,
                        float(tl["top"]) / height,
                        round(float(c0.get("size", 0.0)), 1),
                        bool(_BOLD_NAME.search(name)),
                    )
                )
        return n_pages, lines
