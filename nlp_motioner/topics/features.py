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

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from nlp_motioner.topics.inputs import CapInput
from nlp_motioner.topics.lexicon import (
    LexiconMatcher,
    committee_tokens,
    committees_of,
    default_committee_rules,
    default_lexicon,
    lexicon_text,
)
from nlp_motioner.topics.scorer import (
    BODY_CHARS,
    COMMITTEE_WEIGHT,
    DECISION_WEIGHT,
    LEXICON_WEIGHT,
    NGRAM_RANGE,
    TITLE_WEIGHT,
)

__all__ = ["CapFeatures", "LexiconMatcher", "committee_tokens", "default_lexicon"]


class CapFeatures(TransformerMixin, BaseEstimator):
    """CapInput dicts -> a sparse feature matrix (see the module docstring)."""

    def __init__(
        self,
        title_weight: float = TITLE_WEIGHT,
        decision_weight: float = DECISION_WEIGHT,
        committee_weight: float = COMMITTEE_WEIGHT,
        lexicon_weight: float = LEXICON_WEIGHT,
        ngram_range: tuple[int, int] = NGRAM_RANGE,
        min_df: int = 2,
        body_chars: int = BODY_CHARS,
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
                k
                for name in committees_of(x)
                for k in committee_tokens(name, self.committee_rules_)
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
        rows, cols, data = [], [], []
        for i, x in enumerate(X):
            for col, n in self._matcher.column_counts(lexicon_text(x, self._decision(x))).items():
                rows.append(i)
                cols.append(col)
                data.append(1.0 + np.log(n))
        M = sp.csr_matrix((data, (rows, cols)), shape=(len(X), len(self._matcher.codes)))
        return normalize(M)

    def transform(self, X: Iterable[CapInput]) -> sp.csr_matrix:
        X = list(X)
        vec = self.vectorizer_
        T = vec.transform([str(x.get("title") or "") for x in X]) * self.title_weight
        Q = vec.transform([self._decision(x) for x in X]) * self.decision_weight
        C = self._committee_block(X) * self.committee_weight
        L = self._lexicon_block(X) * self.lexicon_weight
        return sp.hstack([T, Q, C, L], format="csr", dtype=np.float64)
