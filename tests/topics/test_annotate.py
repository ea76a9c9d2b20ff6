"""Topics in records: the per-file function fills cap_topic, cap_score and procedural on
documents and § items; the store and exports carry them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from nlp_motioner.cli import main
from nlp_motioner.pipeline import process
from nlp_motioner.topics import annotate

MOTION = "alingsas/kommunstyrelsen/2026-06-01/bilagor/motion-gallande-att-infora-laddstationer-for-alingsadegs-cyklister-amanda-andersson-mp.pdf"
MINUTES = "alingsas/kommunfullmaktige/2018-03-28/protokoll.pdf"


def test_documents_and_items_get_topics(corpus: Path) -> None:
    doc = process(corpus / MOTION)
    assert doc.tags.cap_topic == 10  # cycle charging: transport (codebook rule 25)
    assert 0 < doc.tags.cap_score <= 1 and doc.tags.procedural is False
    minutes = process(corpus / MINUTES)
    # Minutes hold many matters: topics per § item, none for the whole.
    assert minutes.tags.cap_topic is None and minutes.tags.procedural is None
    items = {it.paragraph: it.tags for it in minutes.items}
    resignations = [t for t in items.values() if (t.title or "").startswith("Avsägelse")]
    assert resignations and all(t.procedural for t in resignations)
    assert all(t.cap_topic == 20 for t in resignations if t.cap_topic is not None)


def test_topics_can_be_skipped(corpus: Path) -> None:
    doc = process(corpus / MOTION, do_topics=False)
    assert doc.tags.cap_topic is None and doc.tags.procedural is None


def test_a_broken_model_leaves_topics_empty(
    corpus: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    import importlib

    mod = importlib.import_module("nlp_motioner.topics.annotate")

    (tmp_path / "cap.json").write_text("{", encoding="utf-8")
    monkeypatch.setenv("MOTIONER_CAP_MODEL", str(tmp_path))
    mod._cache.clear()
    mod._warned.clear()
    doc = annotate(process(corpus / MOTION, do_topics=False))
    annotate(process(corpus / MOTION, do_topics=False))
    mod._cache.clear()
    assert doc.tags.cap_topic is None and doc.tags.procedural is False
    err = capsys.readouterr().err
    assert err.count("CAP topics left empty") == 1 and "delete it and refit" in err


def test_store_and_export_carry_topics(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    runner = CliRunner()
    runner.invoke(main, ["index", str(corpus / "alingsas"), "--db", str(db), "--no-semantic"])
    res = runner.invoke(main, ["export", "--db", str(db), "--no-text"])
    docs = [json.loads(line) for line in res.stdout.splitlines()]
    motion = next(d for d in docs if d["source"].endswith(MOTION.rsplit("/", 1)[1]))
    assert motion["cap_topic"] == 10 and motion["procedural"] is False
    res = runner.invoke(main, ["export", "--db", str(db), "--table", "items", "--no-text"])
    items = [json.loads(line) for line in res.stdout.splitlines()]
    assert any(i["procedural"] for i in items) and any(i["cap_topic"] for i in items)
    out = tmp_path / "items.parquet"
    runner.invoke(
        main, ["export", "--db", str(db), "--table", "items", "-f", "parquet", "-o", str(out)]
    )
    import pyarrow.parquet as pq

    schema = pq.read_schema(out)
    assert str(schema.field("cap_topic").type) == "int64"
    assert str(schema.field("procedural").type) == "bool"
