"""Features of a unit for the CAP classifier, as one scikit-learn transformer.

Four blocks, each L2-normalised and weighted:

* **title**: character n-grams (2-5, inside word boundaries) of the title. Swedish builds
  compounds freely ("förskoleklass", "skolskjutsregler"); character n-grams let an unseen
  compound share evidence with the words it is built from.
* **decision**: the same n-grams of the decision text (the body's start when there is none).
* **committee**: the kind and policy area of the body that handled the unit, read from the
  words of its name (`topics/committees.toml`), never from one municipality's names.
* **lexicon**: how many words of the title and decision point to each CAP topic according
  to `topics/cap_terms.toml` (sublinear counts). It gives topics with few training cases the
  words another municipality would use.

`fit` learns only the n-gram vocabulary and idf (`vectorizer_`); the word lists are copied
into the estimator (`lexicon_`, `committee_rules_`) so a saved model does not change when
the data files are edited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from nlp_motioner._data import load_toml
from nlp_motioner.topics.inputs import CapInput

__all__ = ["CapFeatures", "LexiconMatcher", "committee_tokens", "default_lexicon"]

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

    def columns(self, word: str) -> tuple[int, ...]:
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        cols = set(self.exact.get(word, ()))
        cols.update(c for s, c in self.prefix if word.startswith(s))
        cols.update(c for s, c in self.suffix if word.endswith(s))
        cols.update(c for s, c in self.infix if s in word)
        out = tuple(sorted(cols))
        if len(self._cache) < 500_000:
            self._cache[word] = out
        return out

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        rows, cols = [], []
        for i, text in enumerate(texts):
            for m in _WORD.finditer(text.lower()):
                for c in self.columns(m.group(0)):
                    rows.append(i)
                    cols.append(c)
        data = np.ones(len(rows), dtype=np.float64)
        M = sp.csr_matrix((data, (rows, cols)), shape=(len(texts), len(self.codes)))
        M.sum_duplicates()
        return M


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


def _committees(x: CapInput) -> list[str]:
    value = x.get("committee") or []
    return [value] if isinstance(value, str) else [str(v) for v in value if v]


class CapFeatures(TransformerMixin, BaseEstimator):
    """CapInput dicts -> a sparse feature matrix (see the module docstring)."""

    def __init__(
        self,
        title_weight: float = 1.0,
        decision_weight: float = 0.6,
        committee_weight: float = 0.5,
        lexicon_weight: float = 1.0,
        ngram_range: tuple[int, int] = (2, 5),
        min_df: int = 2,
        body_chars: int = 1000,
        lexicon: dict[str, list[str]] | None = None,
    ) -> None:
        self.title_weight = title_weight
        self.decision_weight = decision_weight
        self.committee_weight = committee_weight
        self.lexicon_weight = lexicon_weight
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.body_chars = body_chars
        self.lexicon = lexicon

    def _decision(self, x: CapInput) -> str:
        text = str(x.get("decision") or "").strip()
        return text or str(x.get("body") or "")[: self.body_chars]

    def _vectorizer(self, vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
        return TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(self.ngram_range),
            sublinear_tf=True,
            min_df=1 if vocabulary is not None else self.min_df,
            vocabulary=vocabulary,
            dtype=np.float32,
        )

    def fit(self, X: Iterable[CapInput], y: Any = None) -> CapFeatures:
        X = list(X)
        texts = [f"{x.get('title') or ''} {self._decision(x)}" for x in X]
        min_df = self.min_df if len(X) >= 10 * self.min_df else 1
        vec = self._vectorizer()
        vec.min_df = min_df
        self.vectorizer_ = vec.fit(texts)
        self.lexicon_ = dict(self.lexicon) if self.lexicon is not None else default_lexicon()
        self.committee_rules_ = default_committee_rules()
        self._prepare()
        return self

    def _prepare(self) -> None:
        self._matcher = LexiconMatcher(self.lexicon_)
        keys = [f"{g}_{k}" for g, table in self.committee_rules_.items() for k in table]
        self.committee_columns_ = sorted(keys)
        self._committee_index = {k: i for i, k in enumerate(self.committee_columns_)}

    def restore(
        self,
        vocabulary: list[str],
        idf: np.ndarray,
        lexicon: dict[str, list[str]],
        committee_rules: dict[str, dict[str, list[str]]],
    ) -> CapFeatures:
        """Set the learnt state from a saved model (see CapClassifier.load)."""
        vec = self._vectorizer({t: i for i, t in enumerate(vocabulary)})
        vec.idf_ = np.asarray(idf, dtype=np.float64)
        self.vectorizer_ = vec
        self.lexicon_ = lexicon
        self.committee_rules_ = committee_rules
        self._prepare()
        return self

    @property
    def vocabulary(self) -> list[str]:
        vocab = self.vectorizer_.vocabulary_
        return sorted(vocab, key=vocab.get)

    def _committee_block(self, X: Sequence[CapInput]) -> sp.csr_matrix:
        rows, cols = [], []
        for i, x in enumerate(X):
            keys = {
                k for name in _committees(x) for k in committee_tokens(name, self.committee_rules_)
            }
            for k in keys:
                j = self._committee_index.get(k)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
        M = sp.csr_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(len(X), len(self.committee_columns_))
        )
        return normalize(M)

    def _lexicon_block(self, X: Sequence[CapInput]) -> sp.csr_matrix:
        # The title counts twice: it names the matter, the decision text often only the step.
        texts = [f"{x.get('title') or ''} {x.get('title') or ''} {self._decision(x)}" for x in X]
        M = self._matcher.counts(texts)
        M.data = 1.0 + np.log(M.data)
        return normalize(M)

    def transform(self, X: Iterable[CapInput]) -> sp.csr_matrix:
        X = list(X)
        vec = self.vectorizer_
        T = vec.transform([str(x.get("title") or "") for x in X]) * self.title_weight
        Q = vec.transform([self._decision(x) for x in X]) * self.decision_weight
        C = self._committee_block(X) * self.committee_weight
        L = self._lexicon_block(X) * self.lexicon_weight
        return sp.hstack([T, Q, C, L], format="csr", dtype=np.float64)
