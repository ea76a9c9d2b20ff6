"""The text model search and themes share: analysed text -> TF-IDF -> LSA (truncated SVD).

Both stages hand in text already analysed into space-separated tokens (search: the stems
of the full-text index; themes: content lemmas), so the model knows no language of its own.

* Terms are the tokens and, with `ngram_range=(1, 2)`, pairs of consecutive tokens. A term
  is kept when at least `min_df` texts and at most `max_df` of them hold it; on fewer than
  `SMALL_CORPUS` texts every term is kept, since document frequencies say nothing there.
* Weights: sublinear tf (1 + log tf: ten mentions are not ten times the topic) times the
  smoothed idf, log((1 + n) / (1 + df)) + 1, each row scaled to unit length.
* LSA: the top right singular vectors of the weighted rows (randomized truncated SVD, on a
  fixed sample of `svd_sample` rows when there are more) are the basis `components_`; a
  text's vector is its weighted row on that basis, scaled to unit length.

`fit` learns `vocabulary_` (term -> column), `terms_` (the terms in column order), `idf_`
and `components_`, in `dtype`. scikit-learn and scipy are imported only to fit or to weigh
many texts: loading a fitted model and placing one query (`transform_tokens`) needs numpy
alone, which keeps `motioner search` quick to start.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

__all__ = ["SMALL_CORPUS", "TextModel", "TooFewDimensions", "unit_rows"]

SMALL_CORPUS = 20


class TooFewDimensions(ValueError):
    """Fewer than two LSA dimensions fit the texts: too few texts or too few terms."""


def unit_rows(z: np.ndarray) -> np.ndarray:
    """Each row scaled to unit length (rows of zeros stay zeros), in z's dtype.

    numpy's norm, not scikit-learn's `normalize`: the two differ in the last bit of a
    float32, and the saved search models hold vectors scaled this way."""
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (z / norms).astype(z.dtype)


class TextModel:
    """TF-IDF and LSA over token strings (see the module docstring).

    Parameters are stored as given and everything learnt ends in "_" (scikit-learn's
    convention); the defaults are the search model's settings.
    """

    def __init__(
        self,
        n_components: int = 128,
        ngram_range: tuple[int, int] = (1, 1),
        min_df: int | float = 2,
        max_df: int | float = 0.5,
        max_features: int | None = 200_000,
        svd_iter: int = 5,
        svd_sample: int | None = None,
        dtype: str = "float32",
        random_state: int = 0,
    ) -> None:
        self.n_components = n_components
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.svd_iter = svd_iter
        self.svd_sample = svd_sample
        self.dtype = dtype
        self.random_state = random_state

    # ---- fitting

    def fit(self, X: Iterable[str]) -> TextModel:
        self.fit_basis(self.weigh(self.fit_vocabulary(X)))
        return self

    def fit_transform(self, X: Iterable[str]) -> np.ndarray:
        """Fit, then the unit-length LSA vectors of the fitted texts (as the SVD gives them
        when it saw every row)."""
        tfidf = self.weigh(self.fit_vocabulary(X))
        vectors = self.fit_basis(tfidf)
        return vectors if vectors is not None else self.embed(tfidf)

    def fit_vocabulary(self, X: Iterable[str]) -> Any:
        """Learn the terms and their idf; returns the texts' term counts (sparse, CSR).

        ValueError when no term is left (no tokens, or none within the df limits)."""
        from sklearn.feature_extraction.text import CountVectorizer

        X = list(X)
        n = len(X)
        small = n < SMALL_CORPUS
        vectorizer = CountVectorizer(
            token_pattern=r"\S+",
            lowercase=False,
            ngram_range=tuple(self.ngram_range),
            min_df=1 if small else self.min_df,
            max_df=1.0 if small else self.max_df,
            max_features=self.max_features,
            dtype=np.dtype(self.dtype),
        )
        counts = vectorizer.fit_transform(X).tocsr()
        self.vocabulary_ = {t: int(i) for t, i in vectorizer.vocabulary_.items()}
        self.terms_ = sorted(self.vocabulary_, key=self.vocabulary_.get)
        # Computed as scikit-learn's TfidfTransformer does, in the model's dtype.
        df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(self.dtype)
        df += 1.0
        idf = np.full_like(df, n + 1)
        idf /= df
        np.log(idf, out=idf)
        idf += 1.0
        self.idf_ = idf
        return counts

    def fit_basis(self, tfidf: Any) -> np.ndarray | None:
        """Learn `components_` from weighted rows; returns the rows' unit-length LSA vectors
        as the SVD gives them, or None when it was fitted on a sample of the rows.

        TooFewDimensions when fewer than two dimensions fit."""
        from sklearn.decomposition import TruncatedSVD

        n, v = tfidf.shape
        dims = min(self.n_components, n - 1, v - 1)
        if dims < 2:
            raise TooFewDimensions("too few documents or words to fit a semantic model")
        svd = TruncatedSVD(
            n_components=dims,
            algorithm="randomized",
            n_iter=self.svd_iter,
            random_state=self.random_state,
        )
        if self.svd_sample is not None and n > self.svd_sample:
            svd.fit(tfidf[sample_rows(n, self.svd_sample, self.random_state)])
            self.components_ = svd.components_.astype(self.dtype)
            return None
        vectors = svd.fit_transform(tfidf).astype(self.dtype)
        self.components_ = svd.components_.astype(self.dtype)
        return unit_rows(vectors)

    def restore(self, terms: Sequence[str], idf: np.ndarray, components: np.ndarray) -> TextModel:
        """Set what `fit` learns from a saved model (checked by whoever read the files)."""
        self.terms_ = [str(t) for t in terms]
        self.vocabulary_ = {t: i for i, t in enumerate(self.terms_)}
        self.idf_ = idf
        self.components_ = components
        return self

    # ---- use

    def count(self, X: Iterable[str]) -> Any:
        """Term counts of texts over the fitted terms (sparse, CSR)."""
        from sklearn.feature_extraction.text import CountVectorizer

        vectorizer = CountVectorizer(
            vocabulary=self.vocabulary_,
            token_pattern=r"\S+",
            lowercase=False,
            ngram_range=tuple(self.ngram_range),
            dtype=np.dtype(self.dtype),
        )
        return vectorizer.transform(list(X)).tocsr()

    def weigh(self, counts: Any) -> Any:
        """TF-IDF rows of unit length from term counts (sublinear tf times idf).

        The idf is applied as a diagonal matrix product, whose output order of terms in a
        row the saved theme models were fitted with; the row norms depend on that order in
        the last bit, and k-means' choices on those bits."""
        import scipy.sparse as sp
        from sklearn.preprocessing import normalize

        X = counts.astype(self.dtype, copy=True)
        np.log(X.data, X.data)
        X.data += 1.0
        return normalize(X @ sp.diags(self.idf_))

    def embed(self, tfidf: Any) -> np.ndarray:
        """Unit-length LSA vectors of weighted rows."""
        from sklearn.preprocessing import normalize

        return normalize(np.asarray(tfidf @ self.components_.T))

    def transform(self, X: Iterable[str]) -> np.ndarray:
        return self.embed(self.weigh(self.count(X)))

    def transform_tokens(self, tokens: Iterable[str]) -> np.ndarray:
        """The unit-length LSA vector of one token list, in numpy alone (zeros when no token
        is known). Words only: a model with phrases places texts with `transform`."""
        counts = Counter(t for t in tokens if t in self.vocabulary_)
        k = self.components_.shape[0]
        if not counts:
            return np.zeros(k, dtype=self.dtype)
        idx = np.fromiter((self.vocabulary_[t] for t in counts), dtype=np.int64)
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=self.dtype))
        w = tf * self.idf_[idx]
        w /= np.linalg.norm(w) or 1.0
        v = self.components_[:, idx] @ w
        norm = np.linalg.norm(v)
        return (v / norm).astype(self.dtype) if norm > 0 else v.astype(self.dtype)


def sample_rows(n: int, size: int, random_state: int) -> np.ndarray:
    """A fixed, sorted sample of `size` of `n` row numbers (the same for the same seed)."""
    return np.sort(np.random.default_rng(random_state).choice(n, size, replace=False))
