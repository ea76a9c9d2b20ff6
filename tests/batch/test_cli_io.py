"""Batch input and output at the edges: interrupts, -o targets, umask, odd file names,
CSV injection, control characters, file lists, deep trees, exit codes, progress."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from nlp_motioner.batch import iter_files
from nlp_motioner.cli import main
from nlp_motioner.cli.output import CsvWriter, printable

ROOT = Path(__file__).resolve().parents[2]
MOTIONER = Path(sys.executable).parent / "motioner"
needs_script = pytest.mark.skipif(not MOTIONER.exists(), reason="motioner is not installed")

MOTION = "Motion om fler cykelvägar\n\nVi föreslår att kommunfullmäktige beslutar\natt bygga ut cykelvägnätet.\n\nAnna Andersson (S)\n"


def _tag(*args: str) -> CliRunner:
    return CliRunner().invoke(main, ["tag", *args, "--jobs", "1", "--timeout", "0"])


# --- Ctrl-C and SIGTERM keep the finished records ---------------------------------------


@needs_script
@pytest.mark.parametrize(
    "fmt,sig", [("jsonl", signal.SIGINT), ("csv", signal.SIGINT), ("parquet", signal.SIGTERM)]
)
def test_interrupted_tag_keeps_every_finished_record(tmp_path, corpus, fmt, sig):
    seeds = sorted(str(p) for p in (corpus / "seeds").glob("*.txt"))
    # Far more files than any machine tags in the 6 s before the signal (CI did 1,122
    # in 6 s), given as a list so that the command line stays short.
    files = seeds * 2000
    listing = tmp_path / "files.txt"
    listing.write_text("\n".join(files) + "\n", encoding="utf-8")
    out = tmp_path / f"tags.{fmt}"
    proc = subprocess.Popen(
        [
            str(MOTIONER),
            "tag",
            "--files-from",
            str(listing),
            "--jobs",
            "1",
            "--timeout",
            "0",
            "-f",
            fmt,
            "-o",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    time.sleep(6)
    assert proc.poll() is None, "finished before it could be interrupted"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    (line,) = [ln for ln in err.splitlines() if "interrupted" in ln]
    done = int(line.split("interrupted after ")[1].split()[0])
    assert done > 0
    assert f"of {len(files)} files; {out} holds their records" in line
    if fmt == "jsonl":
        recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    elif fmt == "csv":
        recs = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    else:
        import pyarrow.parquet as pq

        recs = pq.read_table(out).to_pylist()
    assert len(recs) == done
    assert [r["source"] for r in recs] == files[:done]
    assert not list(tmp_path.glob(".motioner-*"))  # no temp file left behind


# --- where -o writes ----------------------------------------------------------------------


class _SignallingFile(io.RawIOBase):
    """A file whose third raw write is followed by a signal to this process: the moment
    at which Python's buffered files run signal handlers in the middle of a write."""

    def __init__(self, sig: int) -> None:
        self.sig = sig
        self.data = bytearray()
        self.calls = 0

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.data += bytes(b)
        self.calls += 1
        if self.calls == 3:
            os.kill(os.getpid(), self.sig)
        return len(b)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_inside_a_write_loses_and_repeats_no_record(tmp_path, sig):
    # CI once found 1,119 records in a file for 1,122 finished files: a KeyboardInterrupt
    # raised inside a buffered write drops (or, on a retried flush, repeats) records.
    from nlp_motioner.cli.documents import BatchRun
    from nlp_motioner.cli.options import BatchArgs
    from nlp_motioner.cli.output import write_jsonl
    from nlp_motioner.interrupts import handle_interrupts

    (tmp_path / "a.txt").write_text(MOTION, encoding="utf-8")
    args = BatchArgs((str(tmp_path),), None, (), (), 1, False, 0, 0, None, False, True)
    batch = BatchRun(args)
    raw = _SignallingFile(sig)
    fh = io.TextIOWrapper(io.BufferedWriter(raw, 8192), encoding="utf-8", newline="")
    old = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        handle_interrupts()
        with pytest.raises(KeyboardInterrupt):
            for i in range(1000):
                batch.keep(lambda rec: write_jsonl(fh, rec), {"n": i, "pad": "x" * 900})
        fh.flush()
    finally:
        signal.signal(signal.SIGINT, old[0])
        signal.signal(signal.SIGTERM, old[1])
    assert raw.calls >= 3, "the signal was never sent"
    written = [json.loads(line)["n"] for line in raw.data.decode("utf-8").splitlines()]
    assert written == list(range(batch.done))


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_output_files_follow_the_umask(tmp_path, corpus, umask, mode):
    out = tmp_path / "tags.jsonl"
    old = os.umask(umask)
    try:
        result = _tag(str(corpus / "seeds"), "-o", str(out))
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == mode


