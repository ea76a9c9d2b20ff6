"""Export (JSONL, CSV, Parquet, pandas), masking, and Datasette over HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import numpy as np
import pandas as pd
import pytest

from nlp_motioner.record import Tags
from nlp_motioner.search import search
from nlp_motioner.store import ALL_TABLES, frames
from nlp_motioner.store.datasette import metadata
from tests.conftest import one_document_db

# A personnummer that passes the Luhn check (a well-known test number).
PNR = "19121212-1212"


@pytest.fixture()
def pnr_db(tmp_path):
    return one_document_db(
        tmp_path / "p.db",
        "mem/motion.txt",
        f"Motion om lekplatser. Kontakt: Anna Andersson {PNR}, Storgatan 1.",
        "Lekplatser",
        Tags(doc_type="motion", title="Motion om lekplatser", parties=["V"]),
    )


def test_frames_are_dataframes_with_lists(corpus_db):
    dfs = frames(corpus_db)
    docs, items, sections = dfs["documents"], dfs["items"], dfs["sections"]
    assert isinstance(docs, pd.DataFrame) and len(docs) == 22
    assert {"source", "doc_type", "date", "parties", "outcome", "text"} <= set(docs.columns)
    assert all(isinstance(v, list) for v in docs["parties"])
    assert len(items) > 0 and set(items["document_id"]) <= set(docs["id"])
    assert len(sections) > 0


def test_export_formats(corpus_db, run_cli, tmp_path):
    for fmt in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"docs.{fmt}"
        r = run_cli("export", "--db", str(corpus_db), "--format", fmt, "-o", str(out))
        assert r.exit_code == 0, r.output
    assert len(pd.read_parquet(tmp_path / "docs.parquet")) == 22
    assert len(pd.read_csv(tmp_path / "docs.csv")) == 22
    lines = (tmp_path / "docs.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 22 and isinstance(json.loads(lines[0])["parties"], list)
    r = run_cli(
        "export",
        "--db",
        str(corpus_db),
        "--table",
        "items",
        "--format",
        "parquet",
        "-o",
        str(tmp_path / "items.parquet"),
    )
    assert r.exit_code == 0, r.output
    assert "paragraph" in pd.read_parquet(tmp_path / "items.parquet").columns
    r = run_cli("export", "--db", str(corpus_db), "--format", "parquet")
    assert r.exit_code == 2 and "needs -o" in r.stderr


@pytest.mark.parametrize("table", ALL_TABLES)
def test_every_table_exports(pnr_db, run_cli, tmp_path, table):
    out = tmp_path / f"{table}.jsonl"
    r = run_cli("export", "--db", str(pnr_db), "--table", table, "-o", str(out))
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    if table == "case_numbers":
        # A value table holds one case number per row, as text (it was once decoded as a
        # JSON list, which stopped the export with a traceback).
        assert [row["diarienummer"] for row in rows] == ["2024.001 KS"]


def test_personnummer_masked_in_export_and_snippets(pnr_db, run_cli):
    out = run_cli("export", "--db", str(pnr_db), "--format", "jsonl").stdout
    assert PNR not in out and "[personnummer]" in out
    kept = run_cli("export", "--db", str(pnr_db), "--format", "jsonl", "--keep-personal-data")
    assert PNR in kept.stdout
    hit = search(pnr_db, "Andersson").hits[0]
    assert PNR not in hit["snippet"] and "[personnummer]" in hit["snippet"]
    assert PNR in search(pnr_db, "Andersson", mask=False).hits[0]["snippet"]
    assert PNR not in frames(pnr_db)["items"]["text"][0]


def test_semantic_model_is_saved_without_pickle(corpus_db):
    npz = str(corpus_db) + ".lsa.npz"
    with np.load(npz, allow_pickle=False) as data:
        assert data["unit_vectors"].dtype == np.float32
        assert data["unit_vectors"].shape[0] == data["unit_ids"].shape[0]
    meta = json.loads(open(str(corpus_db) + ".lsa.json", encoding="utf-8").read())
    assert meta["vocabulary"] and "generation" in meta


def test_datasette_metadata_has_facets_and_search():
    meta = metadata("/x/kommun.db")
    docs = meta["databases"]["kommun"]["tables"]["documents"]
    assert docs["fts_table"] == "documents_fts"
    assert {"doc_type", "outcome"} <= {f for f in docs["facets"] if isinstance(f, str)}
    arrays = {f["array"] for f in docs["facets"] if isinstance(f, dict)}
    assert {"parties", "referral_bodies"} <= arrays


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_datasette_serves_full_text_search(corpus_db, run_cli):
    pytest.importorskip("datasette")
    r = run_cli("serve", "--db", str(corpus_db), "--metadata-only")
    assert r.exit_code == 0, r.output
    meta_path = str(corpus_db) + ".datasette.json"
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "datasette",
            "serve",
            str(corpus_db),
            "-m",
            meta_path,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        query = urllib.parse.urlencode(
            {"_search": "nattvandring", "_shape": "array", "_col": "title"}
        )
        url = f"http://127.0.0.1:{port}/{corpus_db.stem}/documents.json?{query}"
        rows = None
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    rows = json.loads(resp.read().decode("utf-8"))
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("datasette exited: " + proc.stderr.read().decode()[-2000:])
                time.sleep(0.3)
        assert rows, "no FTS result from datasette"
        assert any("nattvandr" in (row.get("title") or "").lower() for row in rows)
        facets_url = f"http://127.0.0.1:{port}/{corpus_db.stem}/documents.json?_facet=doc_type"
        with urllib.request.urlopen(facets_url, timeout=5) as resp:
            data = json.loads(resp.read().decode("utf-8"))
        assert "doc_type" in data["facet_results"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_without_database_is_a_clear_message(tmp_path, run_cli):
    r = run_cli("serve", "--db", str(tmp_path / "none.db"))
    assert r.exit_code == 2 and "motioner index" in r.stderr
    assert not os.path.exists(tmp_path / "none.db")
