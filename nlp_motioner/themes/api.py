"""Themes over a corpus: units (documents and § items) -> a fitted, saved, reusable model.

    >>> from nlp_motioner.themes import fit_themes, units_from_paths    # doctest: +SKIP
    >>> model = fit_themes(units_from_paths(["corpus/"]), k="auto")
    >>> model.themes()            # DataFrame: id, name, label, seeded, size, terms, top_units
    >>> model.assignments()       # DataFrame: one row per unit, main theme + secondary themes
    >>> model.trends("party")     # DataFrame: year x party x theme counts
    >>> model.save("models/themes"); ThemeModel.load("models/themes")

A unit is a dict with `id` and `text` and optional metadata (`source`, `paragraph`, `title`,
`date`, `parties`, `outcome`, `organisation`, `doc_type`). Minutes contribute one unit per
§ item (the real unit of a case), other documents one unit each.

Stable IDs: seeded themes are identified by their name's slug; other themes get `t01`,
`t02`, ... When a model is refitted with `previous=`, each new theme takes the ID of the old
theme whose term signature it matches best (cosine >= `MATCH_MIN`, one-to-one), so saved
references survive refits; themes without a match get fresh IDs.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from nlp_motioner import __version__
from nlp_motioner.themes.model import LemmaText, ThemeClusterer, slugify

__all__ = [
    "FORMAT_VERSION",
    "IncompatibleModelError",
    "MATCH_MIN",
    "ThemeModel",
    "corpus_hash",
    "fit_themes",
    "units_from_documents",
    "units_from_paths",
    "units_from_cases",
    "units_from_store",
]

FORMAT_VERSION = 1
MATCH_MIN = 0.3
MODEL_JSON = "themes.json"
MODEL_NPZ = "themes.npz"
UNIT_FIELDS = (
    "source",
    "paragraph",
    "title",
    "date",
    "parties",
    "outcome",
    "organisation",
    "doc_type",
)


class IncompatibleModelError(Exception):
    """A saved theme model that this version cannot use (the message says what to do)."""


# --------------------------------------------------------------------------- units


def units_from_documents(docs: Iterable[Any], *, max_chars: int = 20000) -> list[dict[str, Any]]:
    """Theme units from processed `Document`s: one per § item of minutes, else one per document."""
    units: list[dict[str, Any]] = []
    for doc in docs:
        if getattr(doc, "error", None) or not doc.text.strip():
            continue
        tags = doc.tags
        base = {
            "source": doc.source,
            "paragraph": None,
            "title": (tags.title if tags else None) or Path(doc.source).stem,
            "date": tags.date if tags else None,
            "parties": list(tags.parties) if tags else [],
            "outcome": tags.outcome if tags else None,
            "organisation": tags.organisation if tags else None,
            "doc_type": tags.doc_type if tags else None,
        }
        if doc.items:
            for it in doc.items:
                t = it.tags
                units.append(
                    {
                        **base,
                        "id": f"{doc.source}#{it.paragraph}",
                        "paragraph": it.paragraph,
                        "title": (t.title if t and t.title else it.title) or base["title"],
                        "date": (t.date if t and t.date else None) or base["date"],
                        "parties": list(t.parties) if t and t.parties else base["parties"],
                        "outcome": t.outcome if t else None,
                        "organisation": (t.organisation if t and t.organisation else None)
                        or base["organisation"],
                        "text": (it.title + "\n" + doc.text[it.start : it.end])[:max_chars],
                    }
                )
        else:
            units.append({**base, "id": doc.source, "text": doc.text[:max_chars]})
    return units


def units_from_paths(
    paths: Sequence[str | os.PathLike[str]], *, jobs: int = 1
) -> list[dict[str, Any]]:
    """Read, structure and tag files (directories are walked) into theme units."""
    from nlp_motioner.batch import iter_files, run

    return units_from_documents(run(iter_files([os.fspath(p) for p in paths]), jobs=jobs))


def units_from_cases(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Theme units from a case file in the format of `arenden.json`: one per case.

    The text is the title plus the quotes of the case's steps, as `motioner eval themes`
    uses; the date and outcome come from the case's last step with one.
    """
    from nlp_motioner.themes.evaluate import case_text

    with open(path, encoding="utf-8-sig") as fh:
        data = json.load(fh)
    if isinstance(data, dict):
        data = data.get("arenden") or data.get("cases") or list(data.values())
    units: list[dict[str, Any]] = []
    for case in data if isinstance(data, list) else []:
        if not isinstance(case, dict) or not case.get("id"):
            continue
        steps = [s for s in case.get("steps") or [] if isinstance(s, dict)]
        dated = [s for s in steps if s.get("date")]
        decided = [s for s in steps if s.get("decision")]
        parties = sorted(
            {str(i.get("party")) for i in case.get("initiators") or [] if i.get("party")}
        )
        units.append(
            {
                "id": str(case["id"]),
                "source": str(path),
                "paragraph": None,
                "title": case.get("title"),
                "date": dated[-1]["date"] if dated else None,
                "parties": parties,
                "outcome": decided[-1]["decision"] if decided else None,
                "organisation": None,
                "doc_type": case.get("initiativ_typ"),
                "text": case_text(case),
            }
        )
    return units


