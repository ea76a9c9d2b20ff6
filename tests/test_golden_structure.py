"""Golden structure of every bundled real document: sections (heading, role), § items.

Each expected file in tests/golden/ was reviewed by reading its document; how, and what is
still known to be wrong, is in tests/golden/README.md. Regenerate them only on purpose,
after reading the diff against the document:
    MOTIONER_REGEN_GOLDEN=1 pytest tests/test_golden_structure.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import nlp_motioner
from nlp_motioner.batch import iter_files

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLDEN = Path(__file__).resolve().parent / "golden"
REGEN = os.environ.get("MOTIONER_REGEN_GOLDEN") == "1"

DOCUMENTS = sorted(
    os.path.relpath(p, CORPUS)
    for p in iter_files([CORPUS])
    if not p.endswith((".jsonl", "README.md"))
)


def _summary(rel: str) -> dict:
    doc = nlp_motioner.parse(CORPUS / rel)
    out: dict = {"source": rel, "kind": doc.file_kind, "page_count": doc.page_count}
    if doc.error:
        out["error"] = doc.error
        return out
    out["sections"] = [[s.heading, s.role] for s in doc.sections if not doc.items]
    out["items"] = [
        {
            "paragraph": it.paragraph,
            "diarienummer": it.diarienummer,
            "title": it.title,
            # The pages the item runs over: a wrong boundary moves them.
            "pages": [it.page, doc.page_at(max(it.start, it.end - 1))],
            "sections": [[s.heading, s.role] for s in it.sections],
        }
        for it in doc.items
    ]
    if doc.items:
        out["front_matter"] = [
            [s.heading, s.role] for s in doc.sections if s.end <= doc.items[0].start
        ]
    return out


def _golden_path(rel: str) -> Path:
    return GOLDEN / (rel.replace("/", "__")[:150] + ".json")


def test_enough_real_documents():
    assert len(DOCUMENTS) >= 12


@pytest.mark.parametrize("rel", DOCUMENTS)
def test_golden(rel: str):
    got = _summary(rel)
    path = _golden_path(rel)
    if REGEN:
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert path.exists(), (
        f"no golden file for {rel}; run with MOTIONER_REGEN_GOLDEN=1 and review it"
    )
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert got == expected
