"""`similar`: other cases only, each with a reason; bad arguments are one line, not a traceback."""

from __future__ import annotations

import json

import pytest
from casefile import IN_CASE

from nlp_motioner.search import Probe, probe_for_document, similar
from nlp_motioner.store import Store


def _doc_id(db, source: str) -> int:
    with Store(db, readonly=True) as store:
        return store.conn.execute(
            "SELECT id FROM documents WHERE source = ?", (source,)
        ).fetchone()[0]


@pytest.mark.parametrize("source", sorted(IN_CASE))
def test_similar_never_lists_a_paper_of_the_probes_own_case(case_db_with_model, source):
    with Store(case_db_with_model, readonly=True) as store:
        result = similar(store, probe_for_document(store, _doc_id(case_db_with_model, source)))
    sources = {h["source"] for h in result.hits}
    for h in result.hits:
        sources |= set(h.get("case_sources") or [])
    assert not sources & IN_CASE, sources & IN_CASE
    assert result.hits, "the other cases should still be found"


def test_a_text_probe_of_the_motion_leaves_out_its_case_and_says_why(case_db_with_model):
    probe = Probe(
        text="Vi föreslår fler lekplatser i centrum med gungor och sandlådor för barnfamiljer.",
        title="Motion om fler lekplatser för barnfamiljer i centrum",
    )
    result = similar(case_db_with_model, probe)
    assert not {h["source"] for h in result.hits} & IN_CASE
    assert any("same case" in n for n in result.notes)
    for h in result.hits:
        assert h["why"].startswith(("shared terms: ", "close in topic")), h["why"]
    roads = next(h for h in result.hits if h["source"] == "other/vagar.txt")
    assert roads["why"].startswith("shared terms: ")
    assert "lekplatser" in roads["why"] or "centrum" in roads["why"], roads["why"]


def test_similar_cli_jsonl_has_the_reason(case_db_with_model, run_cli):
    doc_id = _doc_id(case_db_with_model, "case/motion.txt")
    out = run_cli("similar", str(doc_id), "--db", str(case_db_with_model), "--format", "jsonl")
    assert out.exit_code == 0, out.output
    hits = [json.loads(line) for line in out.stdout.splitlines()]
    assert hits and all(h["why"] for h in hits)


@pytest.mark.parametrize(
    "target,message",
    [
        ("99999999999999999999", "no document with id"),
        ("²", "no such file, and not a document id"),
        ("٣", "no such file, and not a document id"),
        ("12345", "no document with id"),
        ("\udcff\udcfe", "no such file"),
    ],
)
def test_similar_bad_targets_are_one_line(case_db_with_model, run_cli, target, message):
    out = run_cli("similar", target, "--db", str(case_db_with_model))
    assert out.exit_code == 2
    assert (
        "Traceback" not in out.output
        and out.exception is None
        or isinstance(out.exception, SystemExit)
    )
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], out.stderr


def test_similar_on_a_directory_is_one_line(case_db_with_model, run_cli, tmp_path):
    out = run_cli("similar", str(tmp_path), "--db", str(case_db_with_model))
    assert out.exit_code == 2 and "is a directory" in out.stderr


@pytest.mark.parametrize("option", ["--party", "--outcome", "--type", "--body", "--from"])
def test_invalid_utf8_in_a_filter_is_not_an_encoding_error(case_db, run_cli, option):
    out = run_cli("search", "lekplatser", option, "\udcff\udcfeX", "--db", str(case_db))
    assert out.exception is None or isinstance(out.exception, SystemExit), out.exception
    if option == "--from":
        # Not a date: refused with a usage line (tests/search/test_date_filters.py), which
        # must itself be printable.
        assert out.exit_code == 2 and "is not a date" in out.stderr
        out.stderr.encode("utf-8")
    else:
        assert out.exit_code == 0


def test_invalid_utf8_in_a_case_number_is_one_line(case_db, run_cli):
    out = run_cli("case", "\udcff\udcfe 2024", "--db", str(case_db))
    assert out.exit_code == 1 and isinstance(out.exception, SystemExit)
    assert "no documents with diarienummer" in out.stderr
    out.stderr.encode("utf-8")  # printable as strict UTF-8


def test_a_new_file_is_read_in_a_worker_process(case_db_with_model, run_cli, tmp_path, monkeypatch):
    import nlp_motioner.batch as batch

    calls = []
    real = batch.run

    def spy(paths, **kwargs):
        calls.append(kwargs)
        return real(paths, **kwargs)

    monkeypatch.setattr(batch, "run", spy)
    path = tmp_path / "ny-motion.txt"
    path.write_text(
        "Motion om fler lekplatser för barnfamiljer i centrum\nVi vill ha gungor.", "utf-8"
    )
    out = run_cli("similar", str(path), "--db", str(case_db_with_model), "--format", "jsonl")
    assert out.exit_code == 0, out.output
    assert calls and calls[0]["jobs"] == 1 and calls[0]["timeout"]  # a worker, with a limit
    sources = {json.loads(line)["source"] for line in out.stdout.splitlines()}
    assert not sources & IN_CASE  # the same matter by title: its case is left out
