"""The shipped CAP model at tagging time: the classifier's arithmetic in plain numpy.

`CapClassifier` (cap.py) needs scikit-learn and scipy to fit; importing them costs about
two CPU seconds, which every tagging worker would pay before its first file. Predicting
is only a sparse dot product, so the per-file function scores with `CapScorer` instead:
the same features (character n-grams as scikit-learn's `char_wb` analyzer cuts them,
sublinear tf-idf, the committee and word-list blocks, each L2-normalised and weighted),
the same weights, calibration and abstention. `tests/topics/test_scorer.py` checks that
both give the same probabilities.

The model files are read and checked here (`read_cap_files`), for both.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nlp_motioner.modelfile import ModelFileError, check_fields, read_json, read_npz
from nlp_motioner.topics.lexicon import (
    LexiconMatcher,
    committee_tokens,
    committees_of,
    lexicon_text,
)

if TYPE_CHECKING:
    import numpy as np

__all__ = ["CapScorer", "read_cap_files", "FORMAT_VERSION", "MODEL_JSON", "MODEL_NPZ", "ADVICE"]

FORMAT_VERSION = 1
MODEL_JSON = "cap.json"
MODEL_NPZ = "cap.npz"
ADVICE = "`make models` rebuilds the shipped CAP model"
_SPACES = re.compile(r"\s\s+")
# Distinct words whose n-gram rows a scorer keeps (some 30 MiB when full; then it starts
# over).
_WORD_CACHE_SIZE = 100_000


def _string_lists(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(s, str) for s in value)


def read_cap_files(folder: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(meta, arrays) of a saved CAP model, checked; ModelFileError (one line) otherwise."""
    folder = Path(folder)
    jpath = folder / MODEL_JSON
    meta = read_json(jpath, advice=ADVICE)
    check_fields(
        meta,
        {
            "format": lambda v: v == FORMAT_VERSION,
            "params": dict,
            "classes": lambda v: (
                isinstance(v, list)
                and len(v) >= 2
                and all(isinstance(c, int) and not isinstance(c, bool) for c in v)
            ),
            "temperature": lambda v: isinstance(v, (int, float)) and 0 < v < 1e6,
            "threshold": lambda v: isinstance(v, (int, float)) and 0 <= v <= 1,
            "vocabulary": _string_lists,
            "lexicon": lambda v: isinstance(v, dict) and all(_string_lists(t) for t in v.values()),
            "committee_rules": lambda v: (
                isinstance(v, dict)
                and all(
                    isinstance(t, dict) and all(_string_lists(s) for s in t.values())
                    for t in v.values()
                )
            ),
        },
        path=jpath,
        advice=ADVICE,
    )
    arrays = read_npz(
        folder / MODEL_NPZ,
        {"coef": ("f", 2), "intercept": ("f", 1), "idf": ("f", 1)},
        advice=ADVICE,
    )
    n_classes, n_vocab = len(meta["classes"]), len(meta["vocabulary"])
    n_comm = sum(len(t) for t in meta["committee_rules"].values())
    n_feats = 2 * n_vocab + n_comm + len(meta["lexicon"])
    if (
        arrays["coef"].shape != (n_classes, n_feats)
        or arrays["intercept"].shape != (n_classes,)
        or arrays["idf"].shape != (n_vocab,)
        or len(set(meta["vocabulary"])) != n_vocab
    ):
        raise ModelFileError(
            f"{folder / MODEL_NPZ}: arrays do not fit {jpath.name}; delete it and refit ({ADVICE})"
        )
    return meta, arrays


# Defaults of the feature blocks, one place for the classifier, its feature transformer
# and this scorer (a saved model carries its own values in `params`).
TITLE_WEIGHT = 1.0
DECISION_WEIGHT = 0.6
COMMITTEE_WEIGHT = 0.5
LEXICON_WEIGHT = 1.0
NGRAM_RANGE = (2, 5)
BODY_CHARS = 1000


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """Character n-grams inside word boundaries, cut as scikit-learn's `char_wb` analyzer
    cuts them (lower-cased; a word shorter than n gives one padded n-gram)."""
    out: list[str] = []
    for word in _SPACES.sub(" ", text.lower()).split():
        out.extend(_word_ngrams(word, low, high))
    return out


def _word_ngrams(word: str, low: int, high: int) -> list[str]:
    """The n-grams of one lower-cased word, padded with a space on each side."""
    w = f" {word} "
    length = len(w)
    out: list[str] = []
    for n in range(low, high + 1):
        if length <= n:  # the padded word is no longer than n: counted once
            out.append(w)
            break
        out.extend([w[i : i + n] for i in range(length - n + 1)])
    return out


