"""Saving and loading theme models: themes.npz (arrays) + themes.json (vocabulary, themes,
units, versions). Nothing in the files can run code; everything read is checked (types,
shapes, regular files, finite numbers) and a folder that fails gets one ModelFileError line
that says to delete it and refit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from nlp_motioner.modelfile import (
    ModelFileError,
    check_fields,
    check_params,
    library_versions,
    read_json,
    read_npz,
    write_model,
)
from nlp_motioner.themes.model import LemmaText, ThemeClusterer

__all__ = ["FORMAT_VERSION", "IncompatibleModelError", "load_model", "previous_model", "save_model"]

FORMAT_VERSION = 2
MODEL_JSON = "themes.json"
MODEL_NPZ = "themes.npz"
ADVICE = "`motioner themes fit` writes a new one"


class IncompatibleModelError(ModelFileError):
    """A saved theme model that this version cannot use (the message says what to do)."""


def versions() -> dict[str, str]:
    return {**library_versions(), "format": str(FORMAT_VERSION)}


def save_model(self: Any, folder: str | os.PathLike[str]) -> Path:
    """Write themes.npz and themes.json; an OSError (full disk) leaves an older model as it was."""
    c = self.clusterer
    arrays = {
        "idf": np.asarray(c.text_.idf_, dtype=np.float64),
        "components": np.asarray(c.text_.components_, dtype=np.float64),
        "centroids": np.asarray(c.centroids_, dtype=np.float64),
        "seed_vectors": c.seed_vectors_.toarray(),
        "scores": self.scores.astype(np.float32),
    }
    units = self.units.copy()
    units["year"] = units["year"].astype(object).where(units["year"].notna(), None)
    meta = {
        "versions": self.versions,
        "corpus_hash": self.corpus_hash,
        "params": {
            k: (list(v) if isinstance(v, tuple) else v)
            for k, v in c.get_params().items()
            if k != "seeds"
        },
        "k": int(c.k_),
        "k_scores": {str(k): v for k, v in getattr(c, "k_scores_", {}).items()},
        "cap_dims": int(c.cap_dims_),
        "cap_classes": self.cap_classes,
        "cap_threshold": float(self.cap_threshold),
        "terms": [str(t) for t in c.text_.terms_],
        "seed_names": list(c.seed_names_),
        "names": sorted(self.lemma.names_) if hasattr(self.lemma, "names_") else [],
        "display": self.display,
        "themes": [{**t, "id": i} for t, i in zip(c.themes_, self.ids)],
        "units": _json_records(units),
    }
    return write_model(folder, MODEL_JSON, meta, MODEL_NPZ, arrays)


def load_model(cls: Any, folder: str | os.PathLike[str]) -> Any:
    """A saved model. A missing, incompatible, damaged or crafted folder raises
    ModelFileError (IncompatibleModelError for another version) with one line of advice."""
    folder = Path(folder)
    jpath, npath = folder / MODEL_JSON, folder / MODEL_NPZ
    if not os.path.lexists(jpath) and not os.path.lexists(npath):
        raise FileNotFoundError(f"no theme model in {folder} (run `motioner themes fit` first)")
    meta = read_json(jpath, advice=ADVICE)
    if not isinstance(meta, dict) or not isinstance(meta.get("versions"), dict):
        raise ModelFileError(f"{jpath}: not a theme model; delete it and refit ({ADVICE})")
    _check_versions(meta["versions"], folder)
    return _restore(cls, meta, jpath, npath)


def previous_model(folder: str | os.PathLike[str]) -> Any:
    """The model already in `folder`, whose theme IDs a refit reuses; None when there is
    none or it cannot be loaded (an unusable old model only loses its IDs)."""
    from nlp_motioner.themes.api import ThemeModel

    if not (Path(folder) / "themes.json").exists():
        return None
    try:
        return ThemeModel.load(folder)
    except (ModelFileError, FileNotFoundError):
        return None


def _json_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return json.loads(df.to_json(orient="records", force_ascii=False))


def _check_versions(saved: dict[str, Any], folder: Path) -> None:
    mine = versions()
    problems = []
    if saved.get("format") != mine["format"]:
        problems.append(f"model format {saved.get('format')} (this version reads {mine['format']})")
    if saved.get("spacy_lookups_data") != mine["spacy_lookups_data"]:
        problems.append(
            f"lemmas from spacy-lookups-data {saved.get('spacy_lookups_data')} "
            f"(installed: {mine['spacy_lookups_data']})"
        )
    if str(saved.get("nlp_motioner", "")).split(".")[:2] != mine["nlp_motioner"].split(".")[:2]:
        problems.append(
            f"nlp_motioner {saved.get('nlp_motioner')} (this is {mine['nlp_motioner']})"
        )
    if problems:
        raise IncompatibleModelError(
            f"the theme model in {folder} is incompatible: "
            + "; ".join(problems)
            + ". Refit it with `motioner themes fit`."
        )


def _is_str_list(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


_THEME_KEYS = {
    "index": int,
    "id": str,
    "name": str,
    "label": str,
    "seeded": bool,
    "terms": _is_str_list,
    "size": int,
    "signature": lambda v: (
        isinstance(v, dict)
        and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v.values())
    ),
}


def _restore(cls: Any, meta: dict[str, Any], jpath: Path, npath: Path) -> Any:
    check_fields(
        meta,
        {
            "corpus_hash": str,
            "params": dict,
            "k": int,
            "cap_dims": int,
            "terms": _is_str_list,
            "seed_names": _is_str_list,
            "names": _is_str_list,
            "display": lambda v: (
                isinstance(v, dict) and all(isinstance(x, str) for x in v.values())
            ),
            "themes": lambda v: isinstance(v, list) and all(isinstance(t, dict) for t in v),
            "units": lambda v: isinstance(v, list) and all(isinstance(u, dict) for u in v),
            "cap_classes": lambda v: (
                v is None
                or (
                    isinstance(v, list)
                    and all(isinstance(c, int) and not isinstance(c, bool) for c in v)
                )
            ),
        },
        path=jpath,
        advice=ADVICE,
    )
    for t in meta["themes"]:
        check_fields(t, _THEME_KEYS, path=jpath, advice=ADVICE)
    arrays = read_npz(
        npath,
        {
            "idf": ("f", 1),
            "components": ("f", 2),
            "centroids": ("f", 2),
            "seed_vectors": ("f", 2),
            "scores": ("f", 2),
        },
        advice=ADVICE,
    )
    k, V = meta["k"], len(meta["terms"])
    n_units, n_seeds = len(meta["units"]), len(meta["seed_names"])
    dims = arrays["components"].shape[0] + meta["cap_dims"] + n_seeds
    bad = (
        arrays["idf"].shape != (V,)
        or arrays["components"].shape[1] != V
        or arrays["centroids"].shape != (k, dims)
        or arrays["seed_vectors"].shape != (n_seeds, V)
        or arrays["scores"].shape != (n_units, k)
        or len(meta["themes"]) != k
        or sorted(t["index"] for t in meta["themes"]) != list(range(k))
        or len({t["id"] for t in meta["themes"]}) != k
        or len(set(meta["terms"])) != V
        or (meta["cap_dims"] and len(meta["cap_classes"] or []) != meta["cap_dims"])
    )
    units = pd.DataFrame(meta["units"])
    if not bad and n_units:
        need = {"id", "main_index", "theme", "theme_name", "score", "secondary", "year"}
        bad = (
            not need <= set(units.columns)
            or not units["main_index"].map(lambda v: isinstance(v, int) and 0 <= v < k).all()
        )
    if bad:
        raise ModelFileError(
            f"{jpath}: the arrays and the description do not fit; delete it and refit ({ADVICE})"
        )
    defaults = {p: v for p, v in ThemeClusterer().get_params().items() if p != "seeds"}
    params = check_params(meta["params"], defaults, path=jpath, advice=ADVICE)
    c = ThemeClusterer(**params, seeds=[])
    c.text_ = c._text_model().restore(meta["terms"], arrays["idf"], arrays["components"])
    c.centroids_ = arrays["centroids"]
    c.seed_vectors_ = sp.csr_matrix(arrays["seed_vectors"])
    c.seed_names_ = list(meta["seed_names"])
    c.cap_dims_ = int(meta["cap_dims"])
    c.k_ = k
    c.k_scores_ = {int(x): v for x, v in (meta.get("k_scores") or {}).items() if str(x).isdigit()}
    c.themes_ = sorted(
        ({key: v for key, v in t.items() if key != "id"} for t in meta["themes"]),
        key=lambda t: t["index"],
    )
    ids = [t["id"] for t in sorted(meta["themes"], key=lambda t: t["index"])]
    if "year" in units:
        units["year"] = units["year"].astype("Int64")
    c.labels_ = units["main_index"].to_numpy() if n_units else np.array([], dtype=int)
    lemma = LemmaText()
    lemma.names_ = frozenset(meta["names"])
    lemma.surface_ = dict(meta["display"])
    model = cls(
        c,
        ids,
        units,
        arrays["scores"].astype(np.float64),
        meta["corpus_hash"],
        meta["versions"],
        lemma,
        meta["cap_classes"],
        dict(meta["display"]),
    )
    model.cap_threshold = float(meta["cap_threshold"])
    return model
