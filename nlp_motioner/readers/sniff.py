"""Decide what a file is from the structure of its bytes, never from its name.

A substring is not enough: a text that quotes "%PDF-1.4" is not a PDF, and a line starting
with "[1]" is not JSON. A PDF must start with its header (after at most a few junk bytes)
and hold objects; JSON must parse; HTML must open with markup. Formats we do not read
(Office documents, images, archives) are named, so the error says what the file is.
"""

from __future__ import annotations

import json
import re
import zipfile
from io import BytesIO

from nlp_motioner.readers.text import decode, utf16_without_bom

PDF = "pdf"
HTML = "html"
TEXT = "text"
RIKSDAGEN = "riksdagen"
JSON = "json"
EMPTY = "empty"
UNKNOWN = "unknown"

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_PDF_HEADER = re.compile(rb"%PDF-\d\.\d")
_HTML_START = re.compile(
    rb"(?:<\?xml[^>]{0,200}>\s*)?(?:<!--.{0,2000}?-->\s*)*"
    rb"<(?:!doctype\s+html|html|head|body|title|meta)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_HTML_INSIDE = re.compile(rb"<(?:html|body)[\s>]", re.IGNORECASE)


def sniff(data: bytes) -> str:
    """Return the file kind for a file's bytes (the whole file, or at least its first 8 KiB)."""
    head = data[:8192]
    if not head.strip(b" \t\r\n\x00"):
        return EMPTY
    if _is_pdf(data):
        return PDF
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or utf16_without_bom(head):
        body = _utf16_head(head)
    else:
        body = head[3:] if head.startswith(_BOMS[0]) else head
    if other_format(data) is not None:
        return UNKNOWN
    stripped = body.lstrip()
    if _HTML_START.match(stripped[:4096]) or (
        stripped[:1] == b"<" and _HTML_INSIDE.search(stripped[:1024])
    ):
        return HTML
    if stripped[:1] in (b"{", b"["):
        parsed = _json(data)
        if isinstance(parsed, dict) and "dokumentstatus" in parsed:
            return RIKSDAGEN
        if parsed is not None:
            return JSON
        if stripped[:1] == b"{" and b'"dokumentstatus"' in stripped[:4096]:
            return RIKSDAGEN  # a damaged record: the reader says so
    if _looks_binary(body):
        return UNKNOWN
    return TEXT


def _utf16_head(head: bytes) -> bytes:
    text, _ = decode(head[: len(head) - len(head) % 2])
    return text.encode("utf-8")


def _is_pdf(data: bytes) -> bool:
    # Readers accept the header after up to 1 KiB of junk; prose that merely mentions
    # "%PDF-1.4" has no objects after it.
    m = _PDF_HEADER.search(data[:1024])
    if m is None:
        return False
    if m.start() == 0:
        return True
    rest = data[m.end() : m.end() + 65536]
    return b" obj" in rest and (b"endobj" in rest or b"stream" in rest)


def _json(data: bytes) -> object | None:
    """The parsed JSON value, or None when the bytes are not one JSON document."""
    text, _ = decode(data)
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def loads_json(data: bytes) -> object:
    """Strict JSON from bytes in any of the encodings `decode` knows (NaN and Infinity refused)."""
    text, _ = decode(data)
    return json.loads(text, parse_constant=_reject_constant)


_MAGIC = [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"PK\x03\x04", "zip"),
    (b"{\\rtf", "RTF document (.rtf)"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x7fELF", "executable program"),
    (b"MZ", "Windows program"),
]

_OOXML = [
    ("word/", "Word document (.docx)"),
    ("xl/", "Excel workbook (.xlsx)"),
    ("ppt/", "PowerPoint presentation (.pptx)"),
]
_ODF = {
    b"application/vnd.oasis.opendocument.text": "OpenDocument text (.odt)",
    b"application/vnd.oasis.opendocument.spreadsheet": "OpenDocument spreadsheet (.ods)",
    b"application/vnd.oasis.opendocument.presentation": "OpenDocument presentation (.odp)",
}
_OLE_STREAMS = [
    ("WordDocument", "Word 97-2003 document (.doc)"),
    ("Workbook", "Excel 97-2003 workbook (.xls)"),
    ("PowerPoint Document", "PowerPoint 97-2003 presentation (.ppt)"),
]


def other_format(data: bytes) -> str | None:
    """The name of a known format that is not a document we read, or None."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            if name == "zip":
                return _zip_kind(data)
            if name == "ole":
                return _ole_kind(data)
            if name == "Windows program" and len(data) < 64:
                return None  # "MZ" can start a short text
            return name
    return None


def _zip_kind(data: bytes) -> str:
    # ODF puts an uncompressed `mimetype` member first, so its value sits at offset 38.
    for mime, name in _ODF.items():
        if data[30:38] == b"mimetype" and data[38 : 38 + len(mime)] == mime:
            return name
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            names = zf.namelist()[:2000]
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return "ZIP archive"
    if "[Content_Types].xml" in names:
        for prefix, name in _OOXML:
            if any(n.startswith(prefix) for n in names):
                return name
    return "ZIP archive"


def _ole_kind(data: bytes) -> str:
    # The stream names sit in the compound file's directory as UTF-16LE strings.
    for stream, name in _OLE_STREAMS:
        if stream.encode("utf-16-le") in data[:4_000_000]:
            return name
    return "Microsoft Office 97-2003 file"


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if not sample:
        return False
    if b"\x00" in sample:
        # NUL bytes in an otherwise textual file are tolerated when rare.
        if sample.count(b"\x00") > len(sample) // 100:
            return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.05
