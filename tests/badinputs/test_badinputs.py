"""Broken and hostile inputs: each gets a correct result or one clear stderr line, never a
traceback and never a hang. The corpus is generated into a temp dir by generate.py."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from generate import BODY, Case, build, cases, text_pdf

from nlp_motioner.batch import iter_files, run
from nlp_motioner.readers import read_file

ROOT = Path(__file__).resolve().parents[2]
MOTIONER = [str(Path(sys.executable).parent / "motioner")]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
TAG_TIMEOUT = 15


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> tuple[Path, list[Case]]:
    root = tmp_path_factory.mktemp("bad")
    cases = build(root)
    yield root, cases
    (root / "last.txt").chmod(0o644)


def _motioner(
    *args: str, timeout: float = 300, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    if not Path(MOTIONER[0]).exists():
        pytest.skip("the motioner script is not installed in this environment")
    return subprocess.run(
        [*MOTIONER, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def tagged(bad) -> tuple[dict[str, dict], list[str], int, float]:
    """One real `motioner tag` run over the whole bad corpus, with two workers."""
    root, _ = bad
    start = time.monotonic()
    proc = _motioner("tag", str(root), "--jobs", "2", "--timeout", str(TAG_TIMEOUT))
    elapsed = time.monotonic() - start
    records = {}
    for line in proc.stdout.splitlines():
        rec = json.loads(line)
        records[os.path.relpath(rec["source"], root)] = rec
    return records, proc.stderr.splitlines(), proc.returncode, elapsed


CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_outcome_through_cli(case: Case, bad, tagged):
    root, _ = bad
    records, stderr, _, _ = tagged
    if case.name == "last.txt" and IS_ROOT:
        pytest.skip("running as root: permission bits do not stop root from reading")
    assert not any("Traceback" in line for line in stderr), "\n".join(stderr)
    rec = records.get(case.name)
    if case.walk_skips:
        assert rec is None
        assert any(line.startswith("motioner: skipped ") for line in stderr)
        named = _motioner("tag", str(root / case.name))
        assert named.returncode == 1 and case.error in json.loads(named.stdout)["error"]
        return
    assert rec is not None, f"{case.name} has no output record"
    path = str(root / case.name)
    about = [line for line in stderr if line.startswith(f"motioner: {path}: ")]
    if case.slow and rec.get("error"):
        # Reading is checked below; tagging 50 MB may take longer than this test allows,
        # and then the limit must have stopped it cleanly.
        assert rec["error"] == f"timed out after {TAG_TIMEOUT} s (--timeout)"
        assert about == [f"motioner: {path}: {rec['error']}"]
    elif case.error:
        assert rec.get("error") and case.error in rec["error"], rec.get("error")
        assert len(about) == 1, about
        assert case.error in about[0]
    else:
        assert not rec.get("error"), rec.get("error")
        assert about == []


@pytest.mark.parametrize("case", [c for c in CASES if not c.error], ids=lambda c: c.name)
def test_readable_bad_inputs_have_the_right_text(case: Case, bad):
    root, _ = bad
    doc = read_file(root / case.name)
    assert doc.error is None
    assert case.contains in doc.text
    assert "\x00" not in doc.text and "\r" not in doc.text


def test_every_stderr_line_names_a_file_and_nothing_else_is_printed(bad, tagged):
    root, _ = bad
    _, stderr, returncode, elapsed = tagged
    assert returncode == 1  # some inputs failed
    assert stderr, "expected error lines"
    for line in stderr:
        if line.startswith(("motioner: skipped ", "motioner: progress: ")):
            continue  # the summary of data files left out; progress when not a terminal
        assert line.startswith(f"motioner: {root}"), line
    assert elapsed < 120, f"the bad corpus took {elapsed:.0f} s"


def test_symlink_loop_is_walked_once(bad):
    root, _ = bad
    found = [f for f in iter_files([root]) if f.endswith("inne.txt")]
    assert found == [str(root / "slinga" / "inne.txt")]
    assert [f for f in iter_files([root / "slinga"]) if f.endswith("inne.txt")] != []


@pytest.mark.skipif(IS_ROOT, reason="running as root: root reads files without read permission")
def test_unreadable_file(bad):
    root, _ = bad
    assert read_file(root / "last.txt").error == "permission denied"


def test_leading_dash_names_after_double_dash(bad):
    root, _ = bad
    proc = _motioner("tag", "--", "-ledande-streck.txt", "--help.txt", cwd=root)
    assert proc.returncode == 0, proc.stderr
    sources = [json.loads(line)["source"] for line in proc.stdout.splitlines()]
    assert sources == ["-ledande-streck.txt", "--help.txt"]


def test_max_pages_enforced_under_jobs(tmp_path):
    two = tmp_path / "tva-sidor.pdf"
    two.write_bytes(text_pdf([BODY, BODY]))
    one = tmp_path / "en-sida.pdf"
    one.write_bytes(text_pdf([BODY]))
    docs = list(run([str(two), str(one)], jobs=2, timeout=60, max_pages=1, do_tag=False))
    assert docs[0].error == "too many pages (2 > --max-pages 1)"
    assert docs[1].error is None and docs[1].page_count == 1


def test_timeout_kills_a_worker_stuck_in_c_code(tmp_path):
    import hostile

    files = []
    for name in ("a.txt", "stuck.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text("\n".join(BODY), encoding="utf-8")
        files.append(str(tmp_path / name))
    start = time.monotonic()
    docs = list(run(files, jobs=2, timeout=2, fn=hostile.stuck_in_c, do_tag=False))
    elapsed = time.monotonic() - start
    assert [os.path.basename(d.source) for d in docs] == ["a.txt", "stuck.txt", "b.txt", "c.txt"]
    assert docs[1].error == "timed out after 2 s (--timeout)"
    assert all(d.error is None for d in docs if d is not docs[1])
    assert elapsed < 30


def test_timeout_with_a_single_job(tmp_path):
    import hostile

    files = []
    for name in ("stuck.txt", "after.txt"):
        (tmp_path / name).write_text("\n".join(BODY), encoding="utf-8")
        files.append(str(tmp_path / name))
    docs = list(run(files, jobs=1, timeout=1, fn=hostile.stuck_in_c, do_tag=False))
    assert docs[0].error == "timed out after 1 s (--timeout)"
    assert docs[1].error is None


@pytest.mark.parametrize(
    "bad,fn_name,error",
    [
        ("stuck.txt", "stuck_in_c", "timed out after 1 s (--timeout)"),
        ("crash.txt", "crash", "worker process died (SIGSEGV)"),
    ],
)
def test_files_queued_behind_a_lost_worker_are_run_not_failed(tmp_path, bad, fn_name, error):
    # A worker holds the next file in its pipe while it runs one (batch.pool.QUEUE_DEPTH):
    # when it is killed or dies, the files behind the bad one go to a new worker.
    import hostile

    names = [bad, "one.txt", "two.txt", "three.txt", "four.txt"]
    files = []
    for name in names:
        (tmp_path / name).write_text("\n".join(BODY), encoding="utf-8")
        files.append(str(tmp_path / name))
    fn = getattr(hostile, fn_name)
    docs = list(run(files, jobs=1, timeout=1 if "stuck" in bad else 60, fn=fn, do_tag=False))
    assert [os.path.basename(d.source) for d in docs] == names
    assert docs[0].error == error
    assert all(d.error is None for d in docs[1:])


def test_a_crashing_worker_is_replaced(tmp_path):
    import hostile

    files = []
    for name in ("one.txt", "crash.txt", "two.txt"):
        (tmp_path / name).write_text("\n".join(BODY), encoding="utf-8")
        files.append(str(tmp_path / name))
    docs = list(run(files, jobs=2, timeout=60, fn=hostile.crash, do_tag=False))
    assert docs[1].error == "worker process died (SIGSEGV)"
    assert docs[0].error is None and docs[2].error is None


def test_tag_output_is_atomic_when_killed(tmp_path, corpus):
    out = tmp_path / "tags.jsonl"
    out.write_text("old\n", encoding="utf-8")
    pdfs = sorted(str(p) for p in (corpus / "alingsas").rglob("*.pdf"))
    if not Path(MOTIONER[0]).exists():
        pytest.skip("the motioner script is not installed in this environment")
    proc = subprocess.Popen(
        [*MOTIONER, "tag", *pdfs * 40, "--jobs", "1", "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    time.sleep(2.0)
    assert proc.poll() is None, (
        "the run finished before it could be interrupted; give it more files"
    )
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert out.read_text(encoding="utf-8") == "old\n"  # never a half-written file
    done = _motioner("tag", *pdfs, "--jobs", "1", "-o", str(out))
    assert done.returncode in (0, 1), done.stderr  # the sample corpus has a scan and an error page
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(pdfs)
    assert [json.loads(line)["source"] for line in lines] == pdfs


def test_a_memory_hog_is_stopped_by_the_worker_cap(tmp_path):
    import hostile

    files = []
    for name in ("hog.txt", "fine.txt"):
        (tmp_path / name).write_text("\n".join(BODY), encoding="utf-8")
        files.append(str(tmp_path / name))
    docs = list(run(files, jobs=1, timeout=60, fn=hostile.hog, max_memory_mb=1024, do_tag=False))
    assert docs[0].error == "out of memory"
    assert docs[1].error is None


def test_workers_that_cannot_start_give_one_clear_error(tmp_path):
    import types

    from nlp_motioner.batch import WorkerStartError

    # A function the parent can pickle but no worker can import: every start fails.
    ghost = types.ModuleType("motioner_ghost_module")

    def vanish(path, **options):
        raise AssertionError("never runs")

    vanish.__module__ = ghost.__name__
    vanish.__qualname__ = "vanish"
    ghost.vanish = vanish
    sys.modules[ghost.__name__] = ghost
    f = tmp_path / "a.txt"
    f.write_text("text", encoding="utf-8")
    try:
        with pytest.raises(WorkerStartError, match="could not start"):
            list(run([str(f)], jobs=1, timeout=30, fn=vanish))
    finally:
        del sys.modules[ghost.__name__]


def test_output_into_a_missing_directory_is_one_error_line(tmp_path):
    proc = _motioner("tag", "corpus/seeds", "-o", str(tmp_path / "finns-inte" / "ut.jsonl"))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"Error: Could not open file '{tmp_path / 'finns-inte' / 'ut.jsonl'}': No such file or directory"
    ]
