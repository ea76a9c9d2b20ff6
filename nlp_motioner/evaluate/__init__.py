"""Score tags against gold label files (JSONL), the Python side of `motioner eval`.

A label line names a file relative to a root (by default the label file's
grandparent, i.e. the corpus folder). A line with `paragraph` labels one § item of a
protokoll; other lines label a whole document. A line with `unreadable` expects the
file's error record or doc_type `other`. A labelled file that does not exist is scored as a
blank record and listed in the report's `missing_files`.

    >>> from nlp_motioner.evaluate import evaluate
    >>> report = evaluate(["corpus/labels/dev-docs.jsonl"])
    >>> report["fields"]["outcome"]["accuracy"]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from nlp_motioner.evaluate.labels import load_labels, source_of
from nlp_motioner.evaluate.report import format_table
from nlp_motioner.evaluate.scoring import FIELDS, ITEM_FIELDS, score
from nlp_motioner.record import Document

__all__ = [
    "FIELDS",
    "ITEM_FIELDS",
    "load_labels",
    "source_of",
    "evaluate",
    "score",
    "format_table",
]


def evaluate(
    label_paths: Iterable[str | os.PathLike[str]],
    *,
    root: str | os.PathLike[str] | None = None,
    process: Callable[[str], Document] | None = None,
) -> dict[str, Any]:
    """Tag every labelled file once and score the tags (see `score` for the report's shape)."""
    if process is None:
        from nlp_motioner.pipeline import process as default_process

        process = default_process
    skipped: list[str] = []
    doc_labels, item_labels = load_labels(label_paths, root, skipped=skipped)
    records: dict[str, dict[str, Any]] = {}
    missing: list[str] = []
    for label in doc_labels + item_labels:
        path = label["_path"]
        if path in records:
            continue
        if not os.path.exists(path):
            # Scored as a blank record (every field wrong), and named in the report: a
            # wrong --root must not pass as a bad score.
            missing.append(path)
            records[path] = {"source": path, "missing": True, "items": []}
            continue
        try:
            records[path] = process(path).tag_record()
        except Exception as exc:  # a crash is scored as an error record, not raised
            records[path] = {"source": path, "error": f"{type(exc).__name__}: {exc}", "items": []}
    report = score(doc_labels, item_labels, records)
    report["files"] = len(records)
    report["skipped_label_files"] = skipped
    report["missing_files"] = missing
    sources = sorted({source_of(lab["name"]) for lab in doc_labels + item_labels})
    report["sources"] = {
        src: score(
            [lab for lab in doc_labels if source_of(lab["name"]) == src],
            [lab for lab in item_labels if source_of(lab["name"]) == src],
            records,
        )
        for src in sources
    }
    for sub in report["sources"].values():
        sub.pop("mistakes")
    return report
