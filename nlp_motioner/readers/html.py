"""Saved web pages: lines of text with heading levels, read from a tolerant HTML5 parse.

html5lib builds the tree the way a browser does (the WHATWG algorithm): a missing
`</head>` or `</nav>`, an unclosed `<svg>` and a page wrapped in one `<form>` (ASP.NET,
EPiServer) all give the body text a browser would show. Riksdagen records are in
`riksdagen.py`.
"""

from __future__ import annotations

import re
from typing import Any

from nlp_motioner.readers.furniture import RawLine
from nlp_motioner.readers.riksdagen import riksdagen_record

__all__ = ["html_lines", "is_error_page", "riksdagen_record"]

_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "table",
    "section",
    "article",
    "main",
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
    "dl",
    "hr",
    "header",
    "aside",
    "figure",
    "figcaption",
    "caption",
    "address",
    "form",
    "fieldset",
    "details",
    "summary",
}
# Never text a reader wants: code, styling, controls, pictures.
_NEVER = {
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "title",
    "meta",
    "link",
    "base",
    "svg",
    "math",
    "button",
    "select",
    "option",
    "textarea",
    "input",
    "iframe",
    "object",
    "canvas",
}
# Site furniture, skipped unless it holds the page's content: a `<nav>` left unclosed
# swallows the rest of the page in a browser's tree too.
_FURNITURE = {"nav", "footer"}
_CONTENT = {"main", "article", "h1", "h2"}
_HEADING = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


class _Collector:
    def __init__(self) -> None:
        self.lines: list[tuple[str, int, bool]] = []
        self._buf: list[str] = []
        self._bold_chars = 0
        self._level = 0

    def flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        if text:
            plain_len = len(text.replace(" ", ""))
            bold = plain_len > 0 and self._bold_chars >= plain_len
            self.lines.append((text, self._level, bold))
        self._buf, self._bold_chars, self._level = [], 0, 0

    def add(self, text: str, bold: bool) -> None:
        self._buf.append(text)
        if bold:
            self._bold_chars += len(text.replace(" ", "").replace("\n", ""))

    def walk(self, root: Any) -> None:
        # Iterative, so a page nested thousands of levels deep cannot exhaust the stack.
        stack: list[tuple[Any, bool, bool]] = [(root, False, False)]
        while stack:
            node, bold, closing = stack.pop()
            tag = _tag(node)
            if closing:
                if tag in _BLOCK:
                    self.flush()
                if node.tail:
                    self.add(node.tail, bold)
                continue
            if tag is None:  # a comment or processing instruction: only its tail is text
                if node.tail:
                    self.add(node.tail, bold)
                continue
            if tag in _NEVER or (tag in _FURNITURE and not _holds_content(node)):
                if node.tail:
                    self.add(node.tail, bold)
                continue
            if tag in _BLOCK:
                self.flush()
            if tag in _HEADING:
                self._level = _HEADING[tag]
            inner_bold = bold or tag in ("b", "strong")
            stack.append((node, bold, True))
            if node.text:
                self.add(node.text, inner_bold)
            for child in reversed(list(node)):
                stack.append((child, inner_bold, False))


def _tag(node: Any) -> str | None:
    tag = node.tag
    if not isinstance(tag, str):
        return None
    return tag.rsplit("}", 1)[-1].lower()


def _holds_content(node: Any) -> bool:
    return any(_tag(el) in _CONTENT for el in node.iter())


def _parse(markup: str) -> Any:
    import html5lib

    return html5lib.parse(markup, treebuilder="etree", namespaceHTMLElements=False)


def html_lines(markup: str) -> tuple[list[tuple[RawLine, int]], str]:
    """Return raw lines with heading levels, and the page <title>."""
    tree = _parse(markup)
    title_el = tree.find(".//title")
    title = " ".join("".join(title_el.itertext()).split()) if title_el is not None else ""
    body = tree.find("body")
    collector = _Collector()
    collector.walk(body if body is not None else tree)
    collector.flush()
    lines = [(RawLine(t, 1, 0.5, 0.0, b), lvl) for t, lvl, b in collector.lines]
    return lines, title


# What portals say when a document is missing, moved or forbidden. Matched against the
# page title and the first heading only: words like "500" or "access denied" also occur
# in the body of real documents ("500 000 kronor").
_ERROR_CODE = re.compile(
    r"^\W{0,8}(?:(?:error|fel|http|status)\W{1,3})?(?:400|401|403|404|410|500|502|503)\b"
    r"(?![\s.,]?\d)",
    re.IGNORECASE,
)
_ERROR_PHRASE = re.compile(
    r"\b(?:sidan\s+(?:saknas|finns\s+inte|kunde\s+inte\s+hittas)|page\s+not\s+found"
    r"|not\s+found|access\s+denied|forbidden|ett\s+fel\s+(?:har\s+)?uppstod"
    r"|internal\s+server\s+error|service\s+unavailable)\b",
    re.IGNORECASE,
)


def _error_heading(text: str) -> bool:
    head = text[:200]
    return bool(_ERROR_CODE.match(head) or _ERROR_PHRASE.search(head))


# An error page says one thing; a document has more to say than this.
_ERROR_MAX_WORDS = 120


def is_error_page(title: str, first_heading: str, text: str) -> bool:
    """A portal's error page: an error title or first heading, and little text besides."""
    if not (_error_heading(title) or _error_heading(first_heading)):
        return False
    return len(text.split()) <= _ERROR_MAX_WORDS