def units_from_store(
    db: str | os.PathLike[str] | None = None, *, max_chars: int = 20000
) -> list[dict[str, Any]]:
    """Theme units from the corpus database: § items of minutes, and documents without items."""
    from nlp_motioner.store import default_db_path, iter_rows

    path = db if db is not None else default_db_path()
    docs = {r["id"]: r for r in iter_rows(path, "documents", mask=False)}
    units: list[dict[str, Any]] = []
    with_items: set[Any] = set()
    for it in iter_rows(path, "items", mask=False):
        d = docs.get(it.get("document_id"), {})
        with_items.add(it.get("document_id"))
        units.append(
            {
                "id": f"{it.get('source') or d.get('source')}#{it.get('paragraph')}",
                "source": it.get("source") or d.get("source"),
                "paragraph": it.get("paragraph"),
                "title": it.get("title") or d.get("title"),
                "date": it.get("date") or d.get("date"),
                "parties": it.get("parties") or d.get("parties") or [],
                "outcome": it.get("outcome"),
                "organisation": it.get("organisation") or d.get("organisation"),
                "doc_type": it.get("doc_type") or d.get("doc_type"),
                "text": ((it.get("title") or "") + "\n" + (it.get("text") or ""))[:max_chars],
            }
        )
    for doc_id, d in docs.items():
        if doc_id in with_items or not (d.get("text") or "").strip():
            continue
        units.append(
            {
                "id": d["source"],
                "source": d["source"],
                "paragraph": None,
                "title": d.get("title"),
                "date": d.get("date"),
                "parties": d.get("parties") or [],
                "outcome": d.get("outcome"),
                "organisation": d.get("organisation"),
                "doc_type": d.get("doc_type"),
                "text": d["text"][:max_chars],
            }
        )
    return units


def corpus_hash(units: Sequence[dict[str, Any]]) -> str:
    """A hash of the units' ids and texts, order-independent."""
    h = hashlib.sha256()
    for uid, text in sorted((str(u["id"]), u.get("text") or "") for u in units):
        h.update(uid.encode("utf-8") + b"\0" + hashlib.sha256(text.encode("utf-8")).digest())
    return h.hexdigest()


def _year(date: Any) -> int | None:
    if isinstance(date, str) and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


# --------------------------------------------------------------------------- model


