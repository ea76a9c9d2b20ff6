"""Fixtures over the hand-made case file (casefile.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from casefile import case_documents
from click.testing import CliRunner

from nlp_motioner.store import Store


@pytest.fixture()
def case_db(tmp_path) -> Path:
    db = tmp_path / "case.db"
    with Store(db) as store:
        for doc in case_documents():
            store.put(doc)
    return db


@pytest.fixture()
def case_db_with_model(case_db) -> Path:
    from nlp_motioner.search.semantic import fit_store

    with Store(case_db) as store:
        info = fit_store(store)
    assert info["fitted"], info
    return case_db


@pytest.fixture(scope="session")
def run_cli():
    from nlp_motioner.cli import main

    return lambda *args: CliRunner().invoke(main, list(args))
