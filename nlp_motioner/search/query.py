"""A forgiving parser from what a person types to an FTS5 MATCH expression over stems.

Supported: words (implicitly AND-ed), "quoted phrases", prefix*, AND / OR / NOT in capitals,
a leading minus (-word) for NOT, and parentheses. Anything else is punctuation and is
ignored; an unclosed quote runs to the end, unbalanced parentheses are closed or dropped.
Every term is stemmed with the index's analyzer and emitted quoted, so no user input can
reach FTS5's own syntax. Parsing never raises; an empty result is reported as `None`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlp_motioner.store.analyze import WORD_RE, stem, stems

_TOKEN_RE = re.compile(r'"|\(|\)|-?[^\W_]+\*?|[^\w\s"()]+|_+', re.UNICODE)
_OPS = {"AND", "OR", "NOT"}


@dataclass
class Query:
    """A parsed query: the FTS5 expression plus what snippets and LSA need."""

    raw: str
    match: str | None  # None: nothing searchable (only stop words or punctuation)
    terms: list[str] = field(default_factory=list)  # stems to highlight
    prefixes: list[str] = field(default_factory=list)  # prefix* terms (lower case, unstemmed)
    positive_text: str = ""  # the words not under NOT, for the semantic side
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.match is None


# AST: ("term", stem) | ("prefix", text) | ("phrase", [stems]) | ("and"|"or", [nodes])
#      | ("not", positive, negative)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = self._lex(text)
        self.pos = 0
        self.notes: list[str] = []
        self.positive: list[str] = []

    def _lex(self, text: str) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        in_phrase = False
        phrase: list[str] = []
        for m in _TOKEN_RE.finditer(text):
            tok = m.group(0)
            if tok == '"':
                if in_phrase:
                    out.append(("phrase", " ".join(phrase)))
                    phrase = []
                in_phrase = not in_phrase
                continue
            if in_phrase:
                phrase.append(tok)
                continue
            if tok in ("(", ")"):
                out.append((tok, tok))
            elif tok in _OPS:
                out.append(("op", tok))
            elif WORD_RE.match(tok.lstrip("-")):
                if tok.startswith("-") and len(tok) > 1:
                    out.append(("op", "NOT"))
                    tok = tok[1:]
                out.append(("word", tok))
            # anything else is punctuation: ignored
        if in_phrase and phrase:
            out.append(("phrase", " ".join(phrase)))
        return out

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse(self):
        nodes = []
        while self.pos < len(self.tokens):
            node = self.parse_or()
            if node is not None:
                nodes.append(node)
            tok = self.peek()
            if tok is not None and tok[0] == ")":
                self.pos += 1
                self.notes.append("ignored an unmatched ')'")
        return _and(nodes)

    def parse_or(self):
        parts = [self.parse_and()]
        while (tok := self.peek()) is not None and tok == ("op", "OR"):
            self.pos += 1
            parts.append(self.parse_and())
        parts = [p for p in parts if p is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else ("or", parts)

    def parse_and(self):
        node = None
        while (tok := self.peek()) is not None:
            if tok[0] == ")" or tok == ("op", "OR"):
                break
            if tok == ("op", "AND"):
                self.pos += 1
                continue
            if tok == ("op", "NOT"):
                self.pos += 1
                neg = self.parse_unary(negated=True)
                if neg is None:
                    continue
                if node is None:
                    self.notes.append("NOT needs a word before it; ignored the excluded part")
                    continue
                node = ("not", node, neg)
                continue
            unit = self.parse_unary()
            if unit is not None:
                node = unit if node is None else _and([node, unit])
        return node

    def parse_unary(self, negated: bool = False):
        tok = self.peek()
        if tok is None:
            return None
        kind, value = tok
        if kind == "(":
            self.pos += 1
            inner = self.parse_or()
            if self.peek() is not None and self.peek()[0] == ")":
                self.pos += 1
            else:
                self.notes.append("closed an unclosed '('")
            return inner
        self.pos += 1
        if kind == "op":  # e.g. "NOT NOT x" or "AND" in odd places: skip it
            return None
        if kind == "phrase":
            words = stems(value)
            if not negated:
                self.positive.append(value)
            if not words:
                return None
            return ("term", words[0]) if len(words) == 1 else ("phrase", words)
        if kind == "word":
            if value.endswith("*"):
                base = value[:-1].lower()
                if not negated:
                    self.positive.append(base)
                return ("prefix", base) if len(base) >= 2 else None
            s = stem(value.lower())
            if not negated:
                self.positive.append(value)
            return ("term", s) if s else None
        return None


def _and(nodes):
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        return None
    if len(nodes) == 1:
        return nodes[0]
    flat = []
    for n in nodes:
        flat.extend(n[1] if n[0] == "and" else [n])
    return ("and", flat)


def _quote(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def _render(node, terms: list[str], prefixes: list[str], negated: bool = False) -> str:
    kind = node[0]
    if kind == "term":
        if not negated:
            terms.append(node[1])
        return _quote(node[1])
    if kind == "prefix":
        if not negated:
            prefixes.append(node[1])
        return _quote(node[1]) + " *"
    if kind == "phrase":
        if not negated:
            terms.extend(node[1])
        return _quote(" ".join(node[1]))
    if kind in ("and", "or"):
        joiner = " AND " if kind == "and" else " OR "
        return "(" + joiner.join(_render(n, terms, prefixes, negated) for n in node[1]) + ")"
    if kind == "not":
        return (
            "("
            + _render(node[1], terms, prefixes, negated)
            + " NOT "
            + _render(node[2], terms, prefixes, True)
            + ")"
        )
    raise AssertionError(kind)


def parse(text: str) -> Query:
    """Parse a user query; never raises."""
    parser = _Parser(text or "")
    tree = parser.parse()
    terms: list[str] = []
    prefixes: list[str] = []
    match = _render(tree, terms, prefixes) if tree is not None else None
    return Query(
        raw=text,
        match=match,
        terms=list(dict.fromkeys(terms)),
        prefixes=list(dict.fromkeys(prefixes)),
        positive_text=" ".join(parser.positive),
        notes=parser.notes,
    )


def or_query(query: Query) -> str | None:
    """The positive terms OR-ed: a looser match used when the strict one finds too little."""
    parts = [_quote(t) for t in query.terms] + [_quote(p) + " *" for p in query.prefixes]
    if len(parts) < 2:
        return None
    return " OR ".join(parts)
