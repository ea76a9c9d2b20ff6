"""The theme estimators: lemmatized text -> TF-IDF (words and two-word phrases) -> LSA ->
k-means with seeded centres -> themes with class-based TF-IDF labels.

Two scikit-learn style estimators, composed with `sklearn.pipeline.Pipeline` by
`make_theme_pipeline()`:

* `LemmaText` turns raw text into a string of content lemmas (shared spaCy pipeline in
  `nlp_motioner.nlp`; stop words, numbers, procedural words and page furniture removed).
* `ThemeClusterer` clusters lemma strings. `fit` learns `vocabulary_`, `idf_`, `components_`
  (the LSA basis), `centroids_`, `themes_` and `labels_`; `transform` gives each text a score
  per theme, `predict` its main theme.

Choosing k ("auto"): the k in `k_range` with the highest mean cosine silhouette on the LSA
vectors (on a fixed sample of at most `silhouette_sample` texts), with k capped at
sqrt(n / 2) for small corpora. Silhouette rewards themes that are both tight and apart, and
unlike the k-means inertia it does not keep improving as k grows.
"""

from __future__ import annotations

import fnmatch
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import silhouette_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import normalize

from nlp_motioner import nlp
from nlp_motioner._data import load_toml

__all__ = [
    "LemmaText",
    "SeedTheme",
    "ThemeClusterer",
    "load_seeds",
    "make_theme_pipeline",
    "procedural_terms",
]


# --------------------------------------------------------------------------- text


def procedural_terms() -> frozenset[str]:
    """Lemmas of the procedural and furniture words in themes/terms.toml."""
    return _procedural()


_LETTERS = re.compile(r"[a-zåäöéü]")


def _procedural() -> frozenset[str]:
    global _PROCEDURAL
    if _PROCEDURAL is None:
        words = load_toml("themes/terms.toml")["procedural"]
        _PROCEDURAL = frozenset(w for w in words) | frozenset(nlp.lemma(w) for w in words)
    return _PROCEDURAL


_PROCEDURAL: frozenset[str] | None = None


class LemmaText(BaseEstimator, TransformerMixin):
    """Raw text -> one space-separated string of content lemmas per text.

    Stop words (nlp.stop_words), numbers, one-letter tokens, procedural words and page
    furniture (themes/terms.toml) are dropped. Stateless: `fit` learns nothing.
    """

    def __init__(
        self, drop_procedural: bool = True, drop_names: bool = True, min_length: int = 3
    ) -> None:
        self.drop_procedural = drop_procedural
        self.drop_names = drop_names
        self.min_length = min_length

    def fit(self, X: Iterable[str], y: Any = None) -> LemmaText:
        return self

    def transform(self, X: Iterable[str]) -> list[str]:
        drop = _procedural() if self.drop_procedural else frozenset()
        out = []
        for toks in nlp.content_lemmas_many(X, drop_names=self.drop_names):
            out.append(" ".join(t for t in toks if len(t) >= self.min_length and t not in drop))
        return out


# --------------------------------------------------------------------------- seeds


@dataclass
class SeedTheme:
    """A named theme with seed terms (as written, before lemmatization)."""

    name: str
    terms: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slugify(self.name)


