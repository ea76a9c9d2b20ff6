from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from nlp_motioner.pipeline import process
from nlp_motioner.record import Document

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
LABELS = CORPUS / "labels"


@cache
def tagged(relpath: str) -> Document:
    """A bundled corpus file, read, structured and tagged once per test session."""
    return process(CORPUS / relpath)


def labels(filename: str) -> list[dict]:
    with (LABELS / filename).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