def test_a_replaced_file_keeps_its_mode(tmp_path, corpus):
    out = tmp_path / "tags.jsonl"
    out.write_text("old\n")
    out.chmod(0o640)
    assert _tag(str(corpus / "seeds"), "-o", str(out)).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640 and out.read_text() != "old\n"


def test_output_through_a_symlink_writes_the_target(tmp_path, corpus):
    target = tmp_path / "real.jsonl"
    target.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    assert _tag(str(corpus / "seeds"), "-o", str(link)).exit_code == 0
    assert link.is_symlink() and len(target.read_text().splitlines()) == 4


def test_output_into_a_fifo_is_written_not_replaced(tmp_path, corpus):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    result = _tag(str(corpus / "seeds"), "-o", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert len(got[0].decode().splitlines()) == 4


def test_a_full_device_is_one_error_line(tmp_path, corpus):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    link = tmp_path / "full.jsonl"
    link.symlink_to("/dev/full")
    result = _tag(str(corpus / "seeds"), "-o", str(link))
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr and "Traceback" not in result.output
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


# --- file names that are not UTF-8, or hold control characters ---------------------------


def test_file_names_that_are_not_utf8(tmp_path):
    docs, outs = tmp_path / "docs", tmp_path / "out"
    docs.mkdir()
    outs.mkdir()
    raw = os.fsencode(str(docs)) + b"/motion-\xe5-\xff.txt"
    with open(raw, "wb") as fh:
        fh.write(MOTION.encode())
    for fmt in ("jsonl", "csv", "parquet", "table"):
        out = outs / f"out.{fmt}"
        result = _tag(str(docs), "-f", fmt, "-o", str(out))
        assert result.exit_code == 0, (fmt, result.output)
    result = CliRunner().invoke(main, ["read", str(docs), "--timeout", "0", "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    rec = json.loads((outs / "out.jsonl").read_text(encoding="utf-8"))
    assert rec["source"].endswith("motion-\\xe5-\\xff.txt")
    assert base64.b64decode(rec["source_base64"]) == raw
    assert rec["doc_type"] == "motion"
    db = tmp_path / "k.db"
    for expect in ("1 new", "1 unchanged"):
        result = CliRunner().invoke(
            main, ["index", str(docs), "--db", str(db), "--timeout", "0", "--no-semantic"]
        )
        assert result.exit_code == 0 and expect in result.stdout, result.output
    result = CliRunner().invoke(
        main, ["index", str(docs), "--db", str(db), "--prune", "--no-semantic"]
    )
    assert "0 removed" in result.stdout, result.output


@needs_script
def test_strict_utf8_stdout_does_not_crash(tmp_path):
    raw = os.fsencode(str(tmp_path)) + b"/\xe5.txt"
    with open(raw, "wb") as fh:
        fh.write(MOTION.encode())
    env = {**os.environ, "PYTHONIOENCODING": "ascii:strict"}
    proc = subprocess.run(
        [str(MOTIONER), "tag", str(tmp_path), "--timeout", "0", "-j", "1"],
        capture_output=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert b"Traceback" not in proc.stderr and b"motion" in proc.stdout


def test_control_characters_in_names_cannot_forge_lines(tmp_path):
    bad = tmp_path / "x\nmotioner: ok.pdf\x1b[2J"
    bad.write_bytes(b"\x00\x01" * 100)
    result = _tag(str(bad))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "\\n" in lines[0] and "\x1b" not in result.stderr
    assert printable("a\u202eb\tc") == "a\\u202eb\\tc"


def test_csv_cells_that_a_spreadsheet_would_run_are_escaped(tmp_path):
    buf = io.StringIO()
    w = CsvWriter(buf, ["title", "n"])
    for title in ('=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "Motion"):
        w.write({"title": title, "n": -3})
    rows = list(csv.reader(io.StringIO(buf.getvalue())))[1:]
    assert [r[0] for r in rows] == [
        '\'=HYPERLINK("x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "Motion",
    ]
    assert all(r[1] == "-3" for r in rows)  # numbers are numbers, not formulas
    f = tmp_path / "m.txt"
    f.write_text("=cmd|' /C calc'!A0\n\n" + MOTION, encoding="utf-8")
    out = tmp_path / "t.csv"
    assert _tag(str(f), "-f", "csv", "-o", str(out)).exit_code == 0
    (row,) = csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
    assert not row["title"].startswith("=")


# --- choosing files -----------------------------------------------------------------------


def test_files_from_dash_include_exclude_and_skipped_data_files(tmp_path):
    for name in ("a.txt", "b.txt", "c.md"):
        (tmp_path / name).write_text(MOTION, encoding="utf-8")
    (tmp_path / "README.md").write_text("# Om mappen\n", encoding="utf-8")
    (tmp_path / "labels.jsonl").write_text("{}\n", encoding="utf-8")
    (tmp_path / "data.json").write_text('{"rows": []}', encoding="utf-8")
    listing = tmp_path / "list.txt"
    listing.write_text(f"{tmp_path / 'a.txt'}\n{tmp_path / 'b.txt'}\n", encoding="utf-8")

    def sources(result):
        assert result.exit_code == 0, result.output
        return [Path(json.loads(x)["source"]).name for x in result.stdout.splitlines()]

    assert sources(_tag("--files-from", str(listing))) == ["a.txt", "b.txt"]
    runner = CliRunner()
    got = runner.invoke(main, ["tag", "-", "--timeout", "0"], input=listing.read_bytes())
    assert sources(got) == ["a.txt", "b.txt"]
    walked = _tag(str(tmp_path), "--exclude", "b.*")
    assert sources(walked) == ["a.txt", "c.md", "list.txt"]
    assert "skipped 3 file(s) that are not documents" in walked.stderr
    assert sources(_tag(str(tmp_path), "--include", "*.md")) == ["c.md"]
    named = _tag(str(tmp_path / "data.json"))
    assert named.exit_code == 1 and "JSON data" in named.stderr
    none = _tag()
    assert none.exit_code == 2 and "no input" in none.stderr


def test_a_very_deep_tree_is_walked(tmp_path):
    levels = [tmp_path / "d"]
    for _ in range(1199):  # os.makedirs (and rmtree) recurse; go level by level
        levels.append(levels[-1] / "d")
    try:
        for level in levels:
            level.mkdir()
        (levels[-1] / "motion.txt").write_text(MOTION, encoding="utf-8")
        files = list(iter_files([tmp_path]))
        assert len(files) == 1 and files[0].endswith("motion.txt")
    finally:
        (levels[-1] / "motion.txt").unlink(missing_ok=True)
        for level in reversed(levels):
            if level.exists():
                level.rmdir()


def test_an_indexed_file_that_became_a_fifo_does_not_hang_index(tmp_path):
    f = tmp_path / "motion.txt"
    f.write_text(MOTION, encoding="utf-8")
    db = tmp_path / "k.db"
    args = ["index", str(tmp_path), "--db", str(db), "--jobs", "1", "--no-semantic"]
    assert CliRunner().invoke(main, [*args, "--timeout", "0"]).exit_code == 0
    f.unlink()
    os.mkfifo(f)
    start = time.monotonic()
    result = CliRunner().invoke(main, [*args, "--timeout", "20"])
    assert time.monotonic() - start < 60
    assert result.exit_code == 1 and "not a regular file" in result.stderr


# --- databases ----------------------------------------------------------------------------


def test_another_applications_database_is_refused(tmp_path, corpus):
    other = tmp_path / "app.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE customers (id INTEGER, name TEXT)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    result = CliRunner().invoke(main, ["index", str(corpus / "seeds"), "--db", str(other)])
    assert result.exit_code == 2 and "not a motioner database" in result.stderr
    assert other.read_bytes() == before
    result = CliRunner().invoke(main, ["export", "--db", str(other)])
    assert result.exit_code == 2 and "not a motioner database" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_database_in_a_read_only_folder_can_be_searched(tmp_path, corpus):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "k.db"
    args = ["index", str(corpus / "seeds"), "--db", str(db), "--timeout", "0"]
    assert CliRunner().invoke(main, args).exit_code == 0
    folder.chmod(0o555)
    try:
        result = CliRunner().invoke(main, ["export", "--db", str(db), "-f", "csv"])
        assert result.exit_code == 0, result.output
    finally:
        folder.chmod(0o755)


# --- exit codes ---------------------------------------------------------------------------


def test_exit_codes(tmp_path, corpus):
    assert _tag(str(corpus / "seeds")).exit_code == 0  # all good
    bad = tmp_path / "tom.txt"
    bad.write_bytes(b"")
    assert _tag(str(corpus / "seeds"), str(bad)).exit_code == 1  # some files failed
    assert _tag("--no-such-option").exit_code == 2  # usage
    assert CliRunner().invoke(main, ["export", "--db", str(tmp_path / "no.db")]).exit_code == 2
    assert CliRunner().invoke(main, ["search", "x", "--db", str(tmp_path / "no.db")]).exit_code == 2


# --- progress -----------------------------------------------------------------------------


@needs_script
def test_progress_goes_to_the_terminal_on_stderr_never_to_stdout(corpus):
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [str(MOTIONER), "tag", str(corpus), "-f", "table", "--jobs", "1"],
        stdout=subprocess.PIPE,
        stderr=slave,
        cwd=ROOT,
    )
    os.close(slave)
    err = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        err += chunk
    out = proc.stdout.read().decode()
    proc.wait()
    os.close(master)
    assert proc.returncode == 1  # the bundled scan and error page
    assert "files/s" in err.decode(errors="replace")  # the bar: rate and total
    assert "\r" not in out and "files/s" not in out
    lines = out.splitlines()
    assert lines[0].startswith("source") and len(lines) > 10


def test_progress_lines_when_stderr_is_not_a_terminal():
    from nlp_motioner.cli.progress import Progress

    buf = io.StringIO()
    p = Progress("files", 10, interval=0.0, stream=buf)
    p.advance(4)
    p(5, 10)
    p.close()
    lines = buf.getvalue().splitlines()
    assert lines[0].startswith("motioner: progress: 4/10 files (40%)")
    assert "left" in lines[0] and lines[1].startswith("motioner: progress: 5/10")
    quiet = io.StringIO()
    q = Progress("files", 10, interval=0.0, stream=quiet, quiet=True)
    q.advance(3)
    assert quiet.getvalue() == ""


@needs_script
def test_a_disk_that_fills_up_is_one_line_for_index_and_export(tmp_path, corpus):
    import resource

    def small_files() -> None:  # every file this process writes stops growing at 300 kB
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))

    proc = subprocess.run(
        [str(MOTIONER), "index", str(corpus), "--db", str(tmp_path / "k.db"), "-j", "1", "-q"],
        preexec_fn=small_files,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    (line,) = [ln for ln in proc.stderr.splitlines() if "cannot write to" in ln]
    assert "rerun to resume" in line
    if os.path.exists("/dev/full"):
        db = tmp_path / "ok.db"
        assert (
            CliRunner().invoke(main, ["index", str(corpus / "seeds"), "--db", str(db)]).exit_code
            == 0
        )
        full = tmp_path / "full.parquet"
        full.symlink_to("/dev/full")
        result = CliRunner().invoke(
            main, ["export", "--db", str(db), "-f", "parquet", "-o", str(full)]
        )
        assert result.exit_code in (1, 2) and "No space left on device" in result.stderr
        assert "Traceback" not in result.output


@needs_script
def test_interrupted_index_keeps_what_it_stored(tmp_path, corpus):
    seeds = sorted(str(p) for p in (corpus / "seeds").glob("*.txt"))
    copies = tmp_path / "arkiv"
    for i in range(600):
        for s in seeds:
            (copies / str(i)).mkdir(parents=True, exist_ok=True)
            os.symlink(s, copies / str(i) / Path(s).name)
    db = tmp_path / "k.db"
    proc = subprocess.Popen(
        [str(MOTIONER), "index", str(copies), "--db", str(db), "-j", "1", "--timeout", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Interrupt once the first documents are stored (not after a fixed time, which a
    # faster build outruns): the run must be part-way.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and _stored(db) == 0:
        time.sleep(0.2)
    assert proc.poll() is None, "finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err
    assert "stored, rerun to" in err
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] > 0
    finally:
        conn.close()


def _stored(db: Path) -> int:
    """Documents a running `index` has committed so far (0 while it has none)."""
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0  # the schema is not written yet, or the writer holds a lock


@pytest.mark.parametrize("damage", [b"", b"not an npz", b"PK\x03\x04junk"])
def test_index_refits_a_semantic_model_it_cannot_load(tmp_path, corpus, damage):
    db = tmp_path / "k.db"
    args = ["index", str(corpus / "seeds"), "--db", str(db), "--timeout", "0"]
    assert CliRunner().invoke(main, args).exit_code == 0
    (tmp_path / "k.db.lsa.npz").write_bytes(damage)
    (tmp_path / "k.db.lsa.json").write_text("{broken", encoding="utf-8")
    (tmp_path / "new.txt").write_text(MOTION, encoding="utf-8")
    result = CliRunner().invoke(main, [*args[:-4], str(tmp_path / "new.txt"), *args[2:]])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    import numpy as np

    with np.load(tmp_path / "k.db.lsa.npz", allow_pickle=False) as data:
        assert data["unit_vectors"].shape[0] > 0


def test_parquet_with_a_list_column_empty_at_first(tmp_path):
    import pyarrow.parquet as pq

    from nlp_motioner.cli.parquet import TABLE_COLUMNS, ParquetWriter

    out = tmp_path / "d.parquet"
    w = ParquetWriter(str(out), TABLE_COLUMNS["documents"], batch_size=2)
    for i in range(5):
        w.write({"id": i, "source": f"s{i}", "parties": [], "date": None, "page_count": None})
    w.write({"id": 9, "source": "x", "parties": ["S", "M"], "date": "2026-02-28", "page_count": 3})
    w.write({"id": 10, "source": "y", "parties": ["V"], "date": "2026-02-31"})
    w.close()
    table = pq.read_table(out)
    assert str(table.schema.field("date").type) == "date32[day]"
    assert str(table.schema.field("page_count").type) == "int64"
    rows = table.to_pylist()
    assert rows[5]["parties"] == ["S", "M"] and str(rows[5]["date"]) == "2026-02-28"
    assert rows[6]["date"] is None  # 31 February is no calendar day
    df = table.to_pandas(
        types_mapper={__import__("pyarrow").int64(): __import__("pandas").Int64Dtype()}.get
    )
    assert str(df["page_count"].dtype) == "Int64"


def test_frames_are_typed(tmp_path, corpus):
    from nlp_motioner.store import frames

    db = tmp_path / "k.db"
    args = ["index", str(corpus / "seeds"), "--db", str(db), "--timeout", "0", "--no-semantic"]
    assert CliRunner().invoke(main, args).exit_code == 0
    dfs = frames(db, ["documents", "items", "sections", "parties", "failures"])
    docs = dfs["documents"]
    assert str(docs["date"].dtype).startswith("datetime64")
    assert str(docs["page_count"].dtype) == "Int64"
    assert str(dfs["sections"]["item_id"].dtype) == "Int64"
    assert set(dfs["parties"].columns) >= {"document_id", "party", "source"}
