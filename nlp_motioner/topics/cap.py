"""The CAP major-topic classifier: a linear SVM on `CapFeatures`, calibrated, able to abstain.

    >>> from nlp_motioner.topics import CapClassifier, load_cap_model      # doctest: +SKIP
    >>> model = CapClassifier().fit(inputs, labels, groups=title_groups)
    >>> model.predict_topic([{"title": "VA-taxa 2027", "decision": "Taxan antas."}])
    [(7, 0.93)]
    >>> model.save("models/cap"); load_cap_model("models/cap")

`fit` first runs a grouped cross-validation on the training data (`groups`: cases whose
titles are the same matter, so a recurring title never sits on both sides). From the
out-of-fold decision values it learns a temperature for the softmax (`temperature_`, so the
probabilities are calibrated), and the curve of accuracy against coverage for thresholds on
the top probability (`curve_`); `threshold_` is the lowest threshold whose out-of-fold
accuracy reaches `target_precision`. Below it the model abstains (topic None).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.svm import LinearSVC

from nlp_motioner.modelfile import check_params, library_versions, write_model
from nlp_motioner.topics.features import CapFeatures
from nlp_motioner.topics.inputs import CapInput
from nlp_motioner.topics.scorer import (
    ADVICE,
    COMMITTEE_WEIGHT,
    DECISION_WEIGHT,
    FORMAT_VERSION,
    LEXICON_WEIGHT,
    MODEL_JSON,
    MODEL_NPZ,
    TITLE_WEIGHT,
    read_cap_files,
)

__all__ = ["CapClassifier", "FORMAT_VERSION", "MODEL_JSON", "MODEL_NPZ"]

_ABSENT = -10.0  # decision value for a class a fold did not train on
_THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.0, 0.96, 0.05))

Progress = Callable[[int, int | None], None]


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class CapClassifier(ClassifierMixin, BaseEstimator):
    """CAP major topic of a unit (CapInput dicts), with calibrated probabilities."""

    def __init__(
        self,
        C: float = 0.5,
        title_weight: float = TITLE_WEIGHT,
        decision_weight: float = DECISION_WEIGHT,
        committee_weight: float = COMMITTEE_WEIGHT,
        lexicon_weight: float = LEXICON_WEIGHT,
        min_df: int = 2,
        cv: int = 5,
        target_precision: float = 0.9,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.title_weight = title_weight
        self.decision_weight = decision_weight
        self.committee_weight = committee_weight
        self.lexicon_weight = lexicon_weight
        self.min_df = min_df
        self.cv = cv
        self.target_precision = target_precision
        self.random_state = random_state

    # ---- fit

    def _features(self) -> CapFeatures:
        return CapFeatures(
            title_weight=self.title_weight,
            decision_weight=self.decision_weight,
            committee_weight=self.committee_weight,
            lexicon_weight=self.lexicon_weight,
            min_df=self.min_df,
        )

    def _fit_one(self, X: Sequence[CapInput], y: np.ndarray) -> tuple[CapFeatures, LinearSVC]:
        feats = self._features().fit(X)
        svm = LinearSVC(C=self.C, random_state=self.random_state)
        svm.fit(feats.transform(X), y)
        return feats, svm

    def _splits(
        self, y: np.ndarray, groups: Sequence[Any] | None
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        with warnings.catch_warnings():
            # Topics with fewer cases than folds are expected (energy, defence, ...).
            warnings.simplefilter("ignore", UserWarning)
            if groups is not None:
                cv = StratifiedGroupKFold(self.cv, shuffle=True, random_state=self.random_state)
                return list(cv.split(np.zeros(len(y)), y, groups))
            cv = StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state)
            return list(cv.split(np.zeros(len(y)), y))

    def out_of_fold(
        self,
        X: Sequence[CapInput],
        y: Sequence[int],
        groups: Sequence[Any] | None = None,
        progress: Progress | None = None,
    ) -> np.ndarray:
        """Decision values of each unit from a model that did not see it (classes_ order)."""
        y = np.asarray(y)
        classes = np.unique(y)
        out = np.full((len(y), len(classes)), _ABSENT)
        splits = self._splits(y, groups)
        for done, (train, test) in enumerate(splits):
            feats, svm = self._fit_one([X[i] for i in train], y[train])
            dec = _decision(svm, feats.transform([X[i] for i in test]))
            cols = np.searchsorted(classes, svm.classes_)
            out[np.ix_(test, cols)] = dec
            if progress:
                progress(done + 1, len(splits) + 1)
        return out

    def fit(
        self,
        X: Sequence[CapInput],
        y: Sequence[int],
        groups: Sequence[Any] | None = None,
        progress: Progress | None = None,
    ) -> CapClassifier:
        X = list(X)
        y = np.asarray(y, dtype=np.int64)
        if len(X) != len(y) or len(np.unique(y)) < 2:
            raise ValueError("need units with at least two different topics")
        self.classes_ = np.unique(y)
        if self.cv and self.cv > 1:
            oof = self.out_of_fold(X, y, groups, progress)
            self.temperature_ = _fit_temperature(oof, y, self.classes_)
            self.oof_proba_ = _softmax(oof / self.temperature_)
            self.curve_ = threshold_curve(self.oof_proba_, y, self.classes_)
            self.threshold_ = choose_threshold(self.curve_, self.target_precision)
        else:
            self.temperature_, self.threshold_, self.curve_ = 1.0, 0.0, []
        self.features_, svm = self._fit_one(X, y)
        self.coef_ = _as_multiclass(svm.coef_).astype(np.float32)
        self.intercept_ = _as_multiclass_intercept(svm.intercept_).astype(np.float32)
        if progress:
            progress(self.cv + 1 if self.cv and self.cv > 1 else 1, self.cv + 1 if self.cv else 1)
        return self

    # ---- use

    def decision_function(self, X: Sequence[CapInput]) -> np.ndarray:
        F = self.features_.transform(list(X))
        return np.asarray(F @ self.coef_.T.astype(np.float64)) + self.intercept_

    def predict_proba(self, X: Sequence[CapInput]) -> np.ndarray:
        return _softmax(self.decision_function(X) / self.temperature_)

    def predict(self, X: Sequence[CapInput]) -> np.ndarray:
        return self.classes_[self.decision_function(X).argmax(axis=1)]

    def predict_topic(self, X: Sequence[CapInput]) -> list[tuple[int | None, float | None]]:
        """(topic, probability) per unit; (None, None) where the model abstains."""
        X = list(X)
        if not X:
            return []
        proba = self.predict_proba(X)
        best = proba.argmax(axis=1)
        out: list[tuple[int | None, float | None]] = []
        for i, j in enumerate(best):
            p = float(proba[i, j])
            if p < self.threshold_:
                out.append((None, None))
            else:
                out.append((int(self.classes_[j]), round(p, 3)))
        return out

    # ---- persistence: npz (arrays) + json (vocabulary, word lists, calibration)

    def save(self, folder: str | os.PathLike[str], extra: dict[str, Any] | None = None) -> Path:
        feats = self.features_
        meta = {
            "format": FORMAT_VERSION,
            "versions": library_versions(),
            "params": self.get_params(),
            "classes": [int(c) for c in self.classes_],
            "temperature": float(self.temperature_),
            "threshold": float(self.threshold_),
            "curve": self.curve_,
            "vocabulary": feats.vocabulary,
            "lexicon": feats.lexicon_,
            "committee_rules": feats.committee_rules_,
            **(extra or {}),
        }
        arrays = {
            "coef": self.coef_.astype(np.float32),
            "intercept": self.intercept_.astype(np.float32),
            "idf": np.asarray(feats.vectorizer_.idf_, dtype=np.float32),
        }
        return write_model(folder, MODEL_JSON, meta, MODEL_NPZ, arrays)

    @classmethod
    def load(cls, folder: str | os.PathLike[str]) -> CapClassifier:
        """A saved model; a damaged or crafted folder raises ModelFileError (one line)."""
        jpath = Path(folder) / MODEL_JSON
        meta, arrays = read_cap_files(folder)
        params = check_params(meta["params"], cls().get_params(), path=jpath, advice=ADVICE)
        model = cls(**params)
        model.features_ = model._features().restore(
            meta["vocabulary"], arrays["idf"], meta["lexicon"], meta["committee_rules"]
        )
        model.classes_ = np.array(meta["classes"], dtype=np.int64)
        model.coef_ = arrays["coef"]
        model.intercept_ = arrays["intercept"]
        model.temperature_ = float(meta["temperature"])
        model.threshold_ = float(meta["threshold"])
        model.curve_ = meta.get("curve") or []
        model.meta_ = {k: v for k, v in meta.items() if k not in ("vocabulary", "lexicon")}
        return model


def _decision(svm: LinearSVC, F: Any) -> np.ndarray:
    dec = np.asarray(svm.decision_function(F))
    if dec.ndim == 1:  # two classes: one column for the second
        dec = np.column_stack([-dec, dec])
    return dec


def _as_multiclass(coef: np.ndarray) -> np.ndarray:
    return np.vstack([-coef[0], coef[0]]) if coef.shape[0] == 1 else coef


def _as_multiclass_intercept(b: np.ndarray) -> np.ndarray:
    return np.array([-b[0], b[0]]) if b.shape[0] == 1 else b


def _fit_temperature(dec: np.ndarray, y: np.ndarray, classes: np.ndarray) -> float:
    """The softmax temperature that minimises the out-of-fold log loss."""
    from scipy.optimize import minimize_scalar

    idx = np.searchsorted(classes, y)

    def nll(log_t: float) -> float:
        p = _softmax(dec / np.exp(log_t))
        return float(-np.log(np.clip(p[np.arange(len(y)), idx], 1e-12, 1.0)).mean())

    res = minimize_scalar(nll, bounds=(np.log(0.01), np.log(100.0)), method="bounded")
    return float(np.exp(res.x))


def threshold_curve(
    proba: np.ndarray, y: np.ndarray, classes: np.ndarray
) -> list[dict[str, float]]:
    """Coverage, accuracy and weighted F1 of the answered units, per probability threshold."""
    top = proba.max(axis=1)
    pred = classes[proba.argmax(axis=1)]
    rows = []
    for t in _THRESHOLDS:
        answered = top >= t
        n = int(answered.sum())
        rows.append(
            {
                "threshold": float(t),
                "coverage": round(n / len(y), 4) if len(y) else 0.0,
                "accuracy": round(float((pred[answered] == y[answered]).mean()), 4) if n else 0.0,
                "weighted_f1": round(
                    float(
                        f1_score(y[answered], pred[answered], average="weighted", zero_division=0)
                    ),
                    4,
                )
                if n
                else 0.0,
            }
        )
    return rows


def choose_threshold(curve: list[dict[str, float]], target: float) -> float:
    """The lowest threshold whose answered units reach `target` accuracy (else the best one)."""
    for row in curve:
        if row["coverage"] > 0 and row["accuracy"] >= target:
            return float(row["threshold"])
    answered = [r for r in curve if r["coverage"] > 0]
    return float(max(answered, key=lambda r: r["accuracy"])["threshold"]) if answered else 0.0
