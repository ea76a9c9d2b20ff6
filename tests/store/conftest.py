from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from nlp_motioner.cli import main


def index(db: Path, *paths: str | Path, extra: tuple[str, ...] = ()):
    """Run `motioner index` in-process (one worker, no timeout: fast and deterministic)."""
    args = ["index", *map(str, paths), "--db", str(db), "--jobs", "1", "--timeout", "0", *extra]
    return CliRunner().invoke(main, args)


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="session")
def run_index():
    return index


@pytest.fixture(scope="session")
def run_cli():
    return cli


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory, corpus) -> Path:
    """The bundled corpus indexed once for the read-only tests."""
    db = tmp_path_factory.mktemp("db") / "motioner.db"
    result = index(db, corpus)
    # Two bundled files cannot be read (a scan without text layer, an HTML error page).
    assert result.exit_code == 1, result.output
    return db


@pytest.fixture()
def corpus_copy(tmp_path, corpus) -> Path:
    dest = tmp_path / "corpus"
    shutil.copytree(corpus, dest)
    return dest
