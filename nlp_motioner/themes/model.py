"""The theme estimators: lemmatized text -> TF-IDF (words and two-word phrases) -> LSA, plus
CAP topic probabilities and seed similarities -> k-means -> themes with readable labels.

Two scikit-learn style estimators, composed with `sklearn.pipeline.Pipeline` by
`make_theme_pipeline()`:

* `LemmaText` turns raw text into a string of content lemmas (shared spaCy pipeline in
  `nlp_motioner.nlp`; stop words, numbers, names, procedural words, page furniture and
  the names of bodies removed). `fit` learns how each lemma is usually written
  (`surface_`), so labels read "kränkande behandling", not "kränka behandling", and which
  words the corpus nearly always capitalises (`names_`: places and people, dropped too).
* `ThemeClusterer` clusters lemma strings. `fit` learns `text_` (the TF-IDF and LSA
  model, `nlp_motioner.textmodel`), `centroids_`, `themes_`, `labels_` and `k_scores_`;
  `transform` gives each text a score per theme, `predict` its main theme.

The clustering space joins three parts: the LSA vector of the text; the CAP topic
probabilities of the unit (`cap=`, weighted by `cap_weight`), so that themes do not mix
policy areas; and the seeds' similarities (`seed_weight`). k ("auto") is chosen by
cluster stability (`nlp_motioner.themes.stability`), between `k_range[0]` and the smaller
of `k_range[1]` and a fifth of the units.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.cluster import KMeans
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import normalize

from nlp_motioner.textmodel import TextModel, TooFewDimensions
from nlp_motioner.themes.labels import describe_themes
from nlp_motioner.themes.seeds import SeedTheme, load_seeds, seed_keys, slugify
from nlp_motioner.themes.stability import choose_k
from nlp_motioner.themes.text import LemmaText, procedural_terms

__all__ = [
    "LemmaText",
    "SeedTheme",
    "ThemeClusterer",
    "load_seeds",
    "make_theme_pipeline",
    "procedural_terms",
    "slugify",
]

Progress = Callable[[int, int | None], None]

_MIN_PER_THEME = 5  # "auto" never asks for more themes than a fifth of the units


# --------------------------------------------------------------------------- clusterer


class ThemeClusterer(ClusterMixin, TransformerMixin, BaseEstimator):
    """Cluster lemma strings into themes; seeded themes start from their own centres.

    Parameters are stored as given (scikit-learn convention); everything learnt ends in "_".
    `k` is an int, or "auto" to pick k by stability (see the module docstring).
    `seeds` is a list of SeedTheme, a TOML path, None for the package defaults, or [] for none.
    """

    def __init__(
        self,
        k: int | str = "auto",
        seeds: Any = None,
        k_range: tuple[int, int] = (6, 40),
        k_step: int = 2,
        n_components: int = 200,
        ngram_range: tuple[int, int] = (1, 2),
        min_df: int | float = 2,
        max_df: float = 0.5,
        max_features: int | None = 40000,
        cap_weight: float = 1.0,
        seed_weight: float = 1.0,
        seed_threshold: float = 0.08,
        seed_min_docs: int = 2,
        seed_name_share: float = 0.5,
        seed_top: int = 5,
        seed_top_share: float = 0.6,
        stability_cut: float = 0.6,
        stability_runs: int = 4,
        stability_sample: int = 4000,
        secondary_min: float = 0.1,
        secondary_ratio: float = 0.5,
        max_secondary: int = 3,
        n_label_terms: int = 3,
        n_init: int = 3,
        svd_iter: int = 3,
        svd_sample: int = 20000,
        random_state: int = 0,
    ) -> None:
        self.k = k
        self.seeds = seeds
        self.k_range = k_range
        self.k_step = k_step
        self.n_components = n_components
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.cap_weight = cap_weight
        self.seed_weight = seed_weight
        self.seed_threshold = seed_threshold
        self.seed_min_docs = seed_min_docs
        self.seed_name_share = seed_name_share
        self.seed_top = seed_top
        self.seed_top_share = seed_top_share
        self.stability_cut = stability_cut
        self.stability_runs = stability_runs
        self.stability_sample = stability_sample
        self.secondary_min = secondary_min
        self.secondary_ratio = secondary_ratio
        self.max_secondary = max_secondary
        self.n_label_terms = n_label_terms
        self.n_init = n_init
        self.svd_iter = svd_iter
        self.svd_sample = svd_sample
        self.random_state = random_state

    # ---- features

    def _text_model(self) -> TextModel:
        return TextModel(
            n_components=self.n_components,
            ngram_range=self.ngram_range,
            min_df=self.min_df,
            max_df=self.max_df,
            max_features=self.max_features,
            svd_iter=self.svd_iter,
            svd_sample=self.svd_sample,
            dtype="float64",
            random_state=self.random_state,
        )

    def _cap_block(self, cap: Any, n: int) -> np.ndarray:
        if not self.cap_dims_ or not self.cap_weight:
            return np.zeros((n, 0))
        if cap is None:
            return np.zeros((n, self.cap_dims_))
        P = np.asarray(cap, dtype=np.float64)
        if P.shape != (n, self.cap_dims_):
            raise ValueError(f"cap must be {n} x {self.cap_dims_}, not {P.shape}")
        # Probabilities as they are, not rescaled: a unit the CAP model is sure about is
        # pulled to its topic, one it is unsure about (flat probabilities) hardly at all.
        return self.cap_weight * np.nan_to_num(P)

    def _space(self, tfidf: sp.csr_matrix, cap: Any = None) -> np.ndarray:
        """LSA vector, CAP probabilities and seed scores, each weighted, as one unit vector."""
        parts = [self.text_.embed(tfidf), self._cap_block(cap, tfidf.shape[0])]
        if self.seed_weight and self.seed_vectors_.shape[0]:
            parts.append(self.seed_weight * self._seed_scores(tfidf))
        return normalize(np.hstack(parts))

    def _seed_scores(self, tfidf: sp.csr_matrix) -> np.ndarray:
        if self.seed_vectors_.shape[0] == 0:
            return np.zeros((tfidf.shape[0], 0))
        return np.asarray((tfidf @ self.seed_vectors_.T).todense())

    # ---- fit

    def fit(
        self,
        X: Sequence[str],
        y: Any = None,
        cap: Any = None,
        progress: Progress | None = None,
        cap_classes: Sequence[int] | None = None,
    ) -> ThemeClusterer:
        """Fit on lemma strings; `cap` is an optional units x topics matrix of CAP
        probabilities, `cap_classes` the topic code of each of its columns."""
        X = list(X)
        n = len(X)
        if n < 3:
            raise ValueError(f"need at least 3 texts to fit themes, got {n}")
        rng = np.random.default_rng(self.random_state)
        self.text_ = self._text_model()
        try:
            counts = self.text_.fit_vocabulary(X)
        except ValueError:  # no term survives the document-frequency limits
            self.text_.min_df, self.text_.max_df = 1, 1.0
            counts = self.text_.fit_vocabulary(X)
        tfidf = self.text_.weigh(counts)
        try:
            self.text_.fit_basis(tfidf)
        except TooFewDimensions:  # one or two terms in all: the first term's axis stands in
            self.text_.components_ = np.eye(tfidf.shape[1])[:1]
        self.cap_dims_ = 0 if cap is None else int(np.asarray(cap).shape[1])

        seeds = self._seed_list()
        self._fit_seeds(seeds)
        S = self._seed_scores(tfidf)
        Z = self._space(tfidf, cap)
        seed_centres, _ = self._seed_centres(Z, S)

        if self.k == "auto":
            k = self._choose_k(Z, seed_centres, progress)
        else:
            k = int(self.k)
            self.k_scores_ = {}
        k = max(1, min(k, n))
        self.k_ = k
        labels, centroids = self._kmeans(Z, seed_centres, k, rng, n_init=self.n_init)
        self.centroids_ = centroids
        scores = self._scores(Z)
        # Units without a CAP part are placed by what they have (see _scores).
        blind = self._without_cap(Z)
        labels[blind] = scores[blind].argmax(axis=1)
        self.labels_ = labels
        self.themes_ = describe_themes(self, counts, X, labels, scores, seeds, cap, cap_classes)
        self._fit_scores = scores  # kept for fit_transform only
        return self

    def fit_transform(self, X: Sequence[str], y: Any = None, **fit_params: Any) -> np.ndarray:
        """Fit (with `fit`'s keywords), then the scores of the fitted texts (without
        vectorizing them again)."""
        self.fit(X, **fit_params)
        return self.__dict__.pop("_fit_scores")

    def _seed_list(self) -> list[SeedTheme]:
        if self.seeds is None:
            return load_seeds()
        if isinstance(self.seeds, (str, Path)):
            return load_seeds(self.seeds)
        return [s if isinstance(s, SeedTheme) else SeedTheme(**s) for s in self.seeds]

    def _fit_seeds(self, seeds: list[SeedTheme]) -> None:
        """A seed's vector spans the vocabulary words and phrases it names, weighted by idf."""
        rows, names = [], []
        drop = procedural_terms()
        for s in seeds:
            cols = sorted(
                self.text_.vocabulary_[t] for t in seed_keys(s, drop) if t in self.text_.vocabulary_
            )
            if not cols:
                continue
            vec = np.zeros(len(self.text_.vocabulary_))
            vec[cols] = self.text_.idf_[cols]
            rows.append(vec / np.linalg.norm(vec))
            names.append(s.name)
        self.seed_names_ = names
        self.seed_vectors_ = (
            sp.csr_matrix(np.array(rows))
            if rows
            else sp.csr_matrix((0, len(self.text_.vocabulary_)))
        )

    def _seed_centres(self, Z: np.ndarray, S: np.ndarray) -> tuple[np.ndarray, list[int]]:
        """Centres for seeds that enough texts lean to, largest first."""
        if S.shape[1] == 0:
            return np.zeros((0, Z.shape[1])), []
        best = S.argmax(axis=1)
        strong = S.max(axis=1) >= self.seed_threshold
        found = []
        for j in range(S.shape[1]):
            members = np.flatnonzero(strong & (best == j))
            if len(members) >= self.seed_min_docs:
                found.append(
                    (len(members), j, normalize(Z[members].mean(axis=0, keepdims=True))[0])
                )
        found.sort(key=lambda t: (-t[0], t[1]))
        if not found:
            return np.zeros((0, Z.shape[1])), []
        return np.array([c for _, _, c in found]), [j for _, j, _ in found]

    def _init(
        self, Z: np.ndarray, seed_centres: np.ndarray, k: int, rng: np.random.Generator
    ) -> np.ndarray:
        centres = list(seed_centres[:k])
        if not centres:
            centres.append(Z[rng.integers(len(Z))])
        d2 = np.min([np.maximum(0.0, 2.0 - 2.0 * Z @ c) for c in centres], axis=0)
        while len(centres) < k:
            total = d2.sum()
            idx = int(rng.choice(len(Z), p=d2 / total)) if total > 0 else int(rng.integers(len(Z)))
            centres.append(Z[idx])
            d2 = np.minimum(d2, np.maximum(0.0, 2.0 - 2.0 * Z @ Z[idx]))
        return np.array(centres)

    def _kmeans(
        self,
        Z: np.ndarray,
        seed_centres: np.ndarray,
        k: int,
        rng: np.random.Generator,
        n_init: int = 1,
    ) -> tuple[np.ndarray, np.ndarray]:
        """k-means from seeded centres plus D²-sampled ones; the best of `n_init` restarts.

        On a large corpus the restarts run on a fixed sample and only the best one is
        refined on all texts.
        """
        full = Z
        if n_init > 1 and len(Z) > self.svd_sample:
            pick = np.random.default_rng(self.random_state).choice(
                len(Z), self.svd_sample, replace=False
            )
            Z = Z[np.sort(pick)]
        best = None
        for _ in range(max(1, n_init)):
            init = self._init(Z, seed_centres, k, rng)
            km = KMeans(
                n_clusters=k, init=init, n_init=1, max_iter=100, random_state=self.random_state
            )
            labels = km.fit_predict(Z)
            if best is None or km.inertia_ < best[0]:
                best = (km.inertia_, labels.astype(np.int64), km.cluster_centers_)
        if Z is not full:
            km = KMeans(
                n_clusters=k, init=best[2], n_init=1, max_iter=100, random_state=self.random_state
            )
            return km.fit_predict(full).astype(np.int64), normalize(km.cluster_centers_)
        return best[1], normalize(best[2])

    def _choose_k(self, Z: np.ndarray, seed_centres: np.ndarray, progress: Progress | None) -> int:
        lo, hi = int(self.k_range[0]), int(self.k_range[1])
        hi = max(2, min(hi, len(Z) // _MIN_PER_THEME, len(Z) - 1))
        lo = max(2, min(lo, hi))
        if len(Z) > self.stability_sample:
            pick = np.random.default_rng(self.random_state).choice(
                len(Z), self.stability_sample, replace=False
            )
            Z = Z[np.sort(pick)]

        def cluster(rows: np.ndarray, k: int, seed: int) -> np.ndarray:
            labels, _ = self._kmeans(rows, seed_centres, k, np.random.default_rng(seed))
            return labels

        k, self.k_scores_ = choose_k(
            Z,
            range(lo, hi + 1, max(1, int(self.k_step))),
            cluster,
            cut=self.stability_cut,
            runs=self.stability_runs,
            random_state=self.random_state,
            progress=progress,
        )
        return k

    # ---- use

    def _cap_columns(self) -> slice:
        start = self.text_.components_.shape[0]
        return slice(start, start + (self.cap_dims_ if self.cap_weight else 0))

    def _without_cap(self, Z: np.ndarray) -> np.ndarray:
        cols = self._cap_columns()
        if cols.stop == cols.start:
            return np.zeros(len(Z), dtype=bool)
        return ~np.any(Z[:, cols] != 0, axis=1)

    def _scores(self, Z: np.ndarray) -> np.ndarray:
        """Cosine of each unit to each theme's centre, 0..1.

        A unit without a CAP part (the CAP model abstained, or none was given) is compared
        with the centres' other parts only, renormalised: missing evidence counts neither
        for nor against a theme.
        """
        S = Z @ self.centroids_.T
        blind = self._without_cap(Z)
        if blind.any():
            keep = np.ones(Z.shape[1], dtype=bool)
            keep[self._cap_columns()] = False
            S[blind] = Z[blind][:, keep] @ normalize(self.centroids_[:, keep]).T
        return np.clip(S, 0.0, 1.0)

    def transform(self, X: Sequence[str], cap: Any = None) -> np.ndarray:
        """Score of each text for each theme (cosine to the theme's centre, 0..1)."""
        tfidf = self.text_.weigh(self.text_.count(X))
        return self._scores(self._space(tfidf, cap))

    def predict(self, X: Sequence[str], cap: Any = None) -> np.ndarray:
        return self.transform(X, cap).argmax(axis=1)

    def secondary(self, scores: np.ndarray, main: np.ndarray) -> list[list[tuple[int, float]]]:
        """Secondary themes per text: close to the main theme's score and above a floor."""
        out = []
        for row, m in zip(scores, main):
            floor = max(self.secondary_min, self.secondary_ratio * float(row[m]))
            idx = [int(i) for i in np.argsort(-row, kind="stable") if i != m and row[i] >= floor]
            out.append([(i, round(float(row[i]), 4)) for i in idx[: self.max_secondary]])
        return out


def make_theme_pipeline(**params: Any) -> Pipeline:
    """`LemmaText` -> `ThemeClusterer(**params)`, as one scikit-learn Pipeline."""
    return Pipeline([("lemmas", LemmaText()), ("themes", ThemeClusterer(**params))])
