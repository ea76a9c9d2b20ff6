"""Text for themes: raw text -> a string of content lemmas (`LemmaText`), and the word lists
that keep paperwork and the names of bodies out of themes (themes/terms.toml)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from sklearn.base import BaseEstimator, TransformerMixin

from nlp_motioner import nlp
from nlp_motioner._data import load_toml

__all__ = ["LemmaText", "body_parts", "is_body_word", "procedural_terms"]


_PROCEDURAL: frozenset[str] | None = None
_BODY_PARTS: tuple[str, ...] | None = None


def procedural_terms() -> frozenset[str]:
    """Lemmas of the procedural and furniture words in themes/terms.toml."""
    global _PROCEDURAL
    if _PROCEDURAL is None:
        words = load_toml("themes/terms.toml")["procedural"]
        _PROCEDURAL = frozenset(words) | frozenset(nlp.lemma(w) for w in words)
    return _PROCEDURAL


def body_parts() -> tuple[str, ...]:
    """Parts of words that make a word the name of a body (themes/terms.toml)."""
    global _BODY_PARTS
    if _BODY_PARTS is None:
        _BODY_PARTS = tuple(load_toml("themes/terms.toml")["body_parts"])
    return _BODY_PARTS


def is_body_word(lemma: str) -> bool:
    return any(part in lemma for part in body_parts())


class LemmaText(BaseEstimator, TransformerMixin):
    """Raw text -> one space-separated string of content lemmas per text.

    Stop words, numbers, one- and two-letter tokens, procedural words and page furniture
    (themes/terms.toml), the names of bodies and names (capitalised inside a sentence, or
    capitalised in at least `name_share` of their uses in the fitted texts) are dropped.
    `fit` learns `surface_` (lemma -> its most common written form) and `names_`.
    """

    def __init__(
        self,
        drop_procedural: bool = True,
        drop_names: bool = True,
        min_length: int = 3,
        name_share: float = 0.8,
    ) -> None:
        self.drop_procedural = drop_procedural
        self.drop_names = drop_names
        self.min_length = min_length
        self.name_share = name_share

    def _keep(self, lemma: str, drop: frozenset[str]) -> bool:
        return (
            len(lemma) >= self.min_length
            and lemma not in drop
            and not (self.drop_procedural and is_body_word(lemma))
        )

    def _pairs(self, X: Iterable[str]) -> list[tuple[list[str], list[str]]]:
        drop = procedural_terms() if self.drop_procedural else frozenset()
        out = []
        for lemmas, forms in nlp.content_pairs_many(X, drop_names=self.drop_names):
            kept = [(lem, f) for lem, f in zip(lemmas, forms) if self._keep(lem, drop)]
            out.append(([lem for lem, _ in kept], [f for _, f in kept]))
        return out

    def _learn(self, pairs: list[tuple[list[str], list[str]]]) -> None:
        forms: dict[str, Counter[str]] = defaultdict(Counter)
        capital: Counter[str] = Counter()
        for lemmas, written in pairs:
            for lem, f in zip(lemmas, written):
                forms[lem][f.lower()] += 1
                if f[:1].isupper():
                    capital[lem] += 1
        self.surface_ = {lem: c.most_common(1)[0][0] for lem, c in forms.items()}
        self.names_ = frozenset(
            lem
            for lem, c in forms.items()
            if self.drop_names
            and sum(c.values()) >= 3
            and capital[lem] >= self.name_share * sum(c.values())
        )

    def fit(self, X: Iterable[str], y: Any = None) -> LemmaText:
        self._learn(self._pairs(X))
        return self

    def fit_transform(self, X: Iterable[str], y: Any = None, **fit_params: Any) -> list[str]:
        pairs = self._pairs(X)
        self._learn(pairs)
        return [" ".join(t for t in lemmas if t not in self.names_) for lemmas, _ in pairs]

    def transform(self, X: Iterable[str]) -> list[str]:
        names = getattr(self, "names_", frozenset())
        return [" ".join(t for t in lemmas if t not in names) for lemmas, _ in self._pairs(X)]
