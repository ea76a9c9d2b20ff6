"""`motioner eval` and nlp_motioner.evaluate on the bundled labels (corpus/labels)."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from nlp_motioner.cli import main
from nlp_motioner.cli.evaluate import eval_group
from nlp_motioner.evaluate import evaluate, format_table, load_labels, score

LABELS = ["seeds.jsonl", "dev-docs.jsonl", "dev-docs-more.jsonl", "dev-items.jsonl"]
FLOORS = {"doc_type": 0.95, "parties": 0.95, "outcome": 0.95, "outcome_stage": 0.95, "date": 0.9}


@pytest.fixture(scope="module")
def report(corpus):
    return evaluate([corpus / "labels" / name for name in LABELS])


def test_bundled_labels_meet_the_floors(report):
    for field, floor in FLOORS.items():
        assert report["fields"][field]["accuracy"] >= floor, (field, report["mistakes"])
    assert report["referral_bodies"]["f1"] >= 0.9
    assert report["items"]["recall"] >= 0.95
    assert report["items"]["outcome_accuracy"] >= 0.95


def test_report_counts_every_label(report, corpus):
    docs, items = load_labels([corpus / "labels" / name for name in LABELS])
    assert report["documents"] == len(docs) >= 20
    assert report["items"]["labels"] == len(items) >= 5
    assert all(f["total"] == len(docs) for f in report["fields"].values())


def test_table_has_fields_bodies_items_and_confusion(report):
    table = format_table(report)
    for word in (
        "doc_type",
        "diarienummer",
        "referral_bodies",
        "items:",
        "document outcome confusion",
        "item outcome confusion",
    ):
        assert word in table


def test_score_counts_mistakes_and_unreadable():
    docs = [
        {
            "name": "a",
            "_path": "a",
            "doc_type": "motion",
            "parties": ["S"],
            "outcome": None,
            "referral_bodies": ["Socialnämnden"],
        },
        {
            "name": "b",
            "_path": "b",
            "doc_type": "other",
            "unreadable": "html",
            "outcome": None,
            "referral_bodies": [],
        },
    ]
    items = [{"name": "a", "_path": "a", "paragraph": 3, "outcome": "bifall"}]
    records = {
        "a": {
            "doc_type": "motion",
            "parties": ["M"],
            "outcome": None,
            "referral_bodies": ["socialnämnden", "Tekniska nämnden"],
            "items": [],
        },
        "b": {"doc_type": "other", "error": "HTML error page", "items": []},
    }
    rep = score(docs, items, records)
    assert rep["fields"]["doc_type"]["accuracy"] == 1.0
    assert rep["fields"]["parties"]["accuracy"] == 0.0  # only "a" labels parties
    assert rep["referral_bodies"]["tp"] == 1 and rep["referral_bodies"]["fp"] == 1
    assert rep["items"]["recall"] == 0.0


def test_cli_takes_label_files_directly(corpus):
    result = CliRunner().invoke(
        main, ["eval", str(corpus / "labels" / "seeds.jsonl"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["documents"] == 4
    assert data["fields"]["doc_type"]["accuracy"] == 1.0


def test_cli_root_option_and_table(corpus):
    result = CliRunner().invoke(
        main, ["eval", "labels", str(corpus / "labels" / "dev-items.jsonl"), "--root", str(corpus)]
    )
    assert result.exit_code == 0, result.output
    assert "items: 5 labelled" in result.output


def test_other_areas_can_add_eval_subcommands():
    @click.command("dummy")
    def dummy() -> None:
        """Example:

        motioner eval dummy
        """
        click.echo("dummy ran")

    eval_group.add_command(dummy)
    try:
        result = CliRunner().invoke(main, ["eval", "dummy"])
        assert result.exit_code == 0 and "dummy ran" in result.output
    finally:
        eval_group.commands.pop("dummy")


def test_a_label_for_a_missing_file_is_named_and_scores_nothing(tmp_path):
    """A wrong root must show as missing files, not as a quietly bad score; and a missing
    file is not 'unreadable' (no doc_type is credited to it)."""
    labels = tmp_path / "labels.jsonl"
    labels.write_text(
        json.dumps({"name": "nowhere/motion.pdf", "doc_type": "other", "unreadable": "html"})
        + "\n",
        encoding="utf-8",
    )
    report = evaluate([labels], root=tmp_path)
    assert report["missing_files"] == [str(tmp_path / "nowhere" / "motion.pdf")]
    assert report["fields"]["doc_type"] == {"correct": 0, "total": 1, "accuracy": 0.0}
    result = CliRunner().invoke(main, ["eval", "labels", str(labels), "--root", str(tmp_path)])
    assert "nowhere/motion.pdf: labelled file not found" in result.output
