"""The semantic model's two files beside a database, written atomically and read with checks.

``<db>.lsa.npz`` holds the arrays (idf, components, unit ids, unit vectors) and
``<db>.lsa.json`` the vocabulary and parameters; both carry one fit id, so a pair from two
fits is refused. Reading checks everything before use: regular files only (a FIFO or a
device is never opened), sizes (an archive may not expand beyond itself), JSON types,
array types and shapes, finite values, ordered unit ids. A failure is a ModelError whose
message is one line ending in the advice to delete the files and refit.
"""

from __future__ import annotations

import json
import os
import stat
import uuid
import zipfile
from typing import Any

import numpy as np

__all__ = ["ModelError", "model_paths", "write", "read", "FORMAT_VERSION"]

FORMAT_VERSION = 1
# Largest JSON file read (a vocabulary of 200,000 stems is about 3 MB).
MAX_JSON_BYTES = 256 * 2**20
_PARAM_TYPES = {
    "n_components": int,
    "min_df": (int, float),
    "max_df": (int, float),
    "max_features": int,
    "random_state": int,
}


class ModelError(Exception):
    """The saved model cannot be used; the message is one line a user can act on."""


def _advice(db_path: str) -> str:
    npz, js = model_paths(db_path)
    return f"delete {npz} and {js} and run `motioner index` to refit"


def model_paths(db_path: str) -> tuple[str, str]:
    return db_path + ".lsa.npz", db_path + ".lsa.json"


