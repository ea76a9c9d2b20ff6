"""The decision-sentence model: the outcome of a decisive text that no rule reads.

A multinomial logistic regression over TF-IDF word unigrams and bigrams, trained on the
silver decision quotes of a case file and hand-labelled § items of another organisation's
minutes (`decision_train.py`; `make models` names the files). The rules run first and
decide wherever they find an outcome word or an approval verb; the model is asked only
about the rest, and its answer counts only at or above the probability threshold chosen
on a precision-recall curve (stored with the model). Below it, the tagger abstains.

Inference is plain numpy (no scikit-learn import), and the model is two plain files:
`decision_model.npz` (arrays, loaded with allow_pickle=False) and `decision_model.json`
(vocabulary, classes, threshold, versions). A missing or damaged model means rules only.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is imported when a model is loaded, not when tagging starts
    import numpy as np

__all__ = ["DecisionModel", "predict", "analyze", "mode", "MODEL_FORMAT", "NONE"]

MODEL_FORMAT = 1
NONE = "none"  # the class of texts that state no outcome
_TOKEN = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
# How much of a decisive text the model reads: its first sentences, like a quote.
_CHARS = 300
_MAX_VOCAB = 200_000
# A text with fewer known words than this ("Se bilaga.") gives the model nothing to go on.
_MIN_TERMS = 4

# "both" (rules, then the model), "rules" or "model": `motioner eval --outcome-mode`.
_MODE = {"value": "both"}


def analyze(text: str) -> list[str]:
    """Tokens and bigrams of a decisive text, as the model sees them."""
    words = [w.lower() for w in _TOKEN.findall(text[:_CHARS])]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


@dataclass
class DecisionModel:
    """TF-IDF + logistic regression weights with the vocabulary they index."""

    vocabulary: dict[str, int]
    idf: np.ndarray  # (n_terms,)
    coef: np.ndarray  # (n_classes, n_terms)
    intercept: np.ndarray  # (n_classes,)
    classes: list[str]
    threshold: float
    meta: dict[str, Any]

    def proba(self, text: str) -> np.ndarray:
        import numpy as np

        counts = Counter(t for t in analyze(text) if t in self.vocabulary)
        scores = self.intercept.astype(np.float64).copy()
        if counts:
            idx = np.fromiter((self.vocabulary[t] for t in counts), dtype=np.int64)
            tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64)
            values = tf * self.idf[idx]
            norm = float(np.sqrt((values**2).sum()))
            if norm > 0:
                scores += self.coef[:, idx] @ (values / norm)
        scores -= scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()

    def predict(self, text: str) -> tuple[str | None, float]:
        """(outcome or None, probability); None below the threshold, for the `none` class, or
        for a text with too few known words to judge."""
        if sum(1 for t in analyze(text) if t in self.vocabulary and " " not in t) < _MIN_TERMS:
            return None, 0.0
        p = self.proba(text)
        k = int(p.argmax())
        label = self.classes[k]
        if label == NONE or p[k] < self.threshold:
            return None, float(p[k])
        return label, float(p[k])

    def save(self, folder: str | Path) -> None:
        import numpy as np

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        terms = sorted(self.vocabulary, key=self.vocabulary.get)
        np.savez_compressed(
            folder / "decision_model.npz",
            idf=self.idf.astype(np.float32),
            coef=self.coef.astype(np.float32),
            intercept=self.intercept.astype(np.float32),
        )
        info = {
            "format": MODEL_FORMAT,
            "classes": self.classes,
            "threshold": self.threshold,
            "terms": terms,
            "meta": self.meta,
        }
        (folder / "decision_model.json").write_text(
            json.dumps(info, ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
        )

    @classmethod
    def load(cls, folder: str | Path) -> DecisionModel:
        """Load and validate; raises ValueError with a one-line reason on any mismatch."""
        import numpy as np

        folder = Path(folder)
        npz, js = folder / "decision_model.npz", folder / "decision_model.json"
        for path in (npz, js):
            if not path.is_file():
                raise ValueError(f"{path}: missing or not a regular file")
        try:
            info = json.loads(js.read_text(encoding="utf-8"))
            with np.load(npz, allow_pickle=False) as arrays:
                idf, coef, intercept = arrays["idf"], arrays["coef"], arrays["intercept"]
        except (OSError, ValueError, KeyError, UnicodeDecodeError) as exc:
            raise ValueError(f"{folder}: unreadable decision model ({exc})") from exc
        if not isinstance(info, dict) or info.get("format") != MODEL_FORMAT:
            raise ValueError(
                f"{folder}: decision model of another format; rebuild with make models"
            )
        terms, classes = info.get("terms"), info.get("classes")
        threshold = info.get("threshold")
        if not (isinstance(terms, list) and all(isinstance(t, str) for t in terms)):
            raise ValueError(f"{folder}: decision model terms are not a list of strings")
        if not (isinstance(classes, list) and all(isinstance(c, str) for c in classes)):
            raise ValueError(f"{folder}: decision model classes are not a list of strings")
        if not isinstance(threshold, (int, float)) or not 0.0 <= threshold <= 1.0:
            raise ValueError(f"{folder}: decision model threshold is not a probability")
        n, k = len(terms), len(classes)
        if len(terms) > _MAX_VOCAB or idf.shape != (n,) or coef.shape != (k, n):
            raise ValueError(f"{folder}: decision model arrays do not fit its vocabulary")
        if intercept.shape != (k,) or not all(np.isfinite(a).all() for a in (idf, coef, intercept)):
            raise ValueError(f"{folder}: decision model arrays are malformed")
        return cls(
            {t: i for i, t in enumerate(terms)},
            idf.astype(np.float64),
            coef.astype(np.float64),
            intercept.astype(np.float64),
            list(classes),
            float(threshold),
            dict(info.get("meta") or {}),
        )


def model_folder() -> Path:
    """Where the shipped model lives (inside the package, so installs carry it)."""
    return Path(str(resources.files("nlp_motioner").joinpath("taggers", "models")))


@lru_cache(maxsize=1)
def _shipped() -> DecisionModel | None:
    try:
        return DecisionModel.load(model_folder())
    except ValueError:
        return None  # no model: the rules decide alone


def predict(text: str) -> str | None:
    """The model's outcome for a text the rules did not read, or None (abstain)."""
    if _MODE["value"] == "rules":
        return None
    model = _shipped()
    return model.predict(text)[0] if model else None


def active_mode() -> str:
    return _MODE["value"]


@contextmanager
def mode(value: str) -> Iterator[None]:
    """Temporarily decide outcomes by "rules", "model" or "both" (for evaluation)."""
    if value not in ("rules", "model", "both"):
        raise ValueError(f"unknown outcome mode {value!r}")
    old, _MODE["value"] = _MODE["value"], value
    try:
        yield
    finally:
        _MODE["value"] = old
