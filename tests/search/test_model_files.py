"""The LSA model files beside a database: validated on load (one line with advice, never a
traceback or a hang), refitted by `index`, and free of personnummer."""

from __future__ import annotations

import json
import math
import os
import threading

import numpy as np
import pytest

from nlp_motioner.record import Document, Tags
from nlp_motioner.search import search, similar
from nlp_motioner.search.semantic import (
    ModelError,
    SemanticModel,
    fit_store,
    load_model,
    model_paths,
    model_problem,
    update_store,
)
from nlp_motioner.search.similar import Probe
from nlp_motioner.store import Store

LONG_QUERY = "lekplatser i centrum med gungor och sandlådor för barnfamiljer som bor i staden nu"


def _rewrite_npz(npz: str, **changes) -> None:
    with np.load(npz, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    arrays.update(changes)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    os.unlink(npz)
    np.savez(npz, **arrays)
    if npz.endswith(".npz") is False:  # np.savez appends .npz
        os.replace(npz + ".npz", npz)


def _rewrite_json(path: str, fn) -> None:
    with open(path, encoding="utf-8") as fh:
        meta = json.load(fh)
    meta = fn(meta)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(meta, fh)


def _nan_vectors(npz):
    with np.load(npz) as d:
        v = d["unit_vectors"].copy()
    v[0, 0] = np.nan
    return v


CORRUPTIONS = {
    "json is not json": lambda npz, js: open(js, "w").write("{"),
    "json is a list": lambda npz, js: open(js, "w").write("[1, 2]"),
    "json is not utf-8": lambda npz, js: open(js, "wb").write(b'{"a": "\xff"}'),
    "vocabulary of numbers": lambda npz, js: _rewrite_json(
        js, lambda m: {**m, "vocabulary": list(range(len(m["vocabulary"])))}
    ),
    "params missing": lambda npz, js: _rewrite_json(js, lambda m: {**m, "params": {}}),
    "param of the wrong type": lambda npz, js: _rewrite_json(
        js, lambda m: {**m, "params": {**m["params"], "n_components": "128"}}
    ),
    "generation a string": lambda npz, js: _rewrite_json(js, lambda m: {**m, "generation": "1"}),
    "other fit": lambda npz, js: _rewrite_json(js, lambda m: {**m, "fit_id": "x" * 32}),
    "npz is garbage": lambda npz, js: open(npz, "wb").write(b"PK\x03\x04 not a zip"),
    "npz is empty": lambda npz, js: open(npz, "wb").close(),
    "idf float64": lambda npz, js: _rewrite_npz(npz, idf=np.load(npz)["idf"].astype(np.float64)),
    "components cut": lambda npz, js: _rewrite_npz(
        npz, components=np.load(npz)["components"][:, :3]
    ),
    "vectors of another width": lambda npz, js: _rewrite_npz(
        npz, unit_vectors=np.zeros((len(np.load(npz)["unit_ids"]), 1), dtype=np.float32)
    ),
    "nan in vectors": lambda npz, js: _rewrite_npz(npz, unit_vectors=_nan_vectors(npz)),
    "ids out of order": lambda npz, js: _rewrite_npz(
        npz, unit_ids=np.load(npz)["unit_ids"][::-1].copy()
    ),
    "array missing": lambda npz, js: _rewrite_npz(npz, idf=None),
    "compressed bomb": lambda npz, js: (
        os.unlink(npz),
        np.savez_compressed(npz[:-4], big=np.zeros(50_000_000, dtype=np.uint8)),
    ),
    "npz missing": lambda npz, js: os.unlink(npz),
    "json is a directory": lambda npz, js: (os.unlink(js), os.mkdir(js)),
    "npz is a fifo": lambda npz, js: (os.unlink(npz), os.mkfifo(npz)),
    "npz links to /dev/zero": lambda npz, js: (os.unlink(npz), os.symlink("/dev/zero", npz)),
}


@pytest.fixture()
def broken(request, case_db_with_model):
    npz, js = model_paths(str(case_db_with_model))
    CORRUPTIONS[request.param](npz, js)
    return case_db_with_model


def _in_time(fn, seconds: float = 20.0):
    """Run fn in a thread; fail (not hang) if it takes longer (a FIFO read would block)."""
    out: dict = {}

    def run():
        try:
            out["v"] = fn()
        except BaseException as exc:  # handed to the caller below
            out["e"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "hung"
    if "e" in out:
        raise out["e"]
    return out.get("v")


@pytest.mark.parametrize("broken", sorted(CORRUPTIONS), indirect=True)
def test_a_broken_model_is_one_line_with_advice(broken):
    with pytest.raises(ModelError) as err:
        _in_time(lambda: SemanticModel.load(str(broken)) or pytest.fail("loaded"))
    message = str(err.value)
    assert "\n" not in message and "delete" in message and "motioner index" in message
    with Store(broken, readonly=True) as store:
        assert load_model(store) is None and model_problem(store) == message
        # search goes on with keywords and says why, once
        result = search(store, LONG_QUERY, semantic=True)
        assert result.hits and sum("delete" in n for n in result.notes) == 1
        assert similar(store, Probe(text=LONG_QUERY)).notes == [message]


@pytest.mark.parametrize("broken", sorted(CORRUPTIONS), indirect=True)
def test_index_refits_a_model_it_cannot_load(broken):
    with Store(broken) as store:
        info = _in_time(lambda: update_store(store))
        if os.path.isdir(model_paths(str(broken))[1]):  # a folder is never deleted
            assert not info["fitted"] and "\n" not in info["reason"], info
            return
        assert info["fitted"] and info["mode"] == "fitted", info
        assert load_model(store) is not None and model_problem(store) is None


def test_the_cli_refuses_similar_with_a_broken_model_in_one_line(case_db_with_model, run_cli):
    npz, js = model_paths(str(case_db_with_model))
    open(js, "w").write("{")
    out = run_cli("similar", "1", "--db", str(case_db_with_model))
    assert out.exit_code == 2 and out.stderr.count("\n") == 1 and "delete" in out.stderr


def test_scores_are_never_nan(case_db_with_model):
    for hit in search(case_db_with_model, LONG_QUERY, semantic=True).hits:
        json.dumps(hit, allow_nan=False)
        assert not math.isnan(hit["score"])


def test_a_full_disk_leaves_no_part_files(case_db_with_model, monkeypatch):
    import errno

    import nlp_motioner.search.semantic as semantic

    real = np.savez

    def full_disk(path, **arrays):
        real(path, **arrays)  # half written, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(semantic.np, "savez", full_disk)
    with Store(case_db_with_model) as store:
        info = fit_store(store)
    folder = os.path.dirname(case_db_with_model)
    assert not info["fitted"] and "No space left" in info["reason"], info
    assert not [p for p in os.listdir(folder) if ".part" in p]


PNR = "19121212-1212"  # a Luhn-valid test number


def _pnr_store(path, keep: bool):
    with Store(path) as store:
        for i in range(4):
            text = f"Ärende {i} om bygglov. Sökande {PNR} ansöker om bygglov för garage {i}."
            store.put(Document(source=f"p{i}.txt", file_kind="text", text=text, tags=Tags()))
        if keep:
            store.set_personal_data(keep=True)
        assert fit_store(store)["fitted"]
        return json.load(open(model_paths(str(path))[1], encoding="utf-8"))["vocabulary"]


def test_the_vocabulary_holds_no_personnummer(tmp_path):
    vocab = _pnr_store(tmp_path / "masked.db", keep=False)
    assert "19121212" not in vocab and "1212" not in vocab
    assert "bygglov" in vocab
    kept = _pnr_store(tmp_path / "kept.db", keep=True)
    assert "19121212" in kept  # indexed --keep-personal-data: the user asked for it


def test_motioner_index_repairs_a_broken_model(tmp_path, run_cli):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i, words in enumerate(
        [
            "lekplatser gungor sandlådor",
            "badhus simbassäng bastu",
            "vägar gator asfalt",
            "skola lärare elever",
        ]
    ):
        (folder / f"d{i}.txt").write_text(f"Motion om {words}. Vi föreslår {words}.\n" * 3)
    db = tmp_path / "m.db"
    args = ["index", str(folder), "--db", str(db), "--jobs", "1", "--timeout", "0"]
    assert run_cli(*args).exit_code == 0
    npz, js = model_paths(str(db))
    open(js, "w").write("{")  # broken, and nothing changed since the last run
    out = run_cli(*args)
    assert out.exit_code == 0, out.output
    assert "semantic model" in out.stdout and "Traceback" not in out.output
    with Store(db, readonly=True) as store:
        assert load_model(store) is not None
