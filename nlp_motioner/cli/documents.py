"""`motioner read` and `motioner tag`: one record per input file."""

from __future__ import annotations

import sys
from typing import Any

import click

from nlp_motioner.batch import iter_files, run
from nlp_motioner.cli.options import batch_options, output_options
from nlp_motioner.cli.output import CsvWriter, TableWriter, open_output, write_jsonl
from nlp_motioner.record import Document


class Progress:
    """A one-line counter on stderr for batches of more than a few files (only on a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.count = 0

    def step(self, source: str) -> None:
        self.count += 1
        if self.enabled and self.count > 3:
            click.echo(f"\r{self.count} files … {source[-60:]:<60}", err=True, nl=False)

    def close(self) -> None:
        if self.enabled and self.count > 3:
            click.echo("", err=True)


def report_error(doc: Document) -> None:
    click.echo(f"motioner: {doc.source}: {doc.error}", err=True)


def _structure_record(doc: Document) -> dict[str, Any]:
    if doc.error:
        return {"source": doc.source, "kind": doc.kind, "error": doc.error}
    rec = doc.to_dict(include_text=False)
    rec.pop("tags", None)
    return rec


READ_TABLE = [("source", 50), ("kind", 9), ("pages", 5), ("sections", 60), ("items", 30)]


@click.command("read")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@output_options(("jsonl", "table"), "table")
@batch_options
@click.option("--text", "with_text", is_flag=True, help="Include the full text in JSONL records.")
def read_command(paths, fmt, output, jobs, ocr, max_pages, with_text) -> None:
    """Read documents and print their structure: sections and § items.

    Directories are walked recursively. A file that cannot be read gets one
    line on stderr, and the exit status is 1.

    \b
    Example:
        motioner read corpus/alingsas/protokoll-ten-2026-05-18.pdf
        motioner read corpus/ --format jsonl -o structure.jsonl
    """
    failed = 0
    progress = Progress(enabled=True)
    with open_output(output) as fh:
        table = TableWriter(fh, READ_TABLE) if fmt == "table" else None
        for doc in run(iter_files(paths), jobs=jobs, ocr=ocr, max_pages=max_pages, do_tag=False):
            progress.step(doc.source)
            if doc.error:
                failed += 1
                report_error(doc)
            if table:
                table.write(
                    {
                        "source": doc.source,
                        "kind": doc.kind,
                        "pages": doc.page_count,
                        "sections": "ERROR: " + doc.error if doc.error else
                        ", ".join(s.kind for s in doc.sections if not doc.items) or "-",
                        "items": ", ".join(f"§{i.paragraph}" for i in doc.items),
                    }
                )
            else:
                rec = _structure_record(doc)
                if with_text and not doc.error:
                    rec["text"] = doc.text
                write_jsonl(fh, rec)
    progress.close()
    sys.exit(1 if failed else 0)


TAG_COLUMNS = [
    "source", "doc_type", "title", "date", "diarienummer", "organisation", "parties",
    "referral_bodies", "outcome", "outcome_stage", "evidence", "error",
]
TAG_TABLE = [
    ("source", 40), ("doc_type", 17), ("date", 10), ("parties", 9), ("outcome", 10),
    ("outcome_stage", 8), ("referral_bodies", 30), ("title", 50),
]


@click.command("tag")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@output_options(("jsonl", "csv", "table"), "jsonl")
@batch_options
@click.option("--unordered", is_flag=True, help="Write records as they finish, not in input order.")
def tag_command(paths, fmt, output, jobs, ocr, max_pages, unordered) -> None:
    """Tag documents: type, date, case numbers, parties, referral bodies, outcome.

    Writes one record per input file; a file that cannot be read still gets a
    record with an `error` field, one line on stderr, and the exit status is 1.

    \b
    Example:
        motioner tag corpus/ --format table
        motioner tag archive/ --jobs 2 -o tags.jsonl
    """
    failed = 0
    progress = Progress(enabled=True)
    with open_output(output) as fh:
        writer: Any = None
        if fmt == "csv":
            writer = CsvWriter(fh, TAG_COLUMNS + ["items"])
        elif fmt == "table":
            writer = TableWriter(fh, TAG_TABLE)
        for doc in run(
            iter_files(paths), jobs=jobs, ordered=not unordered, ocr=ocr, max_pages=max_pages
        ):
            progress.step(doc.source)
            rec = doc.tag_record()
            if doc.error:
                failed += 1
                report_error(doc)
            if writer is None:
                write_jsonl(fh, rec)
            elif fmt == "csv":
                rec["items"] = [f"§{i['paragraph']} {i.get('outcome') or ''}".strip() for i in rec["items"]]
                writer.write(rec)
            else:
                if doc.error:
                    rec["title"] = "ERROR: " + doc.error
                writer.write(rec)
    progress.close()
    sys.exit(1 if failed else 0)


COMMANDS = [read_command, tag_command]
