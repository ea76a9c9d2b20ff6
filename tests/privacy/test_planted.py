"""A planted personnummer, in every written form, is found in no byte the tool writes:
the database and its side files, exports, and every page the web view serves."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_privacy_forms import FORMS, PN, D, T

from nlp_motioner.cli import main

MOTIONER = Path(sys.executable).parent / "motioner"


def _leaks(data: bytes) -> list[str]:
    """The number's parts as they could appear in a file: digits, with or without the dash."""
    found = []
    for needle in (D + T, f"{D}-{T}", D):
        if needle.encode() in data:
            found.append(needle)
    return found


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("planted")
    docs = root / "arkiv"
    docs.mkdir()
    for i, (name, written) in enumerate(FORMS.items()):
        (docs / f"motion-{chr(97 + i)}.txt").write_text(
            f"Motion om stöd till sökande\n\nSökande {written} ({name}) har ansökt.\n"
            f"Kommunfullmäktige föreslås besluta\natt bevilja ansökan från {written}.\n"
            "Anna Andersson (S)\n",
            encoding="utf-8",
        )
    # A failure whose reason quotes the number: an error page with it in the title.
    (docs / "felsida.html").write_text(
        f"<html><head><title>Sidan saknas: {D}-{T}</title></head><body><p>Saknas.</p></body></html>",
        encoding="utf-8",
    )
    db = root / "kommun.db"
    result = CliRunner().invoke(
        main, ["index", str(docs), "--db", str(db), "--jobs", "1", "--timeout", "0", "-q"]
    )
    assert result.exit_code == 1, result.output  # the error page
    assert not _leaks(result.stderr.encode()), result.stderr
    assert "[personnummer]" in result.stderr
    return root, db


def test_no_byte_of_the_database_files_holds_the_number(planted):
    root, db = planted
    files = [p for p in root.iterdir() if p.is_file()]
    assert any(p.name.endswith(".lsa.npz") for p in files)  # the semantic model was written
    for path in files:
        assert not _leaks(path.read_bytes()), path.name
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT value FROM meta WHERE key='personal_data'").fetchone() == (
            "masked",
        )
        text = " ".join(r[0] for r in conn.execute("SELECT text FROM documents"))
        assert text.count("[personnummer]") >= 2 * len(FORMS) - 2
        (error,) = conn.execute("SELECT error FROM failures").fetchone()
        assert "[personnummer]" in error
    finally:
        conn.close()


