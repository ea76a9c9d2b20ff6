"""Themes over a corpus: units (documents, § items, cases) -> a fitted, saved, reusable model.

    >>> from nlp_motioner.themes import fit_themes, units_from_store       # doctest: +SKIP
    >>> model = fit_themes(units_from_store("motioner.db"), k="auto")
    >>> model.themes()            # DataFrame: id, name, label, seeded, size, terms, cap_topic, ...
    >>> model.assignments()       # one row per unit: metadata, main theme, secondary themes
    >>> model.trends("party", per="quarter")   # tidy: period, group, theme, name, count, share
    >>> model.save("models/themes"); ThemeModel.load("models/themes")

Procedural units (delegation reports, elections, meeting dates, oral information) are left
out of fitting unless `include_procedural=True`: they have no policy content and would form
themes of their own. Each unit's CAP topic probabilities (from the shipped CAP model, or
given as `cap_proba` on the units) are part of the clustering space, and each theme reports
its dominant CAP topic.

Stable IDs: seeded themes are identified by their name's slug; other themes get `t01`,
`t02`, ... When a model is refitted with `previous=`, each new theme takes the ID of the old
theme whose term signature it matches best (cosine >= `MATCH_MIN`, one-to-one).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nlp_motioner.themes.cap import cap_inputs, default_cap_model, unit_cap, unsure_to_zero
from nlp_motioner.themes.model import LemmaText, ThemeClusterer, slugify
from nlp_motioner.themes.persist import FORMAT_VERSION, IncompatibleModelError, versions
from nlp_motioner.themes.trends import trends as _trends
from nlp_motioner.themes.units import UNIT_FIELDS

__all__ = [
    "FORMAT_VERSION",
    "IncompatibleModelError",
    "MATCH_MIN",
    "ThemeModel",
    "corpus_hash",
    "fit_themes",
]

MATCH_MIN = 0.3
Progress = Callable[[int, int | None], None]


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
        versions_: dict[str, str] | None = None,
        lemma: LemmaText | None = None,
        cap_classes: list[int] | None = None,
        display: dict[str, str] | None = None,
    ) -> None:
        self.clusterer = clusterer
        self.ids = ids
        self.units = units
        self.scores = scores
        self.corpus_hash = corpus_hash
        self.versions = versions_ or versions()
        self.lemma = lemma or LemmaText()
        self.cap_classes = list(cap_classes) if cap_classes else None
        self.display = display or {}
        self.cap_threshold = 0.0

    # ---- views

    def _show(self, term: str) -> str:
        return " ".join(self.display.get(w, w) for w in term.split())

    @property
    def theme_list(self) -> list[dict[str, Any]]:
        from nlp_motioner.topics import cap_name

        out = []
        for t, i in zip(self.clusterer.themes_, self.ids):
            terms = [self._show(x) for x in t["terms"]]
            label = ", ".join(terms[: self.clusterer.n_label_terms])
            cap = t.get("cap_topic")
            out.append(
                {
                    **t,
                    "id": i,
                    "name": t["name"] if t["seeded"] else label,
                    "label": label,
                    "terms": terms,
                    "cap_topic": cap,
                    "cap_name": cap_name(cap),
                }
            )
        return out

    def themes(self, top: int = 5) -> pd.DataFrame:
        """One row per theme, largest first: id, name, label, seeded, size, terms, top_units,
        cap_topic, cap_name, cap_share."""
        cols = ["id", "name", "label", "seeded", "size", "terms", "top_units"]
        cols += ["cap_topic", "cap_name", "cap_share"]
        rows = []
        main = self.units["main_index"].to_numpy() if len(self.units) else np.array([], dtype=int)
        for t in self.theme_list:
            members = np.flatnonzero(main == t["index"])
            best = members[np.argsort(-self.scores[members, t["index"]], kind="stable")][:top]
            rows.append(
                {
                    **{c: t.get(c) for c in cols},
                    "top_units": [str(self.units.iloc[i]["id"]) for i in best],
                }
            )
        df = pd.DataFrame(rows, columns=cols)
        return df.sort_values(["size", "id"], ascending=[False, True], kind="stable").reset_index(
            drop=True
        )

    def assignments(self) -> pd.DataFrame:
        """One row per unit: metadata, `year`, `theme` (main ID), `theme_name`, `score`, `secondary`."""
        return self.units.drop(columns=["main_index"]).copy()

    def _rows_for(
        self,
        scores: np.ndarray,
        main: np.ndarray | None = None,
        lemmas: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        if main is None:
            main = scores.argmax(axis=1) if len(scores) else np.array([], dtype=int)
        names = [t["name"] for t in self.theme_list]
        sec = self.clusterer.secondary(scores, main)
        if lemmas is not None:
            sec = self._with_seed_matches(sec, scores, main, lemmas)
        out = []
        for m, row, s in zip(main, scores, sec):
            out.append(
                {
                    "main_index": int(m),
                    "theme": self.ids[int(m)],
                    "theme_name": names[int(m)],
                    "score": round(float(row[m]), 4),
                    "secondary": [
                        {"theme": self.ids[i], "name": names[i], "score": v} for i, v in s
                    ],
                }
            )
        return out

    def _with_seed_matches(
        self,
        sec: list[list[tuple[int, float]]],
        scores: np.ndarray,
        main: np.ndarray,
        lemmas: Sequence[str],
    ) -> list[list[tuple[int, float]]]:
        """A unit about a seeded theme's own terms ("seed_matches") has that theme at least as
        a secondary one, though its text placed it elsewhere: a text about trygghet that a
        policy area drew to another cluster is still about trygghet."""
        from nlp_motioner.themes.model import procedural_terms
        from nlp_motioner.themes.seeds import seed_matches

        by_name = {seed.name: seed for seed in self.clusterer._seed_list()}
        seeded = [
            (j, by_name[t["name"]])
            for j, t in enumerate(self.theme_list)
            if t.get("seeded") and t["name"] in by_name
        ]
        if not seeded:
            return sec
        match = seed_matches(list(lemmas), [seed for _, seed in seeded], procedural_terms())
        out = []
        for r, row in enumerate(sec):
            have = {i for i, _ in row} | {int(main[r])}
            extra = [
                (j, round(float(scores[r, j]), 4))
                for k, (j, _) in enumerate(seeded)
                if match[r, k] and j not in have
            ]
            out.append(row + sorted(extra, key=lambda p: -p[1]))
        return out

    def _cap_proba(self, units: Sequence[dict[str, Any]], model: Any = None) -> np.ndarray | None:
        """CAP probabilities in this model's column order (None when fitted without CAP)."""
        if not self.cap_classes or not self.clusterer.cap_dims_:
            return None
        model = model if model is not None else default_cap_model()
        P = np.zeros((len(units), len(self.cap_classes)))
        if model is None or not len(units):
            return P
        proba = model.predict_proba(cap_inputs(units))
        col = {int(c): j for j, c in enumerate(model.classes_)}
        for j, code in enumerate(self.cap_classes):
            if code in col:
                P[:, j] = proba[:, col[code]]
        return unsure_to_zero(P, self.cap_threshold)

    def assign(
        self, texts: Sequence[str] | None = None, *, units: Sequence[dict[str, Any]] | None = None
    ) -> list[dict[str, Any]]:
        """Place new texts (or units: dicts with `text` and optional `title`, `decision`,
        `committee`) in the fitted themes without refitting."""
        if units is None:
            units = [{"text": t} for t in texts or []]
        units = list(units)
        if not units:
            return []
        lemmas = self.lemma.transform([u.get("text") or "" for u in units])
        scores = self.clusterer.transform(lemmas, cap=self._cap_proba(units))
        rows = self._rows_for(scores, lemmas=lemmas)
        for r in rows:
            r.pop("main_index")
        return rows

    def trends(
        self, by: str = "party", per: str = "year", *, secondary: bool = False
    ) -> pd.DataFrame:
        """Counts and shares of units per period x group x theme (see `themes.trends`)."""
        from nlp_motioner.topics import cap_topics

        names = {c: v["sv"] for c, v in cap_topics().items()}
        return _trends(self.assignments(), by, per, secondary=secondary, cap_names=names)

    # ---- persistence (npz + json: nothing in the files can run code)

    def save(self, folder: str | os.PathLike[str]) -> Path:
        """Write themes.npz and themes.json; an OSError (full disk) leaves an older model as it was."""
        from nlp_motioner.themes.persist import save_model

        return save_model(self, folder)

    @classmethod
    def load(cls, folder: str | os.PathLike[str]) -> ThemeModel:
        """A saved model. A missing, incompatible, damaged or crafted folder raises
        ModelFileError (IncompatibleModelError for another version) with one line of advice."""
        from nlp_motioner.themes.persist import load_model

        return load_model(cls, folder)


