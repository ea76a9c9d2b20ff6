"""The CAP word lists and committee rules, matched without scikit-learn.

Both the classifier's features (`features.py`, for fitting) and the plain-numpy scorer
(`scorer.py`, for tagging) read text through these, so the two see the same words.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from nlp_motioner._data import load_toml

__all__ = [
    "LexiconMatcher",
    "committee_tokens",
    "default_committee_rules",
    "default_lexicon",
    "lexicon_text",
    "committees_of",
]

_WORD = re.compile(r"[a-zåäöéü]+(?:-[a-zåäöéü]+)*-?")
_FOLD = str.maketrans("åäöéü", "aaoeu")
_MIN_STEM = 4  # shorter committee stems must be whole words ("au")


def default_lexicon() -> dict[str, list[str]]:
    """The shipped CAP word lists: {topic code: terms} from topics/cap_terms.toml."""
    data = load_toml("topics/cap_terms.toml")["topic"]
    return {str(code): [str(t) for t in v["terms"]] for code, v in data.items()}


def default_committee_rules() -> dict[str, dict[str, list[str]]]:
    data = load_toml("topics/committees.toml")
    return {group: {k: list(v) for k, v in data[group].items()} for group in ("kind", "area")}


class LexiconMatcher:
    """Whole-word matching of the lexicon's terms ("lss", "skol*", "*skola", "*skol*")."""

    def __init__(self, lexicon: dict[str, list[str]]) -> None:
        self.codes = sorted(lexicon, key=lambda c: int(c) if c.isdigit() else 0)
        self.exact: dict[str, set[int]] = {}
        self.prefix: list[tuple[str, int]] = []
        self.suffix: list[tuple[str, int]] = []
        self.infix: list[tuple[str, int]] = []
        for col, code in enumerate(self.codes):
            for term in lexicon[code]:
                term = term.strip().lower()
                if not term.strip("*"):
                    continue
                if term.startswith("*") and term.endswith("*"):
                    self.infix.append((term[1:-1], col))
                elif term.endswith("*"):
                    self.prefix.append((term[:-1], col))
                elif term.startswith("*"):
                    self.suffix.append((term[1:], col))
                else:
                    self.exact.setdefault(term, set()).add(col)
        self._cache: dict[str, tuple[int, ...]] = {}
        # Prefixes and suffixes by their text: a word is looked up by each of its own
        # prefixes and suffixes (linear in its length, not in the word lists).
        self._prefixes: dict[str, set[int]] = {}
        for text, col in self.prefix:
            self._prefixes.setdefault(text, set()).add(col)
        self._suffixes: dict[str, set[int]] = {}
        for text, col in self.suffix:
            self._suffixes.setdefault(text, set()).add(col)

    def columns(self, word: str) -> tuple[int, ...]:
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        cols = set(self.exact.get(word, ()))
        for k in range(1, len(word) + 1):
            cols.update(self._prefixes.get(word[:k], ()))
            cols.update(self._suffixes.get(word[-k:], ()))
        cols.update(c for s, c in self.infix if s in word)
        out = tuple(sorted(cols))
        if len(self._cache) < 500_000:
            self._cache[word] = out
        return out

    def column_counts(self, text: str) -> Counter[int]:
        """How many words of `text` point to each column (topic)."""
        # Gathered in one list and counted once (a Counter.update per word cost more than
        # the lookups); keys come out in the same first-seen order either way.
        columns = self.columns
        found: list[int] = []
        for word in _WORD.findall(text.lower()):
            found.extend(columns(word))
        return Counter(found)


def committee_tokens(name: str, rules: dict[str, dict[str, list[str]]] | None = None) -> list[str]:
    """Kind and area features of a body's name: "Barn- och ungdomsnämnden" ->
    ["area_utbildning", "kind_namnd"]."""
    rules = rules or _committee_rules()
    words = [w for w in re.split(r"[^a-z]+", str(name).lower().translate(_FOLD)) if w]
    out = set()
    for group, table in rules.items():
        for key, stems in table.items():
            for stem in stems:
                for w in words:
                    if len(stem) < _MIN_STEM:
                        hit = w == stem
                    else:
                        # at the start, or as a later part of a compound ("grundskolenamnden")
                        hit = w.startswith(stem) or stem in w[3:]
                    if hit:
                        out.add(f"{group}_{key}")
    return sorted(out)


@lru_cache(maxsize=1)
def _committee_rules() -> dict[str, dict[str, list[str]]]:
    return default_committee_rules()


def committees_of(x: dict) -> list[str]:
    """The names of the bodies that handled a unit (its CapInput `committee`)."""
    value = x.get("committee") or []
    return [value] if isinstance(value, str) else [str(v) for v in value if v]


def lexicon_text(x: dict, decision: str) -> str:
    """The text the word lists are counted in: the title counts twice (it names the matter;
    the decision text often only the step)."""
    title = x.get("title") or ""
    return f"{title} {title} {decision}"
