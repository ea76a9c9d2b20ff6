"""The one Swedish analyzer used at index time and at query time.

Text is lower-cased, split into word tokens, stripped of a short stop-word list and
stemmed with the Snowball Swedish stemmer. The FTS5 tables store the stemmed tokens
(with ``tokenize='unicode61 remove_diacritics 0'`` so "våld" and "vald" stay apart), and
queries are stemmed by the same function, so both sides always agree.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
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
    # The search index's short list; the theme list beside it serves another job.
    return frozenset(load_toml("lang/swedish.toml")["index_stop_words"]["words"])


# Bump when facet_text or the tokenizing rules change: databases then rebuild their index.
_RULES_VERSION = "3"


@lru_cache(maxsize=1)
def analyzer_id() -> str:
    """Names everything that decides the indexed tokens; stored in the database's meta."""
    words = "\n".join(sorted(stop_words())).encode("utf-8")
    return f"{STEMMER_NAME}/rules{_RULES_VERSION}/stop-{hashlib.sha1(words).hexdigest()[:12]}"


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


# Filter values are also indexed as tokens in the FTS table's `facets` column, so a filtered
# query narrows the match inside FTS5 before any row is ranked. A token is a short kind
# prefix plus the value's letters and digits: "pamp" (party MP), "yr2019", "tymotion".
FACET_KINDS = {
    "doc_type": "ty",
    "outcome": "ut",
    "party": "pa",
    "year": "yr",
    "organisation": "or",
    "body": "bo",
    "flag": "fl",
}


def facet_token(kind: str, value: str) -> str:
    return FACET_KINDS[kind] + "".join(ch for ch in value.lower() if ch.isalnum())


def facet_words(kind: str, value: str) -> list[str]:
    """One token per word, for values filtered by substring (organisation, body)."""
    return [FACET_KINDS[kind] + w for w in WORD_RE.findall(value.lower())]


def facet_text(
    *,
    doc_type: str | None,
    date: str | None,
    organisation: str | None,
    outcome: str | None,
    parties: list[str],
    bodies: list[str],
    numbered: bool = True,
) -> str:
    tokens: list[str] = []
    if not numbered:  # no diarienummer anywhere in the document: `case` links these by title
        tokens.append(facet_token("flag", "nodnr"))
    if doc_type:
        tokens.append(facet_token("doc_type", doc_type))
    if outcome:
        tokens.append(facet_token("outcome", outcome))
    if date and date[:4].isdigit():
        tokens.append(facet_token("year", date[:4]))
    tokens.extend(facet_token("party", p) for p in parties)
    if organisation:
        tokens.extend(facet_words("organisation", organisation))
    for body in bodies:
        tokens.extend(facet_words("body", body))
    return " ".join(dict.fromkeys(tokens))


# Impact tokens: for each stem that weighs heavily in a unit, one token in the `facets`
# column naming the stem and a tier of its length-normalized frequency, so a query over
# very common words can rank a small, high-scoring part of their posting lists first (see
# search._fts). g = (4 * title tf + body tf) / (0.25 + 0.75 * tokens / IMPACT_REF_LENGTH),
# the BM25 term-frequency part with k1 left out; tier = floor(2 * log2(g)), kept when g >= 4
# (tier 4; one tier per half power of two) and capped at 9. Token: "im" + tier + stem,
# e.g. "im6kommun". Computed from the unit alone, so indexing one file never touches others.
IMPACT_REF_LENGTH = 300.0
IMPACT_TITLE_WEIGHT = 4
IMPACT_MIN_TIER = 4
IMPACT_MAX_TIER = 9


def impact_token(stem_: str, tier: int) -> str:
    return f"im{tier}{stem_}"


def impact_text(title_stems: list[str], body_stems: list[str]) -> str:
    """The impact tokens of a unit with these stemmed title and body tokens."""
    tf: Counter[str] = Counter(body_stems)
    for s in title_stems:
        tf[s] += IMPACT_TITLE_WEIGHT
    if not tf:
        return ""
    norm = 0.25 + 0.75 * (len(title_stems) + len(body_stems)) / IMPACT_REF_LENGTH
    out: list[str] = []
    for s, f in tf.items():
        g = f / norm
        if g >= 4.0:
            tier = min(IMPACT_MAX_TIER, int(2 * math.log2(g)))
            out.append(impact_token(s, tier))
    return " ".join(out)


def fts_values(title: str, body: str, facets: str) -> tuple[str, str, str]:
    """(title, body, facets) as they go into `units_fts`: stems, stems, facet + impact tokens."""
    t, b = stems(title), stems(body)
    impact = impact_text(t, b)
    return " ".join(t), " ".join(b), f"{facets} {impact}".strip()