def fit_themes(
    units: Sequence[dict[str, Any]] | pd.DataFrame,
    *,
    k: int | str = "auto",
    seeds: Any = None,
    previous: ThemeModel | None = None,
    cap_model: Any = "default",
    cap_classes: Sequence[int] | None = None,
    cap_threshold: float | None = None,
    include_procedural: bool = False,
    progress: Progress | None = None,
    **params: Any,
) -> ThemeModel:
    """Fit themes over units (dicts with `id`, `text` and optional metadata).

    CAP probabilities: units may carry `cap_proba` (a list in the order of `cap_classes`);
    otherwise `cap_model` gives them ("default": the shipped model; None: no CAP part).
    A unit whose best probability is below `cap_threshold` (default: the CAP model's own
    abstention threshold) gets no CAP part.
    `previous` keeps theme IDs stable across refits; `progress(done, total)` is called as the
    fit moves on (the k search reports each k tried).
    """
    if isinstance(units, pd.DataFrame):
        units = units.to_dict(orient="records")
    # Sorted by ID, so the same units give the same themes whatever order they come in.
    units = sorted((u for u in units if (u.get("text") or "").strip()), key=lambda u: str(u["id"]))
    if not include_procedural:
        units = [u for u in units if not u.get("procedural")]
    if len(units) < 3:
        raise ValueError(f"need at least 3 units with text to fit themes, got {len(units)}")
    P, classes, threshold = unit_cap(units, cap_model, cap_classes, cap_threshold)
    lemma = LemmaText()
    lemmas = lemma.fit_transform([u["text"] for u in units])
    clusterer = ThemeClusterer(k=k, seeds=seeds, **params)
    scores = clusterer.fit_transform(lemmas, cap=P, progress=progress, cap_classes=classes)
    ids = _assign_ids(clusterer.themes_, previous.theme_list if previous else None)
    words = {w for t in clusterer.themes_ for term in t["terms"] for w in term.split()}
    display = {w: lemma.surface_[w] for w in sorted(words) if w in lemma.surface_}
    model = ThemeModel(
        clusterer,
        ids,
        pd.DataFrame(),
        scores,
        "",
        lemma=lemma,
        cap_classes=classes,
        display=display,
    )
    rows = model._rows_for(scores, clusterer.labels_, lemmas)
    records = []
    for u, r in zip(units, rows):
        rec = {"id": str(u["id"])}
        for f in UNIT_FIELDS:
            v = u.get(f)
            rec[f] = list(v or []) if f in ("parties", "diarienummer", "referral_bodies") else v
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
    model.units = df
    model.corpus_hash = corpus_hash(units)
    return model
