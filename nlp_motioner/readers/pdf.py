"""PDF text layer through pypdfium2, with per-line font size and weight.

pypdfium2 is ~50x faster than pdfplumber's `extract_text` on these archives (see
benchmarks/read.py), and pdfium also gives per-character font facts, which is all the
layout the structure stage needs. pdfplumber stays available as `backend="pdfplumber"`
for comparison and as a fallback for PDFs pdfium rejects.
"""

from __future__ import annotations

import ctypes
import math
import re
from functools import lru_cache

from nlp_motioner.readers.furniture import RawLine

# pdfium marks a hyphen it removed at a line end with U+FFFE and joins the lines.
_SOFT_HYPHEN = "\ufffe"
# A hyphen before a conjunction is a Swedish compound ellipsis ("kultur- och fritid"): keep it.
_ELLIPSIS_NEXT = re.compile(r"(och|eller|samt|respektive|som|till|resp\.)\b", re.IGNORECASE)
# A one-letter word, an abbreviation in capitals or a number is joined to the next word with
# its hyphen ("e-cigaretter", "VA-lösningar", "2-rumslägenhet"): the hyphen was never a break.
_KEEPS_HYPHEN = re.compile(r"(?:^|[\s(/])(?:[^\W\d_]|[A-ZÅÄÖ]{2,}|\d+)$")
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
        elif _KEEPS_HYPHEN.search(out[-1]):
            out.append("-" + nxt)  # "e-" / "cigaretter", "VA-" / "lösningar"
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
        return n_pages, _pdfium_lines(pdf.raw, n_pages)
    finally:
        pdf.close()


@lru_cache(maxsize=1)
def _line_getters() -> tuple:
    """pdfium's per-character getters, declared without ctypes `argtypes`.

    With `argtypes` set, ctypes converts and checks every argument on every call, which is
    more than half the cost of these small getters (FPDFText_GetCharBox: ~1.4 us with, ~0.4
    us without, measured in a loop). They run once per line, ~36,500 times on the dev
    corpus. Without declarations the callers must pass the exact C types: handles as the
    ctypes pointers pypdfium2 returns, `int` as a Python int, `unsigned long` as c_ulong,
    out-parameters by reference. The function class is pypdfium2's own, so the calling
    convention stays the one it loaded the library with.
    """
    import pypdfium2.raw as raw

    def bare(fn, restype):
        bare_fn = type(fn)(ctypes.cast(fn, ctypes.c_void_p).value)
        bare_fn.restype = restype
        return bare_fn

    return (
        bare(raw.FPDFText_GetFontSize, ctypes.c_double),
        bare(raw.FPDFText_GetFontInfo, ctypes.c_ulong),
        bare(raw.FPDFText_GetFontWeight, ctypes.c_int),
        bare(raw.FPDFText_GetCharBox, ctypes.c_int),
        bare(raw.FPDFText_GetMatrix, ctypes.c_int),
    )


def _pdfium_lines(doc_handle, n_pages: int) -> list[RawLine]:
    """Lines with font facts, straight from pdfium's C API.

    The text of a page comes in one call; font size, weight and position are asked only
    for the first character of each line (four calls per line). The pypdfium2 helper
    objects (PdfPage, PdfTextPage) register a weakref finalizer and a parent link each;
    over thousands of pages that bookkeeping cost a third of the reading time, so pages
    and text pages are opened and closed here directly. What remains is pdfium's own
    page parsing and text layout, which raw text extraction pays as well.
    """
    import pypdfium2.raw as raw

    lines: list[RawLine] = []
    buf = ctypes.create_string_buffer(128)
    buf_len = ctypes.c_ulong(128)
    flags = ctypes.c_int()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    refs = tuple(ctypes.byref(v) for v in (left, right, bottom, top))
    bold_by_font: dict[bytes, bool] = {}
    get_size, get_info, get_weight, get_box, get_matrix = _line_getters()
    flags_ref = ctypes.byref(flags)
    matrix = raw.FS_MATRIX()
    matrix_ref = ctypes.byref(matrix)
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
                number = pno + 1
                for seg in text.split("\r\n"):
                    idx = pos
                    pos += len(seg) + 2
                    # lstrip() removes exactly what isspace() tests, so "" means blank.
                    stripped = seg.lstrip()
                    if not stripped:
                        continue
                    first = idx + (len(seg) - len(stripped))
                    size = get_size(textpage, first)
                    # The size the Tf operator gives is scaled by the text and page matrices:
                    # many producers write "1 Tf" and a text matrix of 11, so the printed
                    # size is the font size times the matrix's vertical scale.
                    if get_matrix(textpage, first, matrix_ref):
                        scale = math.hypot(matrix.c, matrix.d)
                        if 0.0 < scale < 1000.0:
                            size *= scale
                    # For a character without a text object pdfium leaves `buf` as it was,
                    # so such a line takes the previous line's font name, as it always has.
                    get_info(textpage, first, buf, buf_len, flags_ref)
                    name = buf.value
                    bold = bold_by_font.get(name)
                    if bold is None:
                        bold = bold_by_font[name] = bool(
                            _BOLD_NAME.search(name.decode("latin-1", "replace"))
                        )
                    # The weight is 0 for non-embedded standard fonts, so the name comes first.
                    if not bold:
                        bold = get_weight(textpage, first) >= 600
                    get_box(textpage, first, *refs)
                    frac = 1.0 - (top.value / height)
                    lines.append(
                        RawLine(
                            _rejoin_hyphens(seg),
                            number,
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
