"""Plain text and markdown-like exports: decoding and line splitting."""

from __future__ import annotations

import re

from nlp_motioner.read.furniture import RawLine

# UTF-8 read as cp1252/latin-1 and saved again leaves these pairs behind ("Ã¤" for "ä").
_MOJIBAKE = re.compile("Ã[\u0080-\u00bf¤¥¶–—…]|Ã…|Ã„|Ã–")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_BOLD = re.compile(r"^\*\*(.+?)\*\*:?$|^__(.+?)__:?$")


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Tries BOMs, UTF-8, then cp1252 and latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        text, enc = data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, enc = data.decode("utf-16", errors="replace"), "utf-16"
    else:
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, enc = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                text, enc = data.decode("latin-1"), "latin-1"
    if len(_MOJIBAKE.findall(text)) >= 3:
        try:
            text, enc = text.encode("cp1252").decode("utf-8"), enc + "+mojibake-repaired"
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return text, enc


def text_lines(text: str) -> list[tuple[RawLine, int]]:
    """Split text into raw lines; the int is the explicit heading level from markup (0 = none)."""
    out = []
    for line in text.split("\n"):
        level = 0
        bold = False
        m = _MD_HEADING.match(line)
        if m:
            level, line = len(m.group(1)), m.group(2)
        else:
            b = _MD_BOLD.match(line.strip())
            if b:
                line, bold = (b.group(1) or b.group(2)), True
        out.append((RawLine(line.rstrip(), 1, 0.5, 0.0, bold), level))
    return out