def test_exports_hold_no_number(planted, tmp_path):
    _, db = planted
    for table in ("documents", "items", "sections", "failures"):
        for fmt in ("jsonl", "csv", "parquet"):
            out = tmp_path / f"{table}.{fmt}"
            args = ["export", "--db", str(db), "--table", table, "-f", fmt, "-o", str(out)]
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 0, result.output
            assert not _leaks(out.read_bytes()), out.name
            # Even asking for the numbers finds none: they were never stored.
            result = CliRunner().invoke(main, [*args, "--keep-personal-data"])
            assert not _leaks(out.read_bytes()), out.name


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.mark.skipif(not MOTIONER.exists(), reason="the motioner script is not installed")
def test_web_view_serves_no_number_and_refuses_sql(planted):
    pytest.importorskip("datasette")
    _, db = planted
    port = _free_port()
    proc = subprocess.Popen(
        [str(MOTIONER), "serve", "--datasette", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}/{db.stem}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                status, front = _get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    pytest.fail("datasette did not start: " + proc.stderr.read().decode()[-2000:])
                time.sleep(0.3)
        assert b"masked before storage" in front
        pages = [f"http://127.0.0.1:{port}/", base]
        for table in ("documents", "items", "sections", "failures", "case_numbers", "parties"):
            pages += [
                f"{base}/{table}",
                f"{base}/{table}.json?_shape=array&_size=max",
                f"{base}/{table}.csv?_stream=on&_size=max",
            ]
        pages.append(f"{base}/documents?_search=s%C3%B6kande")
        for q in (D, T, f"{D}{T}"):  # the page repeats the query; it must find nothing
            _, body = _get(f"{base}/documents?_search={urllib.parse.quote(q)}")
            assert b"0 rows where search matches" in body, q
        _, rows = _get(f"{base}/documents.json?_shape=array&_col=id")
        pages += [f"{base}/documents/{row['id']}" for row in json.loads(rows)]
        for url in pages:
            status, body = _get(url)
            assert status == 200, (url, status)
            assert not _leaks(body), url
        # Arbitrary SQL and downloading the file are refused by default.
        sql = urllib.parse.urlencode({"sql": "select text from documents"})
        status, body = _get(f"{base}?{sql}")
        assert status == 403, status
        status, _ = _get(f"http://127.0.0.1:{port}/{db.name}")
        assert status in (403, 404)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_allows_sql_only_when_asked(planted):
    from nlp_motioner.cli.serve import serve_args

    off = serve_args("x.db", "m.json", "127.0.0.1", 8001, allow_sql=False)
    assert "default_allow_sql" in off and off[off.index("default_allow_sql") + 1] == "off"
    assert "default_allow_sql" not in serve_args("x.db", "m.json", "127.0.0.1", 8001, True)


def test_personal_data_choice_is_recorded_and_not_mixed(planted, tmp_path):
    root, db = planted
    result = CliRunner().invoke(
        main,
        ["index", str(root / "arkiv"), "--db", str(db), "--keep-personal-data", "--timeout", "0"],
    )
    assert result.exit_code == 2 and "holds masked text" in result.stderr
    kept = tmp_path / "kept.db"
    one = root / "arkiv" / "motion-a.txt"
    result = CliRunner().invoke(
        main, ["index", str(one), "--db", str(kept), "--keep-personal-data", "--timeout", "0"]
    )
    assert result.exit_code == 0, result.output
    assert _leaks(kept.read_bytes()) or _leaks((tmp_path / "kept.db-wal").read_bytes())
    exported = CliRunner().invoke(main, ["export", "--db", str(kept)])
    assert "personal data in" in exported.stderr and "kept" in exported.stderr


def test_a_database_from_before_masking_is_masked_by_index(tmp_path):
    """A database that stored numbers as written is masked in place by the next index."""
    from nlp_motioner.record import Document, Item, Section, Tags
    from nlp_motioner.store import Store

    db = tmp_path / "old.db"
    text = f"Motion om lekplatser\nSökande {D}-{T} bor här.\nBeslut\nBifall för {D}{T}."
    beslut = text.index("Beslut")
    with Store(db) as store:  # as an older version wrote it: no masking, no meta
        store.put(
            Document(
                source="mem/old.txt",
                file_kind="text",
                text=text,
                sections=[Section("Beslut", "beslut", beslut, len(text), 1)],
                items=[Item(1, [], f"Ärende {D}-{T}", 0, beslut - 1, 1)],
                tags=Tags(doc_type="motion", title=f"Motion {D}-{T}", evidence=f"Bifall {PN}"),
            )
        )
        store.record_failure("mem/bad.pdf", f"HTML error page (title: '{D}-{T}')")
        store.conn.execute("DELETE FROM meta WHERE key = 'personal_data'")
    assert _leaks(db.read_bytes()) or _leaks((tmp_path / "old.db-wal").read_bytes())
    new = tmp_path / "new"
    new.mkdir()
    (new / "motion.txt").write_text("Motion om cyklar\nAnna Andersson (S)\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["index", str(new), "--db", str(db), "--timeout", "0"])
    assert result.exit_code == 0, result.output
    assert "masked in what it held (1 documents changed)" in result.stderr
    for path in tmp_path.iterdir():
        if path.is_file():
            assert not _leaks(path.read_bytes()), path.name
    with Store(db, readonly=True) as store:
        row = store.conn.execute("SELECT text FROM documents WHERE source = 'mem/old.txt'")
        stored = row.fetchone()[0]
        start, end = store.conn.execute('SELECT start, "end" FROM sections').fetchone()
        assert stored[start:end].startswith("Beslut\nBifall för [personnummer]")
        item_text = store.conn.execute("SELECT text FROM items").fetchone()[0]
        assert item_text == "Motion om lekplatser\nSökande [personnummer] bor här."
        assert store.personal_data == "masked"
