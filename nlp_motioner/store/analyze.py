"""The one Swedish analyzer used at index time and at query time.

Text is lower-cased, split into word tokens, stripped of a short stop-word list and
stemmed with the Snowball Swedish stemmer. The FTS5 tables store the stemmed tokens
(with ``tokenize='unicode61 remove_diacritics 0'`` so "våld" and "vald" stay apart), and
queries are stemmed by the same function, so both sides always agree.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from nlp_motioner._data import load_toml

# Letters and digits, keeping in-word hyphens out: "individ- och" gives "individ", "och".
# U+FFFE is pypdfium2's joined end-of-line hyphen; it splits tokens like a space.
WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
STEMMER_NAME = "snowball-swedish-" + getattr(snowballstemmer, "__version__", "2")

_STEMMER = snowballstemmer.stemmer("swedish")
_CACHE: dict[str, str] = {}
_CACHE_LIMIT = 400_000


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    return frozenset(load_toml("store/analysis.toml")["stop_words"])


def stem(word: str) -> str:
    """The stem of one lower-case word ("" for a stop word)."""
    hit = _CACHE.get(word)
    if hit is not None:
        return hit
    if word in stop_words():
        out = ""
    elif word.isdigit() or len(word) < 3:
        out = word
    else:
        out = _STEMMER.stemWord(word)
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[word] = out
    return out


def stems(text: str) -> list[str]:
    """Stemmed content tokens of `text`, in order."""
    cache = _CACHE
    out: list[str] = []
    append = out.append
    for word in WORD_RE.findall(text.lower()):
        s = cache.get(word)
        if s is None:
            s = stem(word)
        if s:
            append(s)
    return out


def analyze(text: str) -> str:
    """`text` as the space-separated stem string that goes into the FTS index."""
    return " ".join(stems(text))
