"""Semantic similarity: TF-IDF + LSA vectors fitted on the corpus, saved beside the database.

The model works on the same stemmed tokens as the full-text index. It is saved as two
plain files (no pickle): ``<db>.lsa.npz`` (numpy arrays: idf, components, unit
vectors; a document's vector is the normalized sum of its units') and ``<db>.lsa.json``
(vocabulary and parameters), and loaded with ``allow_pickle=False``.

Loading checks everything before use (regular files, sizes, JSON types, array types,
shapes and finite values, the pair's shared fit id): a file that fails is reported as one
line with the advice to delete it and refit, and `index` refits it by itself. The
vocabulary never holds a personnummer unless the database was indexed keeping personal
data (`Store.personal_data` is "kept").
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from nlp_motioner.search import modelfile
from nlp_motioner.search.modelfile import ModelError, model_paths
from nlp_motioner.store import Store
from nlp_motioner.store.analyze import stems
from nlp_motioner.textmodel import TextModel

__all__ = [
    "SemanticModel",
    "keeps_personal_data",
    "ModelError",
    "load_model",
    "model_problem",
    "fit_store",
    "update_store",
    "model_paths",
]

# What the saved JSON records of the model's parameters (modelfile checks their types).
SAVED_PARAMS = ("n_components", "min_df", "max_df", "max_features", "random_state")


class SemanticModel(TextModel):
    """The corpus's LSA model: a `TextModel` over the stemmed texts of the units (as the
    full-text index stores them), with the unit-length vector of each unit.

    The saved files record the parameters in `SAVED_PARAMS`; the others are TextModel's
    defaults (words only, float32, every unit in the SVD), which search always uses.
    """

    def fit_units(self, unit_ids: list[int], unit_texts: list[str]) -> SemanticModel:
        """Fit on stemmed, space-separated unit texts (as stored in the FTS index)."""
        self.unit_vectors_ = self.fit_transform(unit_texts)
        self.unit_ids_ = np.asarray(unit_ids, dtype=np.int64)
        return self

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
        """Write the model beside `db_path`; ModelError (one line) when it cannot."""
        modelfile.write(
            db_path,
            {
                "idf": self.idf_,
                "components": self.components_,
                "unit_ids": self.unit_ids_,
                "unit_vectors": self.unit_vectors_,
            },
            {
                "generation": generation,
                "folded": folded,
                "n_components": int(self.components_.shape[0]),
                "params": {name: getattr(self, name) for name in SAVED_PARAMS},
                "vocabulary": self.terms_,
            },
        )

    @classmethod
    def load(cls, db_path: str) -> tuple[SemanticModel, dict[str, Any]] | None:
        """The saved model and its metadata; None when there is none.

        Raises ModelError (one line, with advice) when a file is there but unusable."""
        found = modelfile.read(db_path)
        if found is None:
            return None
        meta, vocab, arrays = found
        model = cls(**meta["params"]).restore(vocab, arrays["idf"], arrays["components"])
        model.unit_ids_ = arrays["unit_ids"]
        model.unit_vectors_ = arrays["unit_vectors"]
        return model, meta


_MODEL_CACHE: dict[str, tuple[tuple, tuple[SemanticModel, dict[str, Any]] | None, str | None]] = {}


def _signature(db_path: str) -> tuple:
    out = []
    for path in model_paths(db_path):
        try:
            st = os.stat(path)
            out.append((st.st_mtime_ns, st.st_size, st.st_ino))
        except OSError:
            out.append(None)
    return tuple(out)


def _cached(store: Store) -> tuple[tuple[SemanticModel, dict[str, Any]] | None, str | None]:
    sig = _signature(store.path)
    hit = _MODEL_CACHE.get(store.path)
    if hit is None or hit[0] != sig:
        try:
            loaded, problem = SemanticModel.load(store.path), None
        except ModelError as exc:
            loaded, problem = None, str(exc)
        hit = (sig, loaded, problem)
        _MODEL_CACHE[store.path] = hit  # a broken pair is not reread on every query
    return hit[1], hit[2]


def load_model(store: Store) -> tuple[SemanticModel, dict[str, Any]] | None:
    """The saved LSA model beside `store` (cached per file change); None when there is no
    usable one (`model_problem` says why, when a file is there but broken)."""
    return _cached(store)[0]


def model_problem(store: Store) -> str | None:
    """Why the model beside `store` cannot be used (one line with advice), or None."""
    return _cached(store)[1]


def keeps_personal_data(store: Store) -> bool:
    """True when the database was indexed with --keep-personal-data (`Store.personal_data`)."""
    return store.personal_data == "kept"


def _remove_model(db_path: str) -> None:
    """Delete the model files (links and files only: a folder in their place is the user's,
    and saving then fails with one line)."""
    for path in model_paths(db_path):
        if os.path.lexists(path) and not os.path.isdir(path):
            os.unlink(path)


def fit_store(
    store: Store, *, progress: Callable[[int, int | None], None] | None = None, **params: Any
) -> dict[str, Any]:
    """Fit the model on everything in `store` and save it beside the database.

    Personnummer are masked in the fitted texts (so no vocabulary entry holds one) unless
    the database keeps personal data. Returns what was done; a failure to fit or to save
    is {"fitted": False, "reason": one line}, never an exception. `progress(done, total)`
    hears of each unit read, then of the fit and the save (two more steps)."""
    t0 = time.perf_counter()
    report = progress or (lambda done, total: None)
    total = store.counts()["units"] + 2
    unit_ids: list[int] = []
    texts: list[str] = []
    owners: list[int] = []
    mask = None
    if not keeps_personal_data(store):
        from nlp_motioner.privacy import mask
    for unit_id, doc_id, text in store.iter_unit_texts():
        unit_ids.append(unit_id)
        owners.append(doc_id)
        # The index holds "191212 1212" for 19121212-1212: the mask sees the space form too.
        texts.append(mask(text) if mask is not None else text)
        if len(texts) % 500 == 0:
            report(len(texts), total)
    report(len(texts), total)
    generation = store.generation
    model = SemanticModel(**params)
    try:
        model.fit_units(unit_ids, texts)
        report(len(texts) + 1, total)
        model.save(store.path, generation=generation)
        report(total, total)
    except ValueError as exc:
        _remove_model(store.path)
        return {"fitted": False, "reason": str(exc)}
    except ModelError as exc:
        return {"fitted": False, "reason": str(exc)}
    return {
        "fitted": True,
        "units": len(unit_ids),
        "documents": len(set(owners)),
        "dimensions": int(model.components_.shape[0]),
        "vocabulary": len(model.vocabulary_),
        "seconds": round(time.perf_counter() - t0, 2),
    }


def update_store(
    store: Store,
    *,
    max_folded: float = 0.2,
    progress: Callable[[int, int | None], None] | None = None,
    **params: Any,
) -> dict[str, Any]:
    """Bring the saved model up to date with `store` as cheaply as is sound.

    Units added since the last fit are folded in (projected with the fitted vocabulary and
    components), and removed units dropped; the model is refitted from scratch when there
    is none yet, or when the folded-in units since the last fit exceed `max_folded` of all.
    `progress(done, total)` hears of the units as they are read (see `fit_store`).
    """
    t0 = time.perf_counter()
    try:
        loaded = SemanticModel.load(store.path)
    except ModelError:  # broken files: a refit replaces them (re-indexing repairs the model)
        _remove_model(store.path)
        loaded = None
    if loaded is None:
        return {**fit_store(store, progress=progress, **params), "mode": "fitted"}
    model, meta = loaded
    ids = np.fromiter(
        (r[0] for r in store.conn.execute("SELECT id FROM units ORDER BY id")), dtype=np.int64
    )
    known = np.isin(ids, model.unit_ids_)
    new_ids = ids[~known]
    folded = int(meta.get("folded", 0)) + int(new_ids.size)
    if ids.size == 0 or folded > max_folded * ids.size:
        return {**fit_store(store, progress=progress, **params), "mode": "fitted"}
    vectors = np.zeros((ids.size, model.components_.shape[0]), dtype=np.float32)
    if known.any():
        vectors[known] = model.unit_vectors_[np.searchsorted(model.unit_ids_, ids[known])]
    if new_ids.size:
        new_rows = {int(u): i for i, u in enumerate(ids) if not known[i]}
        for unit_id, _, text in store.iter_unit_texts(new_ids.tolist()):
            vectors[new_rows[unit_id]] = model.transform_tokens(text.split())
    model.unit_ids_ = ids
    model.unit_vectors_ = vectors
    try:
        model.save(store.path, generation=store.generation, folded=folded)
    except ModelError as exc:
        return {"fitted": False, "reason": str(exc), "mode": "folded"}
    return {
        "fitted": True,
        "mode": "folded",
        "units": int(ids.size),
        "new_units": int(new_ids.size),
        "dimensions": int(model.components_.shape[0]),
        "vocabulary": len(model.vocabulary_),
        "seconds": round(time.perf_counter() - t0, 2),
    }
