from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not (SHARED / "alingsas").is_dir():
        pytest.skip("../shared/corpus is not present")
    return SHARED


def one_document_db(db: Path, source: str, text: str, item_title: str, tags) -> Path:
    """A store holding one text document with one § item (3, "2024.001 KS") over its text."""
    from nlp_motioner.record import Document, Item
    from nlp_motioner.store import Store

    item = Item(3, ["2024.001 KS"], item_title, 0, len(text), 1)
    with Store(db) as store:
        store.put(Document(source=source, file_kind="text", text=text, items=[item], tags=tags))
    return db
