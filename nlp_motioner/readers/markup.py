"""Text exports of documents: YAML front matter, page markers and converter escapes.

PDF-to-Markdown converters write what the PDF held as plain lines, with a metadata
block on top ("---" YAML "---"), an HTML comment before each page ("<!-- sida 3 -->"),
Markdown escapes ("1\\.", "\\-") and links ("[Tabell 3-1](tabeller/3-1.csv)"). This
module turns such a text into metadata plus pages of plain lines, so the rest of the
reader treats it like any other document: each page marker is a page break, and the
lines at the top and bottom of every page can go through the same furniture test as a
PDF's running headers.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from nlp_motioner._data import load_toml
from nlp_motioner.readers.furniture import RawLine, furniture_mask
from nlp_motioner.readers.text import text_lines

__all__ = ["Export", "parse_export", "export_lines"]

# How many text lines at the top and bottom of an exported page can be running header and
# footer (they are dropped only when they repeat on most pages).
_HEADER_LINES, _FOOTER_LINES = 5, 4
# A front-matter block larger than this is not metadata; it is left as text.
_MAX_FRONT_MATTER = 32_000
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n")
_FRONT_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
# "\." "\-" "\*" ...: a backslash before ASCII punctuation is a Markdown escape.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# "[text](target)" -> "text"; "![alt](image)" -> "alt". Bounded so a stray "[" costs little.
_LINK = re.compile(r"!?\[([^\[\]\n]{0,300})\]\([^()\s]{0,500}(?:\s+\"[^\"\n]{0,200}\")?\)")
# A table's separator row: "|---|:--:|".
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


@dataclass
class Export:
    """A text export split into metadata and pages of lines (markup removed)."""

    front_matter: dict[str, Any] = field(default_factory=dict)
    pages: list[list[str]] = field(default_factory=list)
    marked_pages: bool = False  # True when the text carried page markers


@lru_cache(maxsize=1)
def _page_marker() -> re.Pattern[str]:
    words = load_toml("readers/markup.toml")["page_marker_words"]
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"^\s*<!--\s*(?:{alternatives})\s*:?\s*(\d{{1,5}})\s*-->\s*$", re.I)


def parse_export(text: str) -> Export:
    """Split a decoded text into front matter and pages; markup is reduced to plain text."""
    out = Export()
    body = text
    m = _FRONT.match(text)
    if m:
        end = _FRONT_END.search(text, m.end(), min(len(text), m.end() + _MAX_FRONT_MATTER))
        if end:
            meta = _load_front_matter(text[m.end() : end.start()])
            if meta is not None:
                out.front_matter = meta
                body = text[end.end() :].lstrip("\r\n")
    marker = _page_marker()
    page: list[str] = []
    for raw in body.split("\n"):
        if marker.match(raw):
            if page or out.marked_pages:
                out.pages.append(page)
            page = []
            out.marked_pages = True
            continue
        page.append(_plain(raw))
    out.pages.append(page)
    if out.marked_pages and out.pages and not any(ln.strip() for ln in out.pages[0]):
        out.pages = out.pages[1:] or [[]]
    return out


def _plain(line: str) -> str:
    if "\\" in line:
        line = _ESCAPE.sub(r"\1", line)
    if "](" in line:
        line = _LINK.sub(r"\1", line)
    if "|" in line and _TABLE_RULE.match(line):
        return ""
    return line


def _load_front_matter(block: str) -> dict[str, Any] | None:
    """The YAML mapping of a front-matter block, with values made JSON-safe; None if not YAML."""
    import yaml  # only text exports with front matter pay for the import

    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError:
        return _key_values(block)
    if not isinstance(data, dict):
        return None
    return {str(k): _jsonable(v) for k, v in data.items()}


_KEY_VALUE = re.compile(r"^([A-Za-z_][\w-]{0,40}):[ \t]*(.*)$")


def _key_values(block: str) -> dict[str, Any] | None:
    """A tolerant reading of "key: value" lines, for front matter that is not valid YAML."""
    out: dict[str, Any] = {}
    for line in block.splitlines():
        m = _KEY_VALUE.match(line)
        if m:
            out[m.group(1)] = m.group(2).strip() or None
    return out or None


def _jsonable(value: Any, depth: int = 0) -> Any:
    if depth > 8:
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v, depth + 1) for k, v in list(value.items())[:200]}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, depth + 1) for v in list(value)[:1000]]
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def export_lines(text: str) -> tuple[dict[str, Any], list[RawLine], list[int], int, list[str]]:
    """(front matter, raw lines, heading levels, page count, page-1 header lines) of a text.

    With page markers, each line gets its page and its relative position on the page,
    and running headers and footers are dropped by the same test as in PDFs.
    """
    export = parse_export(text)
    raw: list[RawLine] = []
    levels: list[int] = []
    for number, page in enumerate(export.pages, 1):
        filled = [i for i, line in enumerate(page) if line.strip()]
        head, foot = set(filled[:_HEADER_LINES]), set(filled[-_FOOTER_LINES:])
        for i, (ln, level) in enumerate(text_lines("\n".join(page))):
            ln.page = number
            # Without geometry, the first and last few text lines of a page stand for its
            # header and footer bands.
            ln.top = 0.0 if i in head else 1.0 if i in foot else 0.5
            if not export.marked_pages:
                ln.top = 0.5
            raw.append(ln)
            levels.append(level)
    n_pages = len(export.pages)
    header: list[str] = []
    if export.marked_pages and n_pages >= 2:
        mask = furniture_mask(raw, n_pages, any_digits=False)
        header = [
            ln.text.strip() for ln, m in zip(raw, mask) if m and ln.page == 1 and ln.top < 0.5
        ]
        header = [h for h in header if h]
        kept = [(ln, lvl) for ln, lvl, m in zip(raw, levels, mask) if not m]
        raw, levels = [ln for ln, _ in kept], [lvl for _, lvl in kept]
    return export.front_matter, raw, levels, n_pages, header
