"""Plain text and markdown-like exports: decoding, clean-up and line splitting.

Decoding works per run of bytes, not per file: the file is read as UTF-8, and only the
bytes that are not valid UTF-8 are read as cp1252 (latin-1 for the five bytes cp1252
leaves undefined). One stray byte from another editor then costs at most one character,
where a whole-file fallback would turn every å/ä/ö of a UTF-8 file into mojibake. A file
that is cp1252 throughout decodes the same way, byte by byte.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from nlp_motioner.readers.furniture import RawLine

# UTF-8 read as cp1252/latin-1 and saved again leaves these pairs behind ("Ã¤" for "ä").
_MOJIBAKE = re.compile("Ã[\u0080-\u00bf¤¥¶–—…]|Ã…|Ã„|Ã–")
# A markdown ATX heading. The closing run of '#' is removed separately (see text_lines):
# a lazy body followed by optional trailing groups backtracks quadratically on long lines.
_MD_HEADING = re.compile(r"(#{1,6})[ \t]+")
_MD_CLOSING = re.compile(r"[ \t]+#+$")
_MD_BOLD = re.compile(r"\*\*([^*]+)\*\*:?|__([^_]+)__:?")

# Characters that carry no text: soft hyphen, zero-width space/joiners, word joiner,
# BOM used as zero-width no-break space, and the invisible math operators. They break
# words for search and tagging ("be\u00adslut"), so they are removed at read time.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
# C0 control characters other than tab and line breaks never belong to a document's text
# (binary junk inside a text file); form feed is a page break in text exports.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _cp1252_byte(exc: UnicodeDecodeError) -> tuple[str, int]:
    """Decode error handler: the offending bytes one by one as cp1252 (latin-1 if undefined)."""
    assert isinstance(exc, UnicodeDecodeError)
    bad = exc.object[exc.start : exc.end]
    out = []
    for b in bad:
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out), exc.end


codecs.register_error("motioner-cp1252", _cp1252_byte)


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). BOMs first, then UTF-8 with cp1252 for the bytes that are not."""
    if data.startswith(b"\xef\xbb\xbf"):
        text, enc = data[3:].decode("utf-8", errors="motioner-cp1252"), "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, enc = data.decode("utf-16", errors="replace"), "utf-16"
    elif utf16_without_bom(data):
        codec = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        text, enc = data.decode(codec, errors="replace"), codec
    else:
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="motioner-cp1252")
            # Mostly valid multi-byte UTF-8 with a few stray bytes, or cp1252 throughout.
            enc = "utf-8+cp1252" if _has_utf8_sequences(data) else "cp1252"
    if len(_MOJIBAKE.findall(text)) >= 3:
        try:
            text, enc = text.encode("cp1252").decode("utf-8"), enc + "+mojibake-repaired"
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    return clean(text), enc


def utf16_without_bom(data: bytes) -> bool:
    """UTF-16 text without a byte-order mark: every other byte of an ASCII-heavy head is NUL."""
    head = data[:512]
    if len(head) < 8:
        return False
    head = head[: len(head) - len(head) % 2]
    even, odd = head[0::2], head[1::2]
    n = len(even)
    return (odd.count(0) > 0.9 * n and even.count(0) == 0) or (
        even.count(0) > 0.9 * n and odd.count(0) == 0
    )


def _has_utf8_sequences(data: bytes) -> bool:
    # A lead byte followed by the right continuation bytes: real UTF-8 somewhere in the file.
    return re.search(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}", data) is not None


def clean(text: str) -> str:
    """NFC, without invisible characters and C0 controls: what every reader hands on.

    Decomposed å/ä/ö (NFD, from macOS and some PDFs) become single characters, so
    lexicons and search match them.
    """
    if not text.isascii():
        # A character-class substitution, not str.translate with a deletion table: the
        # table is looked up for every character (a tenth of the reading time).
        text = unicodedata.normalize("NFC", _INVISIBLE_RE.sub("", text))
    return _CONTROL.sub("", text)


def text_lines(text: str) -> list[tuple[RawLine, int]]:
    """Split text into raw lines; the int is the explicit heading level from markup (0 = none)."""
    out = []
    for line in text.split("\n"):
        level = 0
        bold = False
        m = _MD_HEADING.match(line)
        if m:
            level, line = len(m.group(1)), line[m.end() :].rstrip()
            line = _MD_CLOSING.sub("", line).strip()
        else:
            b = _MD_BOLD.fullmatch(line.strip())
            if b:
                line, bold = (b.group(1) or b.group(2)), True
        out.append((RawLine(line.rstrip(), 1, 0.5, 0.0, bold), level))
    return out
