"""Seed themes: named themes given as words and phrases (themes/seeds.toml or the user's file).

A seed term is lemmatized with the document pipeline and matched as a whole word (one
lemma) or as a phrase (its consecutive lemma pairs), never as part of another word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlp_motioner import nlp
from nlp_motioner._data import load_toml

__all__ = ["SeedTheme", "load_seeds", "slugify", "seed_keys", "unit_keys", "seed_matches"]


@dataclass
class SeedTheme:
    """A named theme with seed terms (as written, before lemmatization) and CAP topics."""

    name: str
    terms: list[str] = field(default_factory=list)
    cap: list[int] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slugify(self.name)


def slugify(name: str) -> str:
    s = name.lower().translate(str.maketrans("åäöéü", "aaoeu"))
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def load_seeds(source: str | Path | None = None) -> list[SeedTheme]:
    """Seed themes from a TOML file (`[[theme]]` tables with `name`, `terms`, optional `cap`).

    `None` loads the defaults shipped in the package (themes/seeds.toml). A term with a
    wildcard is refused: seeds match whole words, so list compounds as words of their own.
    """
    if source is None:
        data = load_toml("themes/seeds.toml")
    else:
        import tomllib

        with open(source, "rb") as fh:
            data = tomllib.load(fh)
    themes = data.get("theme", [])
    if not isinstance(themes, list):
        raise ValueError("a seeds file needs [[theme]] tables with `name` and `terms`")
    out = []
    for t in themes:
        if not isinstance(t, dict) or not t.get("name") or not isinstance(t.get("terms", []), list):
            raise ValueError(f"seed theme without a name or a terms list: {t!r}")
        terms = [str(x) for x in t.get("terms", [])]
        wild = [x for x in terms if "*" in x or "?" in x]
        if wild:
            raise ValueError(
                f"seed theme {t['name']!r}: {wild[0]!r} is a pattern; seed terms are matched as "
                "whole words, so list the words themselves (e.g. 'cykel', 'cykelväg')"
            )
        cap = t.get("cap", [])
        if not isinstance(cap, list) or not all(isinstance(c, int) for c in cap):
            raise ValueError(f"seed theme {t['name']!r}: `cap` must be a list of topic codes")
        out.append(SeedTheme(str(t["name"]), terms, list(cap)))
    return out


def _lemmas(term: str, drop: frozenset[str]) -> list[str]:
    return [t for t in nlp.content_lemmas(term.lower()) if t not in drop]


def seed_keys(seed: SeedTheme, drop: frozenset[str] = frozenset()) -> set[str]:
    """The lemmas (one-word terms) and lemma pairs (phrases) a seed's terms stand for.

    A phrase stands for its pairs only: "våld i nära relationer" must not make "nära" on its
    own a seed word, nor may "gemensamma lokaler" make "lokal" one when "gemensam" is
    dropped as a procedural word. The one exception is the Swedish elliptic compound: in
    "vård- och omsorgsboende" the last word is a whole term of its own.
    """
    keys: set[str] = set()
    for term in seed.terms:
        toks = _lemmas(term, drop)
        words = term.split()
        elliptic = all(w.endswith("-") or w in ("och", "eller", "&") for w in words[:-1])
        if len(toks) == 1 and (len(words) == 1 or elliptic):
            keys.add(toks[0])
        keys.update(f"{a} {b}" for a, b in zip(toks, toks[1:]))
    return keys


def unit_keys(lemma_text: str) -> set[str]:
    """The lemmas and consecutive lemma pairs of one lemma string (LemmaText output)."""
    toks = lemma_text.split()
    return set(toks) | {f"{a} {b}" for a, b in zip(toks, toks[1:])}


def seed_matches(
    lemma_texts: Sequence[str],
    seeds: Iterable[SeedTheme],
    drop: frozenset[str] = frozenset(),
    *,
    lead: int = 30,
    min_share: float = 0.01,
) -> Any:
    """A units x seeds boolean array: is the unit about the seed's terms?

    A unit is when one of the seed's terms is among its first `lead` lemmas (the title and
    the start of the text), or when the seed's terms make up at least `min_share` of its
    lemmas. A long document that mentions a seed word once in passing is not.
    """
    import numpy as np

    keysets = [seed_keys(s, drop) for s in seeds]
    out = np.zeros((len(lemma_texts), len(keysets)), dtype=bool)
    for i, text in enumerate(lemma_texts):
        toks = text.split()
        grams = toks + [f"{a} {b}" for a, b in zip(toks, toks[1:])]
        head = set(toks[:lead]) | {f"{a} {b}" for a, b in zip(toks[:lead], toks[1:lead])}
        for j, keys in enumerate(keysets):
            if not keys.isdisjoint(head):
                out[i, j] = True
            elif toks:
                hits = sum(1 for g in grams if g in keys)
                out[i, j] = hits >= max(1.0, min_share * len(toks))
    return out