def slugify(name: str) -> str:
    s = name.lower().translate(str.maketrans("åäöéü", "aaoeu"))
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def load_seeds(source: str | Path | None = None) -> list[SeedTheme]:
    """Seed themes from a TOML file (`[[theme]]` tables with `name` and `terms`).

    `None` loads the defaults shipped in the package (themes/seeds.toml).
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
        if not t.get("name") or not isinstance(t.get("terms", []), list):
            raise ValueError(f"seed theme without a name or a terms list: {t!r}")
        out.append(SeedTheme(str(t["name"]), [str(x) for x in t.get("terms", [])]))
    return out


def _seed_vocab_terms(seed: SeedTheme, vocab: dict[str, int]) -> list[int]:
    """Column indices of the vocabulary terms a seed's terms reach.

    A term with `*` or `?` is a shell-style pattern over the vocabulary's lemmas and phrases;
    any other term is lemmatized and reaches its words and its two-word phrases.
    """
    cols: set[int] = set()
    patterns = []
    for term in seed.terms:
        term = term.strip().lower()
        if not term:
            continue
        if "*" in term or "?" in term:
            patterns.append(fnmatch.translate(term))
            continue
        toks = [t for t in nlp.content_lemmas(term) if t not in _procedural()]
        if len(toks) == 1 and toks[0] in vocab:
            cols.add(vocab[toks[0]])
        # A phrase reaches its two-word phrases only: "våld i nära relationer" must not make
        # "nära" on its own a seed word.
        for a, b in zip(toks, toks[1:]):
            if f"{a} {b}" in vocab:
                cols.add(vocab[f"{a} {b}"])
    if patterns:
        # One alternation per seed: a single pass over the vocabulary.
        regex = re.compile("|".join(f"(?:{p})" for p in patterns))
        cols.update(i for t, i in vocab.items() if regex.match(t))
    return sorted(cols)


# --------------------------------------------------------------------------- clusterer


class ThemeClusterer(ClusterMixin, TransformerMixin, BaseEstimator):
    """Cluster lemma strings into themes; seeded themes start from their own centres.

    Parameters are stored as given (scikit-learn convention); everything learnt ends in "_".
    `k` is an int, or "auto" to pick k by the silhouette criterion (see module docstring).
    `seeds` is a list of SeedTheme, a TOML path, None for the package defaults, or [] for none.
    """

    def __init__(
        self,
        k: int | str = "auto",
        seeds: Any = None,
        k_range: tuple[int, int] = (6, 24),
        n_components: int = 200,
        ngram_range: tuple[int, int] = (1, 2),
        min_df: int | float = 2,
        max_df: float = 0.5,
        max_features: int | None = 40000,
        seed_weight: float = 2.0,
        seed_threshold: float = 0.08,
        seed_min_docs: int = 2,
        seed_name_min: float = 0.02,
        seed_name_lift: float = 1.5,
        seed_name_top: int = 10,
        secondary_min: float = 0.1,
        secondary_ratio: float = 0.5,
        max_secondary: int = 3,
        n_label_terms: int = 3,
        silhouette_sample: int = 3000,
        n_init: int = 3,
        svd_iter: int = 3,
        svd_sample: int = 20000,
        random_state: int = 0,
    ) -> None:
        self.k = k
        self.seeds = seeds
        self.k_range = k_range
        self.n_components = n_components
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.seed_weight = seed_weight
        self.seed_threshold = seed_threshold
        self.seed_min_docs = seed_min_docs
        self.seed_name_min = seed_name_min
        self.seed_name_lift = seed_name_lift
        self.seed_name_top = seed_name_top
        self.secondary_min = secondary_min
        self.secondary_ratio = secondary_ratio
        self.max_secondary = max_secondary
        self.n_label_terms = n_label_terms
        self.silhouette_sample = silhouette_sample
        self.n_init = n_init
        self.svd_iter = svd_iter
        self.svd_sample = svd_sample
        self.random_state = random_state

    # ---- features

    def _counts(self, X: Sequence[str]) -> sp.csr_matrix:
        cv = CountVectorizer(
            vocabulary=self.vocabulary_,
            token_pattern=r"\S+",
            lowercase=False,
            ngram_range=tuple(self.ngram_range),
        )
        return cv.transform(X).tocsr().astype(np.float64)

    def _tfidf(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        X = counts.copy()
        X.data = 1.0 + np.log(
            X.data
        )  # sublinear tf: a word said ten times is not ten times the topic
        X = X @ sp.diags(self.idf_)
        return normalize(X)

    def _embed(self, tfidf: sp.csr_matrix) -> np.ndarray:
        Z = np.asarray(tfidf @ self.components_.T)
        return normalize(Z)

    def _space(self, tfidf: sp.csr_matrix) -> np.ndarray:
        """The clustering space: LSA vectors, plus the seed scores weighted by `seed_weight`
        so that texts that use a seed's words lean towards that seed's theme."""
        Z = self._embed(tfidf)
        if self.seed_weight and self.seed_vectors_.shape[0]:
            Z = normalize(np.hstack([Z, self.seed_weight * self._seed_scores(tfidf)]))
        return Z

    def _seed_scores(self, tfidf: sp.csr_matrix) -> np.ndarray:
        if self.seed_vectors_.shape[0] == 0:
            return np.zeros((tfidf.shape[0], 0))
        return np.asarray((tfidf @ self.seed_vectors_.T).todense())

    # ---- fit

    def fit(self, X: Sequence[str], y: Any = None) -> ThemeClusterer:
        X = list(X)
        n = len(X)
        if n < 3:
            raise ValueError(f"need at least 3 texts to fit themes, got {n}")
        rng = np.random.default_rng(self.random_state)
        min_df = self.min_df if n >= 20 else 1
        cv = CountVectorizer(
            token_pattern=r"\S+",
            lowercase=False,
            ngram_range=tuple(self.ngram_range),
            min_df=min_df,
            max_df=self.max_df if n >= 20 else 1.0,
            max_features=self.max_features,
            dtype=np.float64,
        )
        counts = cv.fit_transform(X).tocsr()
        self.vocabulary_ = {t: int(i) for t, i in cv.vocabulary_.items()}
        self.terms_ = np.array(sorted(self.vocabulary_, key=self.vocabulary_.get), dtype=object)
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self.idf_ = np.log((1 + n) / (1 + df)) + 1.0  # smoothed idf, as scikit-learn's
        tfidf = self._tfidf(counts)

        # LSA basis: the top right singular vectors of the TF-IDF matrix.
        from sklearn.decomposition import TruncatedSVD

        dims = max(2, min(self.n_components, tfidf.shape[1] - 1, n - 1))
        svd = TruncatedSVD(
            n_components=dims,
            algorithm="randomized",
            n_iter=self.svd_iter,
            random_state=self.random_state,
        )
        # The basis is learnt on a fixed sample of rows: a few ten thousand texts pin down the
        # main directions, and the cost no longer grows with the corpus.
        rows = tfidf
        if n > self.svd_sample:
            rows = tfidf[
                np.sort(
                    np.random.default_rng(self.random_state).choice(
                        n, self.svd_sample, replace=False
                    )
                )
            ]
        svd.fit(rows)
        self.components_ = svd.components_

        # Seeds: a seed's vector spans the vocabulary terms it reaches, weighted by idf.
        seeds = self._seed_list()
        rows, names = [], []
        for s in seeds:
            cols = _seed_vocab_terms(s, self.vocabulary_)
            if not cols:
                continue
            vec = np.zeros(len(self.vocabulary_))
            vec[cols] = self.idf_[cols]
            rows.append(vec / np.linalg.norm(vec))
            names.append(s.name)
        self.seed_names_ = names
        self.seed_vectors_ = (
            sp.csr_matrix(np.array(rows)) if rows else sp.csr_matrix((0, len(self.vocabulary_)))
        )
        S = self._seed_scores(tfidf)
        Z = self._space(tfidf)
        seed_centres, seed_of_centre = self._seed_centres(Z, S)

        k = self._choose_k(Z, seed_centres, rng) if self.k == "auto" else int(self.k)
        k = max(1, min(k, n))
        self.k_ = k
        labels, centroids = self._kmeans(Z, seed_centres, k, rng, n_init=self.n_init)
        self.labels_ = labels
        self.centroids_ = centroids

        self.themes_ = self._describe(counts, S, labels, seed_of_centre)
        self._fit_space = Z  # kept for fit_transform only
        return self

    def fit_transform(self, X: Sequence[str], y: Any = None) -> np.ndarray:
        """Fit, then the scores of the fitted texts (without vectorizing them again)."""
        self.fit(X)
        Z = self.__dict__.pop("_fit_space")
        return np.clip(Z @ self.centroids_.T, 0.0, 1.0)

    def _seed_list(self) -> list[SeedTheme]:
        if self.seeds is None:
            return load_seeds()
        if isinstance(self.seeds, (str, Path)):
            return load_seeds(self.seeds)
        return [s if isinstance(s, SeedTheme) else SeedTheme(**s) for s in self.seeds]

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
        centres = [c for c in seed_centres[:k]]
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

    def _choose_k(self, Z: np.ndarray, seed_centres: np.ndarray, rng: np.random.Generator) -> int:
        lo, hi = int(self.k_range[0]), int(self.k_range[1])
        # A small corpus cannot hold many themes: at most about sqrt(n / 2) of them.
        hi = max(2, min(hi, int(math.sqrt(len(Z) / 2)), len(Z) - 1))
        lo = min(lo, hi)
        sample_rng = np.random.default_rng(self.random_state)
        # The search clusters a fixed sample (k-means on 20k texts finds the same themes as
        # on 100k), and scores each k on a smaller sample of that.
        if len(Z) > self.svd_sample:
            Z = Z[np.sort(sample_rng.choice(len(Z), self.svd_sample, replace=False))]
        idx = np.arange(len(Z))
        if len(idx) > self.silhouette_sample:
            idx = np.sort(sample_rng.choice(len(Z), self.silhouette_sample, replace=False))
        best_k, best = lo, -2.0
        self.k_scores_ = {}
        step = 1 if hi - lo <= 12 else 2
        for k in range(lo, hi + 1, step):
            labels, _ = self._kmeans(Z, seed_centres, k, np.random.default_rng(self.random_state))
            if len(set(labels[idx].tolist())) < 2:
                continue
            score = float(silhouette_score(Z[idx], labels[idx], metric="cosine"))
            self.k_scores_[k] = score
            if score > best:
                best_k, best = k, score
        return best_k

    # ---- labels

    def _class_tfidf(self, counts: sp.csr_matrix, labels: np.ndarray, k: int) -> np.ndarray:
        onehot = sp.csr_matrix(
            (np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels))
        )
        tf = np.asarray((onehot @ counts).todense())  # k x V term counts per theme
        per_class = tf.sum(axis=1, keepdims=True)
        avg = max(1.0, float(per_class.mean()))
        freq = tf.sum(axis=0)
        return (tf / np.maximum(per_class, 1.0)) * np.log1p(avg / np.maximum(freq, 1.0))

    def _label_terms(self, row: np.ndarray, n: int) -> list[str]:
        order = np.argsort(-row, kind="stable")[: 12 * n]
        chosen: list[str] = []
        for i in order:
            if row[i] <= 0:
                break
            term = str(self.terms_[i])
            parts = term.split()
            if len(parts) == 2 and parts[0] == parts[1]:
                continue
            if len(parts) == 1 and any(term in c.split() for c in chosen):
                continue
            if len(parts) == 2:
                # A phrase replaces the single words it contains.
                chosen = [c for c in chosen if c not in parts]
                if any(set(parts) & set(c.split()) for c in chosen if " " in c):
                    continue
            chosen.append(term)
            if len(chosen) >= n:
                break
        return chosen

    def _describe(
        self, counts: sp.csr_matrix, S: np.ndarray, labels: np.ndarray, seed_of_centre: list[int]
    ) -> list[dict[str, Any]]:
        k = self.k_
        ctf = self._class_tfidf(counts, labels, k)
        self.class_tfidf_ = ctf
        sizes = np.bincount(labels, minlength=k)
        # Which seed each theme is (one seed per theme at most). A seed may name a theme
        # whose texts lean to it (mean seed score and lift over the corpus) and whose
        # distinctive terms include one of the seed's terms; among those, the seed goes to
        # the theme that holds most of the seed's weight, so "skola" names the big school
        # theme rather than a small one about one school matter.
        seed_for: dict[int, int] = {}
        if S.shape[1]:
            M = np.zeros((k, S.shape[1]))
            for c in range(k):
                if sizes[c]:
                    M[c] = S[labels == c].mean(axis=0)
            lift = M / np.maximum(S.mean(axis=0, keepdims=True), 1e-9)
            ok = (M >= self.seed_name_min) & (lift >= self.seed_name_lift)
            top = np.argsort(-ctf, axis=1, kind="stable")[:, : self.seed_name_top]
            seed_cols = [set(self.seed_vectors_[j].indices.tolist()) for j in range(S.shape[1])]
            for c in range(k):
                distinctive = {int(t) for t in top[c] if ctf[c, t] > 0}
                for j in range(S.shape[1]):
                    if ok[c, j] and not (distinctive & seed_cols[j]):
                        ok[c, j] = False
            mass = np.where(ok, M * sizes[:, None], 0.0)
            if mass.any():
                from scipy.optimize import linear_sum_assignment

                rows, cols = linear_sum_assignment(-mass)
                for r, c in zip(rows, cols):
                    if ok[r, c]:
                        seed_for[int(r)] = int(c)
        themes = []
        for c in range(k):
            top = self._label_terms(ctf[c], 10)
            label = ", ".join(top[: self.n_label_terms])
            seed = seed_for.get(c)
            themes.append(
                {
                    "index": c,
                    "name": self.seed_names_[seed] if seed is not None else label,
                    "label": label,
                    "seeded": seed is not None,
                    "terms": top,
                    "size": int(sizes[c]),
                    "signature": self._signature(ctf[c]),
                }
            )
        return themes

    def _signature(self, row: np.ndarray, n: int = 40) -> dict[str, float]:
        order = np.argsort(-row, kind="stable")[:n]
        return {str(self.terms_[i]): round(float(row[i]), 6) for i in order if row[i] > 0}

    # ---- use

    def transform(self, X: Sequence[str]) -> np.ndarray:
        """Score of each text for each theme (cosine to the theme's centre, 0..1)."""
        tfidf = self._tfidf(self._counts(list(X)))
        return np.clip(self._space(tfidf) @ self.centroids_.T, 0.0, 1.0)

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return self.transform(X).argmax(axis=1)

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
