"""Stage 1: bytes -> a Document with text, pages and layout lines. Knows nothing of politics.

Public surface: `read_file(path)`. Expected failures (broken, encrypted, scanned, empty
files) come back as a Document whose `error` is one line naming the reason; only
programming errors raise.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

from nlp_motioner.readers import sniff as _sniff
from nlp_motioner.readers.furniture import RawLine, furniture_mask
from nlp_motioner.readers.html import html_lines, is_error_page
from nlp_motioner.readers.markup import export_lines
from nlp_motioner.readers.pdf import PdfError, extract_pdfium, extract_pdfplumber
from nlp_motioner.readers.riksdagen import RecordError, riksdagen_record
from nlp_motioner.readers.text import clean, decode
from nlp_motioner.record import Document, Line, Page, ReadError

__all__ = ["read_file", "read_bytes", "DEFAULT_MAX_PAGES", "DEFAULT_MAX_BYTES"]

DEFAULT_MAX_PAGES = 2000
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
# Fewer visible characters per page than this means the PDF is an image without a text layer.
_MIN_CHARS_PER_PAGE = 20

OCR_HINT = "install ocrmypdf and tesseract (with the 'swe' language) and rerun with --ocr"


def read_file(
    path: str | os.PathLike[str],
    *,
    ocr: bool = False,
    max_pages: int | None = DEFAULT_MAX_PAGES,
    backend: str = "pdfium",
) -> Document:
    """Read one file into a Document (text, pages, lines); never raises for a bad file."""
    source = os.fspath(path)
    try:
        p = Path(source)
        st = p.stat()
        if stat.S_ISDIR(st.st_mode):
            # The batch walker hands over a directory it could not list.
            if not os.access(p, os.R_OK | os.X_OK):
                raise ReadError("directory cannot be listed (permission denied)")
            raise ReadError("is a directory")
        if not stat.S_ISREG(st.st_mode):
            # A FIFO or device would block or never end; archives hold only regular files.
            raise ReadError("not a regular file (pipe, socket or device)")
        size = st.st_size
        if size > DEFAULT_MAX_BYTES:
            raise ReadError(f"file too large ({size // (1024 * 1024)} MB)")
        data = p.read_bytes()
    except ReadError as exc:
        return Document(source=source, file_kind=_sniff.UNKNOWN, error=str(exc))
    except PermissionError:
        return Document(source=source, file_kind=_sniff.UNKNOWN, error="permission denied")
    except FileNotFoundError:
        return Document(source=source, file_kind=_sniff.UNKNOWN, error="no such file")
    except OSError as exc:
        return Document(
            source=source, file_kind=_sniff.UNKNOWN, error=f"cannot read ({exc.strerror})"
        )
    return read_bytes(data, source, ocr=ocr, max_pages=max_pages, backend=backend)


def read_bytes(
    data: bytes,
    source: str = "<bytes>",
    *,
    ocr: bool = False,
    max_pages: int | None = DEFAULT_MAX_PAGES,
    backend: str = "pdfium",
) -> Document:
    kind = _sniff.sniff(data)
    doc = Document(source=source, file_kind=kind, sha256=hashlib.sha256(data).hexdigest())
    try:
        if kind == _sniff.EMPTY:
            raise ReadError("empty file")
        if kind == _sniff.JSON:
            raise ReadError(
                "JSON data, not a document (only Riksdagen dokumentstatus records are read)"
            )
        if kind == _sniff.UNKNOWN:
            other = _sniff.other_format(data)
            if other:
                raise ReadError(f"{other}: not read; convert it to PDF or text")
            raise ReadError("unknown file format (not PDF, HTML, JSON or text)")
        if kind == _sniff.PDF:
            _read_pdf(doc, data, ocr=ocr, max_pages=max_pages, backend=backend)
        elif kind == _sniff.HTML:
            text, _ = decode(data)
            lines, title = html_lines(text)
            title = clean(title)
            doc.metadata["html_title"] = title
            _assemble(doc, [ln for ln, _ in lines], [lvl for _, lvl in lines], 1)
            if not doc.text.strip():
                raise ReadError("HTML page without text")
            # The first heading, else the first line: where a portal says what went wrong.
            heading = next((ln.text for ln, lvl in lines if lvl), lines[0][0].text)
            if is_error_page(title, heading, doc.text):
                raise ReadError(f"HTML error page, not a document (title: '{title[:80]}')")
        elif kind == _sniff.RIKSDAGEN:
            try:
                html, meta = riksdagen_record(data)
            except RecordError as exc:
                raise ReadError(f"malformed Riksdagen record ({exc})") from None
            doc.metadata.update(_clean_meta(meta))
            lines, _ = html_lines(html)
            _assemble(doc, [ln for ln, _ in lines], [lvl for _, lvl in lines], 1)
        else:
            text, enc = decode(data)
            doc.metadata["encoding"] = enc
            front, raw, levels, n_pages, header = export_lines(text)
            if front:
                doc.metadata["front_matter"] = front
            if header:
                doc.metadata["page_header"] = header
            _assemble(doc, raw, levels, n_pages)
            if not doc.text.strip():
                raise ReadError("no text (only whitespace)")
    except ReadError as exc:
        doc.error = str(exc)
    except PdfError as exc:
        doc.error = str(exc)
    return doc


def _clean_meta(value: object) -> object:
    """Metadata strings normalized like the text (NFC, no invisible characters)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {k: _clean_meta(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_meta(v) for v in value]
    return value


def _read_pdf(
    doc: Document, data: bytes, *, ocr: bool, max_pages: int | None, backend: str
) -> None:
    extract = extract_pdfplumber if backend == "pdfplumber" else extract_pdfium
    try:
        n_pages, raw = extract(data, max_pages=max_pages)
    except PdfError as exc:
        if "password" in str(exc):
            try:  # an empty user password still counts as readable
                n_pages, raw = extract_pdfium(data, max_pages=max_pages, password="")
            except PdfError:
                raise ReadError("encrypted PDF (password required)") from exc
        else:
            raise ReadError(str(exc)) from exc
    if n_pages == 0:
        raise ReadError("PDF has no pages")
    visible = sum(len(ln.text.strip()) for ln in raw)
    if visible < _MIN_CHARS_PER_PAGE * n_pages and visible < 200:
        if not ocr:
            raise ReadError(f"no text layer (scanned?); {OCR_HINT}")
        n_pages, raw = _ocr(data, max_pages)
        doc.metadata["ocr"] = True
    mask = furniture_mask(raw, n_pages)
    header = [
        clean(ln.text).strip() for ln, m in zip(raw, mask) if m and ln.page == 1 and ln.top < 0.5
    ]
    if header:
        doc.metadata["page_header"] = header
    kept = [ln for ln, m in zip(raw, mask) if not m]
    _assemble(doc, kept, [0] * len(kept), n_pages)


def _ocr(data: bytes, max_pages: int | None) -> tuple[int, list[RawLine]]:
    exe = shutil.which("ocrmypdf")
    if not exe:
        raise ReadError(f"no text layer (scanned?); --ocr needs ocrmypdf: {OCR_HINT}")
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp, "in.pdf"), Path(tmp, "out.pdf")
        src.write_bytes(data)
        proc = subprocess.run(
            [exe, "--quiet", "-l", "swe+eng", "--force-ocr", str(src), str(dst)],
            capture_output=True,
            timeout=600,
        )
        if proc.returncode != 0 or not dst.exists():
            err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise ReadError(f"OCR failed ({err[-1] if err else proc.returncode})")
        return extract_pdfium(dst.read_bytes(), max_pages=max_pages)


def _assemble(doc: Document, raw: list[RawLine], levels: list[int], n_pages: int) -> None:
    """Join raw lines into the document text, keeping line and page offsets."""
    parts: list[str] = []
    lines: list[Line] = []
    pages: list[Page] = []
    pos = 0
    current_page = 0
    page_start = 0
    for ln, level in zip(raw, levels):
        if ln.page != current_page:
            if current_page:
                pages.append(Page(current_page, page_start, pos))
            current_page, page_start = ln.page, pos
        # Normalized per line, so every offset below indexes the text as stored.
        text = clean(ln.text.replace("\t", " ")).rstrip()
        lines.append(Line(text, ln.page, pos, pos + len(text), ln.size, ln.bold, level))
        parts.append(text)
        pos += len(text) + 1
    if current_page:
        pages.append(Page(current_page, page_start, pos))
    doc.text = "\n".join(parts)
    doc.lines = lines
    # Pages with no kept text still count; keep their numbers contiguous in `pages`.
    seen = {p.number for p in pages}
    for number in range(1, n_pages + 1):
        if number not in seen:
            pages.append(Page(number, pos, pos))
    doc.pages = sorted(pages, key=lambda p: p.number)
    doc.page_count = n_pages
