"""Saved web pages and Riksdagen `dokumentstatus` records."""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

from nlp_motioner.read.furniture import RawLine

_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "table",
    "section",
    "article",
    "ul",
    "ol",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "blockquote",
    "dd",
    "dt",
    "hr",
}
_SKIP = {"script", "style", "noscript", "head", "nav", "footer", "svg", "form", "button"}
_HEADING = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[str, int, bool]] = []
        self._buf: list[str] = []
        self._level = 0
        self._bold_chars = 0
        self._skip = 0
        self._bold = 0
        self.title = ""
        self._in_title = False

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        if text:
            plain_len = len(text.replace(" ", ""))
            bold = plain_len > 0 and self._bold_chars >= plain_len
            self.lines.append((text, self._level, bold))
        self._buf, self._bold_chars, self._level = [], 0, 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in _SKIP:
            self._skip += 1
            return
        if tag in _BLOCK:
            self._flush()
        if tag in _HEADING:
            self._level = _HEADING[tag]
        if tag in ("b", "strong"):
            self._bold += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if tag in ("b", "strong"):
            self._bold = max(0, self._bold - 1)
        if tag in _BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._skip:
            return
        self._buf.append(data)
        if self._bold:
            self._bold_chars += len(data.replace(" ", "").replace("\n", ""))

    def close(self) -> None:
        super().close()
        self._flush()


def html_lines(markup: str) -> tuple[list[tuple[RawLine, int]], str]:
    """Return raw lines with heading levels, and the page <title>."""
    parser = _Collector()
    parser.feed(markup)
    parser.close()
    lines = [(RawLine(t, 1, 0.5, 0.0, b), lvl) for t, lvl, b in parser.lines]
    return lines, " ".join(unescape(parser.title).split())


def riksdagen_record(data: bytes) -> tuple[str, dict[str, Any]]:
    """Return the document HTML and its official metadata from a dokumentstatus record."""
    obj = json.loads(data.decode("utf-8-sig"))
    status = obj["dokumentstatus"]
    dok = status.get("dokument") or {}
    intressenter = ((status.get("dokintressent") or {}).get("intressent")) or []
    if isinstance(intressenter, dict):
        intressenter = [intressenter]
    forslag = ((status.get("dokforslag") or {}).get("forslag")) or []
    if isinstance(forslag, dict):
        forslag = [forslag]
    meta = {
        "dok_id": dok.get("dok_id"),
        "rm": dok.get("rm"),
        "beteckning": dok.get("beteckning"),
        "doktyp": dok.get("doktyp") or dok.get("typ"),
        "subtyp": dok.get("subtyp"),
        "organ": dok.get("organ"),
        "titel": dok.get("titel"),
        "subtitel": dok.get("subtitel"),
        "datum": (dok.get("datum") or "")[:10] or None,
        "signers": [
            {"name": i.get("namn"), "party": i.get("partibet")}
            for i in intressenter
            if (i.get("roll") or "").lower() == "undertecknare"
        ],
        "proposals": [
            {
                "text": f.get("lydelse"),
                "committee": (f.get("utskottet") or "").strip() or None,
                "chamber": (f.get("kammaren") or "").strip() or None,
                "treated_in": f.get("behandlas_i"),
            }
            for f in forslag
        ],
    }
    meta["committee_points"] = _committee_points(status)
    html = dok.get("html") or ""
    if not html and dok.get("text"):
        html = "<pre>" + re.sub(r"[<>&]", " ", dok["text"]) + "</pre>"
    return html, meta


def _committee_points(status: dict[str, Any]) -> list[dict[str, Any]]:
    """A committee report's points: the committee's proposal, who prevailed in the chamber
    ("utskottet" or a reservation) and the parties behind the counter-proposals."""
    points = ((status.get("dokutskottsforslag") or {}).get("utskottsforslag")) or []
    if isinstance(points, dict):
        points = [points]
    out = []
    for point in points if isinstance(points, list) else []:
        if not isinstance(point, dict):
            continue
        parties = point.get("motforslag_partier")
        out.append(
            {
                "point": str(point.get("punkt") or ""),
                "heading": str(point.get("rubrik") or ""),
                "proposal": re.sub(r"<[^>]{0,200}>", " ", str(point.get("forslag") or "")),
                "winner": str(point.get("vinnare") or ""),
                "vote": str(point.get("beslutstyp") or ""),
                "counter_parties": re.findall(r"[A-ZÅÄÖ]{1,3}", str(parties)) if parties else [],
            }
        )
    return out
