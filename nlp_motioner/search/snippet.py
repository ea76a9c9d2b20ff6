"""Snippets: a short window of the original text around the query's words, words marked.

The index holds stems, so matches are found again in the original text: a word matches
when its stem is a query stem (Swedish Snowball only strips suffixes, so the stem is a
prefix of the word and a regex finds the candidates quickly), or when it starts with a
prefix* term.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from nlp_motioner.store.analyze import stem

MARK_OPEN = "«"
MARK_CLOSE = "»"


def _matcher(terms: list[str], prefixes: list[str]) -> Callable[[str], list[tuple[int, int]]]:
    keys = sorted({*terms, *prefixes}, key=len, reverse=True)
    if not keys:
        return lambda text: []
    pattern = re.compile(
        r"(?<![^\W_])(?:" + "|".join(re.escape(k) for k in keys) + r")[^\W_]*", re.IGNORECASE
    )
    term_set = set(terms)

    def find(text: str) -> list[tuple[int, int]]:
        out = []
        for m in pattern.finditer(text):
            word = m.group(0).lower()
            if stem(word) in term_set or any(word.startswith(p) for p in prefixes):
                out.append((m.start(), m.end()))
        return out

    return find


def make_snippet(
    text: str,
    terms: list[str],
    prefixes: list[str] = (),  # type: ignore[assignment]
    *,
    width: int = 220,
    mask: Callable[[str], str] | None = None,
) -> str:
    """About `width` characters of `text` around the densest cluster of matches, marked «so»."""
    find = _matcher(list(terms), list(prefixes))
    matches = _locate(text, list(terms), list(prefixes)) if len(text) > 20_000 else find(text)
    if matches:
        best, best_count = matches[0][0], 0
        for i, (start, _) in enumerate(matches):
            seen = set()
            for s, e in matches[i:]:
                if s - start > width * 0.8:
                    break
                seen.add(text[s:e].lower())
            if len(seen) > best_count:
                best, best_count = start, len(seen)
        begin = max(0, best - width // 4)
    else:
        begin = 0
    # Widen to word boundaries and collapse layout whitespace.
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    end = min(len(text), begin + width)
    while end < len(text) and not text[end].isspace() and end - begin < width + 30:
        end += 1
    window = " ".join(text[begin:end].replace("\ufffe", "").split())
    if mask is not None:
        window = mask(window)
    out: list[str] = []
    last = 0
    for s, e in find(window):
        out.append(window[last:s])
        out.append(MARK_OPEN + window[s:e] + MARK_CLOSE)
        last = e
    out.append(window[last:])
    prefix = "…" if begin > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + "".join(out) + suffix


_WORD_TAIL = re.compile(r"[^\W_]*")


def _locate(
    text: str, terms: list[str], prefixes: list[str], per_key: int = 40
) -> list[tuple[int, int]]:
    """Matches in a long text, found with str.find (fast) and capped per term."""
    low = text.lower()
    if len(low) != len(text):  # a case mapping changed lengths: offsets would drift
        return _matcher(terms, prefixes)(text)
    term_set = set(terms)
    out: list[tuple[int, int]] = []
    for key in dict.fromkeys([*terms, *prefixes]):
        if not key:
            continue
        start, found = 0, 0
        while found < per_key:
            i = low.find(key, start)
            if i < 0:
                break
            start = i + 1
            if i > 0 and (low[i - 1].isalnum()):
                continue
            end = _WORD_TAIL.match(low, i).end()
            word = low[i:end]
            if stem(word) in term_set or any(word.startswith(p) for p in prefixes):
                out.append((i, end))
                found += 1
    out.sort()
    return out
