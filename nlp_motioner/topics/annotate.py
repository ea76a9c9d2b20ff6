"""Put CAP topics and the procedural flag on Documents and case records.

The shipped model lives in `models/cap/` (rebuilt by `make models`); `MOTIONER_CAP_MODEL`
names another folder. Without a usable model the topics stay None (the procedural flag,
which is rules only, is still set).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from nlp_motioner.modelfile import ModelFileError
from nlp_motioner.record import Document, Tags
from nlp_motioner.topics.inputs import case_input, document_inputs
from nlp_motioner.topics.procedural import procedural_kind
from nlp_motioner.topics.scorer import CapScorer

__all__ = ["annotate", "cap_for_cases", "default_model_dir", "load_cap_model"]

_lock = threading.Lock()
_cache: dict[str, CapScorer | ModelFileError] = {}
_warned: set[str] = set()


def default_model_dir() -> Path:
    """`$MOTIONER_CAP_MODEL`, else `models/cap` of this checkout."""
    env = os.environ.get("MOTIONER_CAP_MODEL")
    if env:
        return Path(env)
    return _shipped_model_dir()


@lru_cache(maxsize=1)
def _shipped_model_dir() -> Path:
    # Resolved once: resolving walks the path with a system call per part, and every
    # document asks for the model.
    return Path(__file__).resolve().parents[2] / "models" / "cap"


def load_cap_model(folder: str | os.PathLike[str] | None = None) -> CapScorer:
    """The CAP model in `folder` (default: `default_model_dir()`), loaded once per process
    for scoring (plain numpy: a tagging worker never imports scikit-learn).

    Raises ModelFileError (one line, with advice) for a missing or damaged model.
    """
    path = str(Path(folder) if folder is not None else default_model_dir())
    with _lock:
        hit = _cache.get(path)
        if hit is None:
            try:
                hit = CapScorer.load(path)
            except ModelFileError as exc:
                hit = exc
            _cache[path] = hit
    if isinstance(hit, ModelFileError):
        raise hit
    return hit


def _model_or_none(model: CapScorer | None) -> CapScorer | None:
    if model is not None:
        return model
    try:
        return load_cap_model()
    except ModelFileError as exc:
        msg = str(exc)
        if msg not in _warned:  # once per process, not once per file
            _warned.add(msg)
            print(f"motioner: CAP topics left empty: {msg}", file=sys.stderr)
        return None


def annotate(doc: Document, model: CapScorer | None = None) -> Document:
    """Set `cap_topic`, `cap_score` and `procedural` on a tagged Document and its § items.

    Minutes (documents with § items) get topics per item; the whole minutes get None.
    """
    if doc.error or doc.tags is None:
        return doc
    doc_input, item_inputs = document_inputs(doc)
    for it in doc.items:
        if it.tags is None:
            it.tags = Tags(title=it.title, diarienummer=list(it.diarienummer))
    inputs = ([doc_input] if doc_input is not None else []) + item_inputs
    clf = _model_or_none(model)
    topics = (
        clf.predict_topic(inputs) if clf is not None and inputs else [(None, None)] * len(inputs)
    )
    targets = ([doc.tags] if doc_input is not None else []) + [it.tags for it in doc.items]
    for tags, x, (topic, score) in zip(targets, inputs, topics):
        tags.cap_topic, tags.cap_score = topic, score
        tags.procedural = procedural_kind(x["title"], x["decision"]) is not None
    if doc_input is None:
        doc.tags.cap_topic = doc.tags.cap_score = doc.tags.procedural = None
    return doc


def cap_for_cases(
    cases: Iterable[dict[str, Any]], model: CapScorer | None = None
) -> list[dict[str, Any]]:
    """{"id", "cap_topic", "cap_score", "procedural"} per case record (arenden.json format)."""
    cases = [c for c in cases if isinstance(c, dict)]
    inputs = [case_input(c) for c in cases]
    clf = _model_or_none(model)
    topics = (
        clf.predict_topic(inputs) if clf is not None and inputs else [(None, None)] * len(inputs)
    )
    return [
        {
            "id": str(c.get("id")),
            "cap_topic": topic,
            "cap_score": score,
            "procedural": procedural_kind(c.get("title"), x["decision"]) is not None,
        }
        for c, x, (topic, score) in zip(cases, inputs, topics)
    ]