class CapScorer:
    """CAP topic probabilities of CapInput dicts from a saved model (no scikit-learn)."""

    def __init__(self, meta: dict[str, Any], arrays: dict[str, Any]) -> None:
        import numpy as np

        params = meta["params"]
        self.classes_ = np.array(meta["classes"], dtype=np.int64)
        self.temperature_ = float(meta["temperature"])
        self.threshold_ = float(meta["threshold"])
        self.meta_ = {k: v for k, v in meta.items() if k not in ("vocabulary", "lexicon")}
        self._vocab = {t: i for i, t in enumerate(meta["vocabulary"])}
        self._idf = np.asarray(arrays["idf"], dtype=np.float32).astype(np.float64)
        coef = np.asarray(arrays["coef"], dtype=np.float32).astype(np.float64)
        n = len(self._vocab)
        weights = {
            "title": float(params.get("title_weight", TITLE_WEIGHT)),
            "decision": float(params.get("decision_weight", DECISION_WEIGHT)),
            "committee": float(params.get("committee_weight", COMMITTEE_WEIGHT)),
            "lexicon": float(params.get("lexicon_weight", LEXICON_WEIGHT)),
        }
        rules = meta["committee_rules"]
        keys = sorted(f"{g}_{k}" for g, table in rules.items() for k in table)
        self._committee_rules = rules
        self._committee_index = {k: i for i, k in enumerate(keys)}
        self._matcher = LexiconMatcher(meta["lexicon"])
        # One block of weights per feature block, each scaled by the block's weight, stored
        # feature-major so that the rows of a text's features are gathered in one step.
        self._w_title = np.ascontiguousarray((coef[:, :n] * weights["title"]).T)
        self._w_decision = np.ascontiguousarray((coef[:, n : 2 * n] * weights["decision"]).T)
        self._w_committee = np.ascontiguousarray(
            (coef[:, 2 * n : 2 * n + len(keys)] * weights["committee"]).T
        )
        self._w_lexicon = np.ascontiguousarray(
            (coef[:, 2 * n + len(keys) :] * weights["lexicon"]).T
        )
        self._intercept = np.asarray(arrays["intercept"], dtype=np.float32).astype(np.float64)
        self._ngrams = tuple(params.get("ngram_range", NGRAM_RANGE))
        self._body_chars = int(params.get("body_chars", BODY_CHARS))
        # word -> the vocabulary rows of its n-grams. Cutting n-grams one slice at a time
        # was most of the topics stage; the words of administrative text repeat within a
        # document and across a batch, so each is cut once per worker.
        self._word_rows: dict[str, tuple[int, ...]] = {}
        self._committee_cache: dict[str, list[str]] = {}

    @classmethod
    def load(cls, folder: str | os.PathLike[str]) -> CapScorer:
        meta, arrays = read_cap_files(folder)
        return cls(meta, arrays)

    def _decision(self, x: dict[str, Any]) -> str:
        text = str(x.get("decision") or "").strip()
        return text or str(x.get("body") or "")[: self._body_chars]

    def _tfidf(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(feature rows, l2-normalised sublinear tf-idf values) of a text's n-grams."""
        import numpy as np

        counts = Counter(self._rows(text))
        idx = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        vals = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
        vals *= self._idf[idx]
        norm = float(np.sqrt(vals @ vals)) if len(vals) else 0.0
        return idx, (vals / norm if norm > 0 else vals)

    def _rows(self, text: str) -> list[int]:
        """The vocabulary row of every n-gram of `text` that is in the vocabulary, with
        repeats: the n-grams `char_wb_ngrams` cuts, looked up one word at a time."""
        cache = self._word_rows
        if len(cache) > _WORD_CACHE_SIZE:
            cache.clear()  # a bound on memory in a long-lived worker
        rows: list[int] = []
        # `str.split()` and the analyzer's `\s` agree on what is white space, so splitting
        # the lower-cased text gives the words `char_wb_ngrams` pads.
        for word in text.lower().split():
            found = cache.get(word)
            if found is None:
                vocab = self._vocab
                found = cache[word] = tuple(
                    vocab[g] for g in _word_ngrams(word, *self._ngrams) if g in vocab
                )
            rows.extend(found)
        return rows

    def _committee_keys(self, name: str) -> list[str]:
        # A batch names the same few bodies over and over: each is read once.
        found = self._committee_cache.get(name)
        if found is None:
            found = self._committee_cache[name] = committee_tokens(name, self._committee_rules)
        return found

    def decision_function(self, X: list[dict[str, Any]]) -> np.ndarray:
        import numpy as np

        out = np.tile(self._intercept, (len(X), 1))
        for r, x in enumerate(X):
            for weights, text in (
                (self._w_title, str(x.get("title") or "")),
                (self._w_decision, self._decision(x)),
            ):
                idx, vals = self._tfidf(text)
                if len(idx):
                    out[r] += vals @ weights[idx]
            keys = {k for name in committees_of(x) for k in self._committee_keys(name)}
            cols = [self._committee_index[k] for k in keys if k in self._committee_index]
            if cols:
                out[r] += self._w_committee[cols].sum(axis=0) / math.sqrt(len(cols))
            counts = self._matcher.column_counts(lexicon_text(x, self._decision(x)))
            if counts:
                vals = np.asarray(_unit([1.0 + math.log(n) for n in counts.values()]))
                out[r] += vals @ self._w_lexicon[list(counts)]
        return out

    def predict_proba(self, X: list[dict[str, Any]]) -> np.ndarray:
        import numpy as np

        z = self.decision_function(list(X)) / self.temperature_
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X: list[dict[str, Any]]) -> np.ndarray:
        return self.classes_[self.decision_function(list(X)).argmax(axis=1)]

    def predict_topic(self, X: list[dict[str, Any]]) -> list[tuple[int | None, float | None]]:
        """(topic, probability) per unit; (None, None) where the model abstains."""
        X = list(X)
        if not X:
            return []
        proba = self.predict_proba(X)
        out: list[tuple[int | None, float | None]] = []
        for row in proba:
            j = int(row.argmax())
            p = float(row[j])
            out.append(
                (None, None) if p < self.threshold_ else (int(self.classes_[j]), round(p, 3))
            )
        return out


def _unit(values: list[float]) -> list[float]:
    norm = math.sqrt(sum(v * v for v in values))
    return [v / norm for v in values] if norm > 0 else values
