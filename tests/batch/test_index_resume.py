"""Kill `motioner index` with SIGKILL mid-run, run it again: the corpus is complete, nothing is
stored twice, and SQLite's integrity check passes. Real documents, a real subprocess."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

MOTIONER = Path(sys.executable).parent / "motioner"
COPIES = 6


def _count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0  # schema not created yet, or a write in progress


def _index(db: Path, root: Path, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [str(MOTIONER), "index", str(root), "--db", str(db), "--jobs", "1", "--no-semantic"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


@pytest.fixture
def archive(tmp_path, corpus) -> tuple[Path, int]:
    """The bundled corpus, linked in COPIES times under different paths (distinct sources)."""
    files = [
        p
        for p in sorted(corpus.rglob("*"))
        if p.is_file()
        and "labels" not in p.parts
        and p.name != "README.md"
        and not p.name.startswith(".")  # hidden files are never walked
    ]
    root = tmp_path / "arkiv"
    for i in range(COPIES):
        for f in files:
            target = root / f"kopia{i}" / f.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(f)
    return root, len(files) * COPIES


@pytest.mark.skipif(not MOTIONER.exists(), reason="the motioner script is not installed")
def test_index_killed_and_rerun_is_complete_without_duplicates(tmp_path, archive):
    root, n_files = archive
    db = tmp_path / "kommun.db"
    proc = _index(db, root)
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        stored = _count(db, "SELECT COUNT(*) FROM documents")
        if stored >= 10:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "index finished before it could be killed; add copies"
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    partial = _count(db, "SELECT COUNT(*) FROM documents")
    assert 10 <= partial < n_files

    rerun = _index(db, root)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode in (0, 1), err  # 1: the sample corpus holds a scan and an error page
    assert "Traceback" not in err
    assert f"{partial} unchanged" in out  # what was committed before the kill is kept

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        docs = conn.execute("SELECT COUNT(*), COUNT(DISTINCT source) FROM documents").fetchone()
        failed = {r[0] for r in conn.execute("SELECT source FROM failures")}
        stored_sources = {r[0] for r in conn.execute("SELECT source FROM documents")}
        dup_items = conn.execute(
            "SELECT COUNT(*) FROM (SELECT document_id, paragraph, COUNT(*) c FROM items "
            "GROUP BY document_id, start HAVING c > 1)"
        ).fetchone()[0]
    finally:
        conn.close()
    assert docs[0] == docs[1], "a source is stored twice"
    assert dup_items == 0
    # Every file is accounted for: stored, or recorded as failed with its reason.
    all_sources = {os.path.normpath(str(p)) for p in root.rglob("*") if p.is_file()}
    assert stored_sources | failed == all_sources

    # And the result is the same as one uninterrupted run.
    clean = tmp_path / "clean.db"
    once = _index(clean, root)
    once.communicate(timeout=600)
    a = sqlite3.connect(db)
    b = sqlite3.connect(clean)
    try:
        q = "SELECT source, sha256, doc_type, title, outcome FROM documents ORDER BY source"
        assert a.execute(q).fetchall() == b.execute(q).fetchall()
        q = "SELECT COUNT(*) FROM items"
        assert a.execute(q).fetchone() == b.execute(q).fetchone()
    finally:
        a.close()
        b.close()
