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
