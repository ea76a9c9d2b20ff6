"""A forgiving parser from what a person types to an FTS5 MATCH expression over stems.

Supported: words (implicitly AND-ed), "quoted phrases", prefix*, AND / OR / NOT in capitals,
a leading minus before a space-separated word (-word) for NOT, and parentheses. A hyphen
inside a word or number ("HBTQI-arbete", "2027-2029", "e-tjänst") is part of the term: the
parts are searched as a phrase, never as NOT. Anything else is punctuation and is ignored;
an unclosed quote runs to the end, unbalanced parentheses are closed or dropped.

Every term is stemmed with the index's analyzer and emitted quoted, so no user input can
reach FTS5's own syntax. Parsing never raises and is linear in the input: the text is cut
at MAX_QUERY_CHARS, at most MAX_TERMS distinct terms are kept, repeated terms count once,
parentheses nest at most MAX_DEPTH deep, and a chain of NOTs becomes one flat
"(positives) NOT (a OR b OR ...)". An empty result is reported as `None`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlp_motioner.store.analyze import WORD_RE, stem, stems

# Longer input is cut (a pasted page is still a query, but 14 KB of one word is not).
MAX_QUERY_CHARS = 2000
# Distinct terms (words, phrases, prefixes) kept; later ones are dropped with a note.
MAX_TERMS = 64
# Parentheses deeper than this are read as plain grouping of their words.
MAX_DEPTH = 16

# A word may carry inner hyphens (ASCII, Unicode hyphens, en dash): one term.
_HYPHENS = "-\u2010\u2011\u2012\u2013"
_WORD = rf"[^\W_]+(?:[{_HYPHENS}][^\W_]+)*"
_TOKEN_RE = re.compile(rf'"|\(|\)|-?{_WORD}\*?|[^\w\s"()]+|_+', re.UNICODE)
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
    words: int = 0  # positive words typed (after the caps): long queries are paragraphs
    loose: list[str] = field(default_factory=list)  # the positive parts, for or_query

    @property
    def empty(self) -> bool:
        return self.match is None


# AST: ("term", stem) | ("prefix", text) | ("phrase", [stems]) | ("pphrase", [stems], prefix)
#      | ("and"|"or", [nodes]) | ("not", positive, [negatives])


class _Parser:
    def __init__(self, text: str) -> None:
        self.notes: list[str] = []
        self.positive: list[str] = []
        self.leaves: set[tuple] = set()
        self.depth = 0
        self.tokens = self._lex(text)
        self.pos = 0

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

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
                if tok.startswith("-"):
                    tok = tok[1:]
                    # Only a minus that starts a space-separated word means NOT
                    # ("-motion", "(-motion"); after other punctuation it is ignored.
                    before = text[m.start() - 1] if m.start() else " "
                    if before.isspace() or before == "(":
                        out.append(("op", "NOT"))
                out.append(("word", tok))
            elif tok == "-" and text[m.end() : m.end() + 1] == "(":
                before = text[m.start() - 1] if m.start() else " "
                if before.isspace() or before == "(":
                    out.append(("op", "NOT"))  # "-(a b)": NOT before a group
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
                self.note("ignored an unmatched ')'")
        return _and(nodes)

    def parse_or(self):
        parts = [self.parse_and()]
        while (tok := self.peek()) is not None and tok == ("op", "OR"):
            self.pos += 1
            parts.append(self.parse_and())
        return _or([p for p in parts if p is not None])

    def parse_and(self):
        # Within one AND group every NOT excludes from the whole group: "a -b c -d" is
        # (a AND c) NOT (b OR d). Kept flat, so a chain of NOTs never nests.
        positives: list = []
        negatives: list = []
        while (tok := self.peek()) is not None:
            if tok[0] == ")" or tok == ("op", "OR"):
                break
            if tok == ("op", "AND"):
                self.pos += 1
                continue
            if tok == ("op", "NOT"):
                self.pos += 1
                neg = self.parse_unary(negated=True)
                if neg is not None:
                    negatives.append(neg)
                continue
            unit = self.parse_unary()
            if unit is not None:
                positives.append(unit)
        node = _and(positives)
        if negatives:
            if node is None:
                self.note("NOT needs a word before it; ignored the excluded part")
                return None
            neg = _or(negatives)
            return ("not", node, neg[1] if neg[0] == "or" else [neg])
        return node

    def parse_unary(self, negated: bool = False):
        tok = self.peek()
        if tok is None:
            return None
        kind, value = tok
        if kind == "(":
            self.pos += 1
            if self.depth >= MAX_DEPTH:
                self.note(f"parentheses nested deeper than {MAX_DEPTH} were ignored")
                return None  # its words follow as plain words of the enclosing group
            self.depth += 1
            try:
                inner = self.parse_or()
            finally:
                self.depth -= 1
            if self.peek() is not None and self.peek()[0] == ")":
                self.pos += 1
            else:
                self.note("closed an unclosed '('")
            return inner
        self.pos += 1
        if kind == "op":  # e.g. "NOT NOT x" or "AND" in odd places: skip it
            return None
        if kind == ")":  # only reached at the top level of an odd query
            return None
        node = self._leaf(kind, value)
        if node is None:
            return None
        if node not in self.leaves:
            if len(self.leaves) >= MAX_TERMS:
                self.note(f"the query has more than {MAX_TERMS} terms; later ones were ignored")
                return None
            self.leaves.add(node)
        if not negated:
            self.positive.append(value.rstrip("*"))
        return node

    def _leaf(self, kind: str, value: str):
        if kind == "phrase":
            words = stems(value)
            if not words:
                return None
            return ("term", words[0]) if len(words) == 1 else ("phrase", tuple(words))
        if kind != "word":
            return None
        if value.endswith("*"):
            parts = WORD_RE.findall(value[:-1].lower())
            if not parts or len(parts[-1]) < 2:
                return None
            head = tuple(s for s in (stem(p) for p in parts[:-1]) if s)
            return ("pphrase", head, parts[-1]) if head else ("prefix", parts[-1])
        words = stems(value)  # a hyphenated word gives its parts
        if not words:
            return None
        return ("term", words[0]) if len(words) == 1 else ("phrase", tuple(words))


def _unique(nodes: list) -> list:
    seen: set = set()
    out = []
    for n in nodes:
        key = repr(n)
        if key not in seen:
            seen.add(key)
            out.append(n)
    return out


def _flat(kind: str, nodes):
    """Nodes joined by `kind` ("and" or "or"): nested joins of the same kind flattened,
    repeats dropped, None for nothing, the node itself for one."""
    flat = []
    for n in nodes:
        if n is not None:
            flat.extend(n[1] if n[0] == kind else [n])
    flat = _unique(flat)
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else (kind, flat)


def _and(nodes):
    return _flat("and", nodes)


def _or(nodes):
    return _flat("or", nodes)


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
    if kind == "pphrase":
        if not negated:
            terms.extend(node[1])
            prefixes.append(node[2])
        return _quote(" ".join([*node[1], node[2]])) + " *"
    if kind in ("and", "or"):
        joiner = " AND " if kind == "and" else " OR "
        return "(" + joiner.join(_render(n, terms, prefixes, negated) for n in node[1]) + ")"
    if kind == "not":
        negs = [_render(n, terms, prefixes, True) for n in node[2]]
        neg = negs[0] if len(negs) == 1 else "(" + " OR ".join(negs) + ")"
        return "(" + _render(node[1], terms, prefixes, negated) + " NOT " + neg + ")"
    raise AssertionError(kind)


def parse(text: str) -> Query:
    """Parse a user query; never raises."""
    text = text or ""
    notes: list[str] = []
    if len(text) > MAX_QUERY_CHARS:
        cut = text[:MAX_QUERY_CHARS]
        space = cut.rfind(" ")
        text = cut[:space] if space > MAX_QUERY_CHARS // 2 else cut
        notes.append(f"the query was cut to its first {len(text)} characters")
    parser = _Parser(text)
    tree = parser.parse()
    terms: list[str] = []
    prefixes: list[str] = []
    match = _render(tree, terms, prefixes) if tree is not None else None
    positive = list(dict.fromkeys(parser.positive))
    loose: list[str] = []
    if tree is not None:
        top = tree[1] if tree[0] == "and" else [tree]
        loose = [_render(n, [], []) for n in top if n[0] in ("term", "prefix", "phrase", "pphrase")]
    return Query(
        raw=text,
        match=match,
        terms=list(dict.fromkeys(terms)),
        prefixes=list(dict.fromkeys(prefixes)),
        positive_text=" ".join(positive),
        notes=notes + parser.notes,
        words=len(positive),
        loose=loose,
    )


def or_query(query: Query) -> str | None:
    """The query's AND-ed words and phrases OR-ed: a looser match used when the strict one
    finds too little (a phrase stays a phrase). None when there is nothing to loosen."""
    if len(query.loose) < 2:
        return None
    return " OR ".join(query.loose)
