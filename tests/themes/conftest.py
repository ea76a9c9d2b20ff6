from __future__ import annotations

from pathlib import Path

import pytest

from nlp_motioner.themes import fit_themes, units_from_paths


@pytest.fixture(scope="session")
def bundled_units(corpus: Path) -> list[dict]:
    return units_from_paths(
        [corpus / "alingsas", corpus / "seeds", corpus / "riksdagen", corpus / "remisser"]
    )


@pytest.fixture(scope="session")
def bundled_model(bundled_units):
    return fit_themes(bundled_units, k="auto")


@pytest.fixture(scope="session")
def dev_model(shared_corpus: Path, corpus: Path):
    units = units_from_paths([shared_corpus / "alingsas", corpus / "seeds"])
    return fit_themes(units, k="auto")