def write(db_path: str, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    """Save `arrays` and `meta` beside `db_path` (temp files renamed into place)."""
    npz_path, json_path = model_paths(db_path)
    # Both files carry the same id: a run killed between the two renames leaves a pair
    # that `read` refuses instead of mixing a new matrix with an old vocabulary.
    fit_id = uuid.uuid4().hex
    meta = {"format": FORMAT_VERSION, "fit_id": fit_id, **meta}
    tmp_npz = npz_path + ".part.npz"
    tmp_json = json_path + ".part"
    try:
        np.savez(tmp_npz, **arrays, fit_id=np.array(fit_id))
        with open(tmp_json, "w", encoding="utf-8") as fh:
            json.dump(meta, fh, ensure_ascii=False)
        os.replace(tmp_npz, npz_path)
        os.replace(tmp_json, json_path)
    except OSError as exc:  # a full disk or a read-only folder: no half-written files
        for path in (tmp_npz, tmp_json):
            if os.path.lexists(path):
                os.unlink(path)
        raise ModelError(f"cannot save the semantic model beside {db_path}: {exc}") from None


def read(db_path: str) -> tuple[dict[str, Any], list[str], dict[str, np.ndarray]] | None:
    """(metadata, vocabulary, arrays) of the saved model; None when there is none.

    Raises ModelError (one line, with advice) when a file is there but unusable."""
    npz_path, json_path = model_paths(db_path)
    present = [os.path.lexists(p) for p in (npz_path, json_path)]
    if not any(present):
        return None
    try:
        return _read_checked(npz_path, json_path, present)
    except ModelError as exc:
        raise ModelError(f"semantic model beside {db_path}: {exc}; {_advice(db_path)}") from None


def _read_checked(
    npz_path: str, json_path: str, present: list[bool]
) -> tuple[dict[str, Any], list[str], dict[str, np.ndarray]]:
    if not all(present):
        missing = json_path if present[0] else npz_path
        raise ModelError(f"{os.path.basename(missing)} is missing")
    sizes = [_regular_size(p) for p in (npz_path, json_path)]
    if sizes[1] > MAX_JSON_BYTES:
        raise ModelError(f"{os.path.basename(json_path)} is too large ({sizes[1]} bytes)")
    try:
        with open(json_path, encoding="utf-8") as fh:
            meta = json.load(fh)
    except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
        raise ModelError(f"{os.path.basename(json_path)} is not valid JSON ({exc})") from None
    _, vocab = _check_meta(meta)
    arrays = _read_npz(npz_path, sizes[0])
    if str(arrays.pop("fit_id")) != meta["fit_id"]:
        raise ModelError("the two files come from different fits")
    _check_arrays(arrays, len(vocab))
    return meta, vocab, arrays


def _regular_size(path: str) -> int:
    try:
        st = os.stat(path)
    except OSError as exc:
        raise ModelError(f"cannot read {os.path.basename(path)} ({exc.strerror})") from None
    if not stat.S_ISREG(st.st_mode):
        raise ModelError(f"{os.path.basename(path)} is not a regular file")
    return st.st_size


def _check_meta(meta: Any) -> tuple[dict[str, Any], list[str]]:
    if not isinstance(meta, dict):
        raise ModelError("the JSON file does not hold an object")
    if meta.get("format") != FORMAT_VERSION:
        raise ModelError(f"unknown format {meta.get('format')!r} (expected {FORMAT_VERSION})")
    if not isinstance(meta.get("fit_id"), str):
        raise ModelError("the JSON file has no fit id")
    for key in ("generation", "folded"):
        if not isinstance(meta.get(key, 0), int) or isinstance(meta.get(key, 0), bool):
            raise ModelError(f"'{key}' is not an integer")
    params = meta.get("params")
    if not isinstance(params, dict) or set(params) != set(_PARAM_TYPES):
        raise ModelError("'params' is missing or has unknown keys")
    for key, types in _PARAM_TYPES.items():
        if isinstance(params[key], bool) or not isinstance(params[key], types):
            raise ModelError(f"parameter '{key}' has the wrong type")
    vocab = meta.get("vocabulary")
    if not isinstance(vocab, list) or not all(isinstance(t, str) for t in vocab):
        raise ModelError("'vocabulary' is not a list of words")
    if len(set(vocab)) != len(vocab):
        raise ModelError("'vocabulary' repeats a word")
    return params, vocab


_ARRAYS = {
    "idf": (np.float32, 1),
    "components": (np.float32, 2),
    "unit_ids": (np.int64, 1),
    "unit_vectors": (np.float32, 2),
    "fit_id": (np.str_, 0),
}


def _read_npz(path: str, size: int) -> dict[str, np.ndarray]:
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            # np.savez stores arrays uncompressed: members larger than the file itself are
            # a compressed (or crafted) archive that could expand without bound.
            if sum(m.file_size for m in members) > size + 2**20:
                raise ModelError(f"{os.path.basename(path)} expands beyond its size")
        out: dict[str, np.ndarray] = {}
        with np.load(path, allow_pickle=False) as data:
            names = set(data.files)
            if names != set(_ARRAYS):
                raise ModelError(f"{os.path.basename(path)} holds {sorted(names)}")
            for name, (dtype, ndim) in _ARRAYS.items():
                arr = data[name]
                if not np.issubdtype(arr.dtype, dtype) or arr.ndim != ndim:
                    raise ModelError(f"array '{name}' has type {arr.dtype}, {arr.ndim} dimensions")
                out[name] = arr
        return out
    except ModelError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise ModelError(f"{os.path.basename(path)} is not a readable array file ({exc})") from None


def _check_arrays(a: dict[str, np.ndarray], n_vocab: int) -> None:
    k, v = a["components"].shape
    n = a["unit_ids"].shape[0]
    if a["idf"].shape != (n_vocab,) or v != n_vocab:
        raise ModelError("the arrays do not fit the vocabulary")
    if k < 1 or a["unit_vectors"].shape != (n, k):
        raise ModelError("the unit vectors do not fit the components")
    if n > 1 and not np.all(np.diff(a["unit_ids"]) > 0):
        raise ModelError("the unit ids are not in order")
    for name in ("idf", "components", "unit_vectors"):
        if not np.all(np.isfinite(a[name])):
            raise ModelError(f"array '{name}' holds NaN or infinite values")
