"""Semantic similarity: TF-IDF + LSA vectors fitted on the corpus, saved beside the database.

The model works on the same stemmed tokens as the full-text index. It is saved as two
plain files (no pickle): ``<db>.lsa.npz`` (numpy arrays: idf, components, unit
vectors; a document's vector is the normalized sum of its units') and ``<db>.lsa.json`` (vocabulary and parameters), and loaded with
``allow_pickle=False``.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections import Counter
from typing import Any

import numpy as np

from nlp_motioner.store import Store
from nlp_motioner.store.analyze import stems

FORMAT_VERSION = 1


def model_paths(db_path: str) -> tuple[str, str]:
    return db_path + ".lsa.npz", db_path + ".lsa.json"


class SemanticModel:
    """TF-IDF (sublinear tf, l2) followed by truncated SVD; vectors are unit length.

    Parameters follow scikit-learn style: `fit` learns the attributes ending in "_".
    """

    def __init__(
        self,
        n_components: int = 128,
        min_df: int = 2,
        max_df: float = 0.5,
        max_features: int = 200_000,
        random_state: int = 0,
    ) -> None:
        self.n_components = n_components
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.random_state = random_state

    # -- fitting ----------------------------------------------------------------------------
    def fit(self, unit_ids: list[int], unit_texts: list[str]) -> SemanticModel:
        """Fit on stemmed, space-separated unit texts (as stored in the FTS index)."""
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        n = len(unit_texts)
        min_df = self.min_df if n >= 20 else 1
        max_df = self.max_df if n >= 20 else 1.0
        vec = TfidfVectorizer(
            analyzer=str.split,
            sublinear_tf=True,
            min_df=min_df,
            max_df=max_df,
            max_features=self.max_features,
            dtype=np.float32,
        )
        x = vec.fit_transform(unit_texts)
        k = min(self.n_components, x.shape[0] - 1, x.shape[1] - 1)
        if k < 2:
            raise ValueError("too few documents or words to fit a semantic model")
        svd = TruncatedSVD(n_components=k, random_state=self.random_state, algorithm="randomized")
        z = svd.fit_transform(x).astype(np.float32)
        self.vocabulary_ = {t: i for i, t in enumerate(vec.get_feature_names_out().tolist())}
        self.idf_ = vec.idf_.astype(np.float32)
        self.components_ = svd.components_.astype(np.float32)
        self.unit_ids_ = np.asarray(unit_ids, dtype=np.int64)
        self.unit_vectors_ = _normalize(z)
        return self

    def transform_tokens(self, tokens: list[str]) -> np.ndarray:
        """The unit-length LSA vector of a stemmed token list (zeros when nothing is known)."""
        counts = Counter(t for t in tokens if t in self.vocabulary_)
        k = self.components_.shape[0]
        if not counts:
            return np.zeros(k, dtype=np.float32)
        idx = np.fromiter((self.vocabulary_[t] for t in counts), dtype=np.int64)
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32))
        w = tf * self.idf_[idx]
        w /= np.linalg.norm(w) or 1.0
        v = self.components_[:, idx] @ w
        norm = np.linalg.norm(v)
        return (v / norm).astype(np.float32) if norm > 0 else v.astype(np.float32)

    def transform_text(self, text: str) -> np.ndarray:
        return self.transform_tokens(stems(text))

    def vector_of_units(self, unit_ids: list[int]) -> np.ndarray | None:
        """The normalized sum of the stored vectors of `unit_ids` (None if none is known)."""
        ids = np.asarray(unit_ids, dtype=np.int64)
        if ids.size == 0 or self.unit_ids_.size == 0:
            return None
        pos = np.clip(np.searchsorted(self.unit_ids_, ids), 0, self.unit_ids_.size - 1)
        pos = pos[self.unit_ids_[pos] == ids]
        if pos.size == 0:
            return None
        v = self.unit_vectors_[pos].sum(axis=0)
        norm = np.linalg.norm(v)
        return (v / norm).astype(np.float32) if norm > 0 else None

    # -- persistence ------------------------------------------------------------------------
    def save(self, db_path: str, *, generation: int, folded: int = 0) -> None:
        npz_path, json_path = model_paths(db_path)
        vocab = sorted(self.vocabulary_, key=self.vocabulary_.get)
        # Both files carry the same id: a run killed between the two renames leaves a pair
        # that `load` refuses instead of mixing a new matrix with an old vocabulary.
        fit_id = uuid.uuid4().hex
        tmp_npz = npz_path + ".part.npz"
        np.savez(
            tmp_npz,
            idf=self.idf_,
            components=self.components_,
            unit_ids=self.unit_ids_,
            unit_vectors=self.unit_vectors_,
            fit_id=np.array(fit_id),
        )
        meta = {
            "format": FORMAT_VERSION,
            "fit_id": fit_id,
            "generation": generation,
            "folded": folded,
            "n_components": int(self.components_.shape[0]),
            "params": {
                "n_components": self.n_components,
                "min_df": self.min_df,
                "max_df": self.max_df,
                "max_features": self.max_features,
                "random_state": self.random_state,
            },
            "vocabulary": vocab,
        }
        tmp_json = json_path + ".part"
        with open(tmp_json, "w", encoding="utf-8") as fh:
            json.dump(meta, fh, ensure_ascii=False)
        os.replace(tmp_npz, npz_path)
        os.replace(tmp_json, json_path)

    @classmethod
    def load(cls, db_path: str) -> tuple[SemanticModel, dict[str, Any]] | None:
        """The saved model and its metadata, or None when there is none."""
        npz_path, json_path = model_paths(db_path)
        if not (os.path.exists(npz_path) and os.path.exists(json_path)):
            return None
        with open(json_path, encoding="utf-8") as fh:
            meta = json.load(fh)
        if meta.get("format") != FORMAT_VERSION:
            return None
        model = cls(**meta["params"])
        with np.load(npz_path, allow_pickle=False) as data:
            if "fit_id" not in data or str(data["fit_id"]) != meta.get("fit_id"):
                return None
            model.idf_ = data["idf"]
            model.components_ = data["components"]
            model.unit_ids_ = data["unit_ids"]
            model.unit_vectors_ = data["unit_vectors"]
        model.vocabulary_ = {t: i for i, t in enumerate(meta["vocabulary"])}
        return model, meta


def _normalize(z: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (z / norms).astype(np.float32)


def fit_store(store: Store, **params: Any) -> dict[str, Any]:
    """Fit the model on everything in `store` and save it beside the database."""
    t0 = time.perf_counter()
    unit_ids: list[int] = []
    texts: list[str] = []
    owners: list[int] = []
    for unit_id, doc_id, text in store.iter_unit_texts():
        unit_ids.append(unit_id)
        owners.append(doc_id)
        texts.append(text)
    generation = store.generation
    model = SemanticModel(**params)
    try:
        model.fit(unit_ids, texts)
    except ValueError as exc:
        for path in model_paths(store.path):
            if os.path.exists(path):
                os.unlink(path)
        return {"fitted": False, "reason": str(exc)}
    model.save(store.path, generation=generation)
    return {
        "fitted": True,
        "units": len(unit_ids),
        "documents": len(set(owners)),
        "dimensions": int(model.components_.shape[0]),
        "vocabulary": len(model.vocabulary_),
        "seconds": round(time.perf_counter() - t0, 2),
    }


def update_store(store: Store, *, max_folded: float = 0.2, **params: Any) -> dict[str, Any]:
    """Bring the saved model up to date with `store` as cheaply as is sound.

    Units added since the last fit are folded in (projected with the fitted vocabulary and
    components), and removed units dropped; the model is refitted from scratch when there
    is none yet, or when the folded-in units since the last fit exceed `max_folded` of all.
    """
    t0 = time.perf_counter()
    loaded = SemanticModel.load(store.path)
    if loaded is None:
        return {**fit_store(store, **params), "mode": "fitted"}
    model, meta = loaded
    ids = np.fromiter(
        (r[0] for r in store.conn.execute("SELECT id FROM units ORDER BY id")), dtype=np.int64
    )
    known = np.isin(ids, model.unit_ids_)
    new_ids = ids[~known]
    folded = int(meta.get("folded", 0)) + int(new_ids.size)
    if ids.size == 0 or folded > max_folded * ids.size:
        return {**fit_store(store, **params), "mode": "fitted"}
    vectors = np.zeros((ids.size, model.components_.shape[0]), dtype=np.float32)
    if known.any():
        vectors[known] = model.unit_vectors_[np.searchsorted(model.unit_ids_, ids[known])]
    if new_ids.size:
        new_rows = {int(u): i for i, u in enumerate(ids) if not known[i]}
        for unit_id, _, text in store.iter_unit_texts(new_ids.tolist()):
            vectors[new_rows[unit_id]] = model.transform_tokens(text.split())
    model.unit_ids_ = ids
    model.unit_vectors_ = vectors
    model.save(store.path, generation=store.generation, folded=folded)
    return {
        "fitted": True,
        "mode": "folded",
        "units": int(ids.size),
        "new_units": int(new_ids.size),
        "dimensions": int(model.components_.shape[0]),
        "vocabulary": len(model.vocabulary_),
        "seconds": round(time.perf_counter() - t0, 2),
    }