def _versions() -> dict[str, str]:
    import sklearn
    import spacy

    try:
        from importlib.metadata import version

        lookups = version("spacy-lookups-data")
    except Exception:  # pragma: no cover
        lookups = "unknown"
    return {
        "nlp_motioner": __version__,
        "format": str(FORMAT_VERSION),
        "spacy": spacy.__version__,
        "spacy_lookups_data": lookups,
        "scikit_learn": sklearn.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


def _signature_cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    na = sum(w * w for w in a.values()) ** 0.5
    nb = sum(w * w for w in b.values()) ** 0.5
    return dot / (na * nb) if na and nb else 0.0


def _assign_ids(themes: list[dict[str, Any]], previous: list[dict[str, Any]] | None) -> list[str]:
    """Stable IDs: seeded themes by slug; others by best signature match to the previous model."""
    ids: list[str | None] = [slugify(t["name"]) if t["seeded"] else None for t in themes]
    old = [t for t in (previous or []) if not t.get("seeded")]
    free = [i for i, t in enumerate(themes) if ids[i] is None]
    if old and free:
        from scipy.optimize import linear_sum_assignment

        sim = np.array(
            [[_signature_cosine(themes[i]["signature"], o["signature"]) for o in old] for i in free]
        )
        rows, cols = linear_sum_assignment(-sim)
        for r, c in zip(rows, cols):
            if sim[r, c] >= MATCH_MIN:
                ids[free[r]] = old[c]["id"]
    used = {i for i in ids if i} | {t["id"] for t in previous or []}
    n = 1
    for i in free:
        if ids[i] is None:
            while f"t{n:02d}" in used:
                n += 1
            ids[i] = f"t{n:02d}"
            used.add(ids[i])
    return [str(i) for i in ids]


class ThemeModel:
    """A fitted theme model plus the units it was fitted on (with their assignments)."""

    def __init__(
        self,
        clusterer: ThemeClusterer,
        ids: list[str],
        units: pd.DataFrame,
        scores: np.ndarray,
        corpus_hash: str,
        versions: dict[str, str] | None = None,
    ) -> None:
        self.clusterer = clusterer
        self.ids = ids
        self.units = units
        self.scores = scores
        self.corpus_hash = corpus_hash
        self.versions = versions or _versions()

    # ---- views

    @property
    def theme_list(self) -> list[dict[str, Any]]:
        return [{**t, "id": i} for t, i in zip(self.clusterer.themes_, self.ids)]

    def name_of(self, theme_id: str) -> str:
        for t in self.theme_list:
            if t["id"] == theme_id:
                return t["name"]
        raise KeyError(theme_id)

    def themes(self, top: int = 5) -> pd.DataFrame:
        """One row per theme, largest first: id, name, label, seeded, size, terms, top_units."""
        rows = []
        main = self.units["main_index"].to_numpy() if len(self.units) else np.array([], dtype=int)
        for t in self.theme_list:
            members = np.flatnonzero(main == t["index"])
            best = members[np.argsort(-self.scores[members, t["index"]], kind="stable")][:top]
            rows.append(
                {
                    "id": t["id"],
                    "name": t["name"],
                    "label": t["label"],
                    "seeded": t["seeded"],
                    "size": t["size"],
                    "terms": t["terms"],
                    "top_units": [str(self.units.iloc[i]["id"]) for i in best],
                }
            )
        df = pd.DataFrame(
            rows, columns=["id", "name", "label", "seeded", "size", "terms", "top_units"]
        )
        return df.sort_values(["size", "id"], ascending=[False, True], kind="stable").reset_index(
            drop=True
        )

    def assignments(self) -> pd.DataFrame:
        """One row per unit: metadata, `year`, `theme` (main ID), `theme_name`, `score`, `secondary`."""
        return self.units.drop(columns=["main_index"]).copy()

    def _rows_for(self, scores: np.ndarray, main: np.ndarray | None = None) -> list[dict[str, Any]]:
        if main is None:
            main = scores.argmax(axis=1) if len(scores) else np.array([], dtype=int)
        sec = self.clusterer.secondary(scores, main)
        out = []
        for m, row, s in zip(main, scores, sec):
            out.append(
                {
                    "main_index": int(m),
                    "theme": self.ids[int(m)],
                    "theme_name": self.clusterer.themes_[int(m)]["name"],
                    "score": round(float(row[m]), 4),
                    "secondary": [
                        {
                            "theme": self.ids[i],
                            "name": self.clusterer.themes_[i]["name"],
                            "score": v,
                        }
                        for i, v in s
                    ],
                }
            )
        return out

    def assign(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """Place new texts in the fitted themes without refitting."""
        scores = self.clusterer.transform(LemmaText().transform(list(texts)))
        rows = self._rows_for(scores)
        for r in rows:
            r.pop("main_index")
        return rows

    def trends(
        self, by: str = "party", per: str = "year", *, secondary: bool = False
    ) -> pd.DataFrame:
        """Counts of units per period x group x theme (long format: period, group, theme, name, count).

        `by` is party, outcome or organisation; a unit with several parties counts once for each.
        With `secondary=True` a unit also counts for its secondary themes.
        """
        if by not in ("party", "outcome", "organisation"):
            raise ValueError(f"by must be party, outcome or organisation, not {by!r}")
        if per != "year":
            raise ValueError("per must be year")
        df = self.assignments()
        col = {"party": "parties", "outcome": "outcome", "organisation": "organisation"}[by]
        rows = []
        for rec in df.itertuples(index=False):
            rec = rec._asdict()
            groups = rec[col] if col == "parties" else [rec[col]]
            groups = [g for g in (groups or []) if g] or ["(okänd)"]
            themes = [(rec["theme"], rec["theme_name"])]
            if secondary:
                themes += [(s["theme"], s["name"]) for s in rec["secondary"]]
            for g in groups:
                for tid, name in themes:
                    rows.append({"period": rec["year"], "group": g, "theme": tid, "name": name})
        out = pd.DataFrame(rows, columns=["period", "group", "theme", "name"])
        if out.empty:
            return out.assign(count=pd.Series(dtype=int))
        out["period"] = out["period"].astype("Int64")
        return (
            out.groupby(["period", "group", "theme", "name"], dropna=False)
            .size()
            .rename("count")
            .reset_index()
            .sort_values(["period", "group", "count"], ascending=[True, True, False], kind="stable")
            .reset_index(drop=True)
        )

    # ---- persistence (npz + json: nothing in the files can run code)

    def save(self, folder: str | os.PathLike[str]) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        c = self.clusterer
        arrays = {
            "idf": c.idf_,
            "components": c.components_,
            "centroids": c.centroids_,
            "seed_vectors": c.seed_vectors_.toarray(),
            "scores": self.scores.astype(np.float32),
        }
        meta = {
            "versions": self.versions,
            "corpus_hash": self.corpus_hash,
            "params": {
                k: (list(v) if isinstance(v, tuple) else v)
                for k, v in c.get_params().items()
                if k != "seeds"
            },
            "k": int(c.k_),
            "terms": [str(t) for t in c.terms_],
            "seed_names": list(c.seed_names_),
            "themes": self.theme_list,
            "units": json.loads(self.units.to_json(orient="records", force_ascii=False)),
        }
        tmp_json, tmp_npz = folder / (MODEL_JSON + ".tmp"), folder / (MODEL_NPZ + ".tmp.npz")
        np.savez_compressed(tmp_npz, **arrays)
        tmp_json.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp_npz, folder / MODEL_NPZ)
        os.replace(tmp_json, folder / MODEL_JSON)
        return folder

    @classmethod
    def load(cls, folder: str | os.PathLike[str]) -> ThemeModel:
        folder = Path(folder)
        jpath, npath = folder / MODEL_JSON, folder / MODEL_NPZ
        if not jpath.exists() or not npath.exists():
            raise FileNotFoundError(f"no theme model in {folder} (run `motioner themes fit` first)")
        meta = json.loads(jpath.read_text(encoding="utf-8"))
        saved = meta.get("versions", {})
        mine = _versions()
        problems = []
        if saved.get("format") != mine["format"]:
            problems.append(
                f"model format {saved.get('format')} (this version reads {mine['format']})"
            )
        if saved.get("spacy_lookups_data") != mine["spacy_lookups_data"]:
            problems.append(
                f"lemmas from spacy-lookups-data {saved.get('spacy_lookups_data')} (installed: {mine['spacy_lookups_data']})"
            )
        if saved.get("nlp_motioner", "").split(".")[:2] != mine["nlp_motioner"].split(".")[:2]:
            problems.append(
                f"nlp_motioner {saved.get('nlp_motioner')} (this is {mine['nlp_motioner']})"
            )
        if problems:
            raise IncompatibleModelError(
                f"the theme model in {folder} is incompatible: "
                + "; ".join(problems)
                + ". Refit it with `motioner themes fit`."
            )
        with np.load(npath, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        params = dict(meta["params"])
        for key in ("k_range", "ngram_range"):
            if key in params:
                params[key] = tuple(params[key])
        c = ThemeClusterer(**params, seeds=[])
        c.terms_ = np.array(meta["terms"], dtype=object)
        c.vocabulary_ = {t: i for i, t in enumerate(meta["terms"])}
        c.idf_ = arrays["idf"]
        c.components_ = arrays["components"]
        c.centroids_ = arrays["centroids"]
        c.seed_vectors_ = sp.csr_matrix(arrays["seed_vectors"])
        c.seed_names_ = list(meta["seed_names"])
        c.k_ = int(meta["k"])
        c.themes_ = [{k: v for k, v in t.items() if k != "id"} for t in meta["themes"]]
        ids = [t["id"] for t in meta["themes"]]
        units = pd.DataFrame(meta["units"])
        if "year" in units:
            units["year"] = units["year"].astype("Int64")
        c.labels_ = units["main_index"].to_numpy() if len(units) else np.array([], dtype=int)
        return cls(c, ids, units, arrays["scores"].astype(np.float64), meta["corpus_hash"], saved)


def fit_themes(
    units: Sequence[dict[str, Any]] | pd.DataFrame,
    *,
    k: int | str = "auto",
    seeds: Any = None,
    previous: ThemeModel | None = None,
    **params: Any,
) -> ThemeModel:
    """Fit themes over units (dicts with `id`, `text` and optional metadata).

    `previous` keeps theme IDs stable across refits (see module docstring).
    """
    if isinstance(units, pd.DataFrame):
        units = units.to_dict(orient="records")
    # Sorted by ID, so the same units give the same themes whatever order they come in.
    units = sorted((u for u in units if (u.get("text") or "").strip()), key=lambda u: str(u["id"]))
    lemmas = LemmaText().transform([u["text"] for u in units])
    clusterer = ThemeClusterer(k=k, seeds=seeds, **params)
    scores = clusterer.fit_transform(lemmas)
    ids = _assign_ids(clusterer.themes_, previous.theme_list if previous else None)
    # The main theme is the k-means cluster; scores are cosines to each theme's centre.
    main = clusterer.labels_
    probe = ThemeModel(clusterer, ids, pd.DataFrame(), scores, "")
    rows = probe._rows_for(scores, main)
    records = []
    for u, r in zip(units, rows):
        rec = {"id": str(u["id"])}
        for f in UNIT_FIELDS:
            v = u.get(f)
            rec[f] = list(v or []) if f == "parties" else v
        rec["parties"] = rec["parties"] or []
        rec["year"] = _year(rec["date"])
        records.append({**rec, **r})
    df = pd.DataFrame(
        records,
        columns=[
            "id",
            *UNIT_FIELDS,
            "year",
            "main_index",
            "theme",
            "theme_name",
            "score",
            "secondary",
        ],
    )
    df["year"] = df["year"].astype("Int64")
    return ThemeModel(clusterer, ids, df, scores, corpus_hash(units))
