"""`motioner read` and `motioner tag`: one record per input file."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from functools import partial
from typing import Any

import click

from nlp_motioner.batch import WorkerStartError, iter_files, run
from nlp_motioner.cli.options import batch_options, output_options, privacy_option, scheduler_option
from nlp_motioner.cli.output import CsvWriter, TableWriter, open_output, open_parquet, write_jsonl
from nlp_motioner.privacy import mask_record
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


def report_error(source: str, error: str) -> None:
    """The one stderr line for a file that failed: the file, then the reason."""
    click.echo(f"motioner: {source}: {error}", err=True)


def _guarded(records: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Turn "no worker can start" (a broken install, not a bad file) into one error line."""
    try:
        yield from records
    except WorkerStartError as exc:
        raise click.ClickException(str(exc)) from None


# The per-file work ends in these functions, inside the worker process, so only small
# records (not whole documents with their layout lines) travel back to the writer.


def _structure_record(
    doc: Document, with_text: bool = False, keep_personal_data: bool = False
) -> dict[str, Any]:
    if doc.error:
        return {"source": doc.source, "kind": doc.kind, "error": doc.error}
    rec = doc.to_dict(include_text=with_text)
    rec.pop("tags", None)
    return rec if keep_personal_data else mask_record(rec)


def _tag_record(doc: Document, keep_personal_data: bool = False) -> dict[str, Any]:
    rec = doc.tag_record()
    return rec if keep_personal_data else mask_record(rec)


READ_TABLE = [("source", 50), ("kind", 9), ("pages", 5), ("sections", 60), ("items", 30)]


@click.command("read")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@output_options(("jsonl", "table"), "table")
@batch_options
@scheduler_option
@privacy_option
@click.option("--text", "with_text", is_flag=True, help="Include the full text in JSONL records.")
def read_command(
    paths, fmt, output, jobs, ocr, max_pages, timeout, scheduler, keep_personal_data, with_text
) -> None:
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
        post = partial(
            _structure_record,
            with_text=with_text and fmt == "jsonl",
            keep_personal_data=keep_personal_data,
        )
        records = run(
            iter_files(paths),
            jobs=jobs,
            timeout=timeout,
            scheduler=scheduler,
            post=post,
            ocr=ocr,
            max_pages=max_pages,
            do_tag=False,
        )
        for rec in _guarded(records):
            progress.step(rec["source"])
            error = rec.get("error")
            if error:
                failed += 1
                report_error(rec["source"], error)
            if table:
                sections = rec.get("sections") or []
                items = rec.get("items") or []
                table.write(
                    {
                        "source": rec["source"],
                        "kind": rec["kind"],
                        "pages": rec.get("page_count", 0),
                        "sections": "ERROR: " + error
                        if error
                        else ", ".join(sec["kind"] for sec in sections if not items) or "-",
                        "items": ", ".join(f"§{it['paragraph']}" for it in items),
                    }
                )
            else:
                write_jsonl(fh, rec)
    progress.close()
    sys.exit(1 if failed else 0)


TAG_COLUMNS = [
    "source",
    "doc_type",
    "title",
    "date",
    "diarienummer",
    "organisation",
    "parties",
    "referral_bodies",
    "outcome",
    "outcome_stage",
    "evidence",
    "error",
]
# Parquet columns of a tag record; sections and items are stored as JSON strings.
TAG_PARQUET = {
    "source": "string",
    "kind": "string",
    "doc_type": "string",
    "title": "string",
    "date": "string",
    "diarienummer": "strings",
    "organisation": "string",
    "parties": "strings",
    "referral_bodies": "strings",
    "outcome": "string",
    "outcome_stage": "string",
    "evidence": "string",
    "page_count": "int",
    "error": "string",
}
TAG_TABLE = [
    ("source", 40),
    ("doc_type", 17),
    ("date", 10),
    ("parties", 9),
    ("outcome", 10),
    ("outcome_stage", 8),
    ("referral_bodies", 30),
    ("title", 50),
]


@click.command("tag")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@output_options(("jsonl", "csv", "table", "parquet"), "jsonl")
@batch_options
@scheduler_option
@privacy_option
@click.option("--unordered", is_flag=True, help="Write records as they finish, not in input order.")
def tag_command(
    paths, fmt, output, jobs, ocr, max_pages, timeout, scheduler, keep_personal_data, unordered
) -> None:
    """Tag documents: type, date, case numbers, parties, referral bodies, outcome.

    Writes one record per input file; a file that cannot be read still gets a
    record with an `error` field, one line on stderr, and the exit status is 1.
    A file that takes longer than --timeout is stopped and reported the same way.
    Personnummer and samordningsnummer are masked ([personnummer]) unless
    --keep-personal-data is given. Put file names that start with "-" after "--".

    \b
    Example:
        motioner tag corpus/ --format table
        motioner tag archive/ --jobs 2 --timeout 60 -o tags.jsonl
        motioner tag archive/ --scheduler tcp://10.0.0.5:8786 -f parquet -o tags.parquet
        motioner tag -- -konstigt-namn.pdf
    """
    failed = 0
    progress = Progress(enabled=True)
    if fmt == "parquet" and not output:
        raise click.UsageError("--format parquet needs --output FILE")
    sink = (
        open_parquet(output, TAG_PARQUET, ["sections", "items"])
        if fmt == "parquet"
        else open_output(output)
    )
    with sink as fh:
        writer: Any = None
        if fmt == "parquet":
            writer = fh
        elif fmt == "csv":
            writer = CsvWriter(fh, TAG_COLUMNS + ["items"])
        elif fmt == "table":
            writer = TableWriter(fh, TAG_TABLE)
        records = run(
            iter_files(paths),
            jobs=jobs,
            ordered=not unordered,
            timeout=timeout,
            scheduler=scheduler,
            post=partial(_tag_record, keep_personal_data=keep_personal_data),
            ocr=ocr,
            max_pages=max_pages,
        )
        for rec in _guarded(records):
            progress.step(rec["source"])
            error = rec.get("error")
            if error:
                failed += 1
                report_error(rec["source"], error)
            if writer is None:
                write_jsonl(fh, rec)
            elif fmt == "parquet":
                writer.write(rec)
            elif fmt == "csv":
                rec["items"] = [
                    f"§{i['paragraph']} {i.get('outcome') or ''}".strip() for i in rec["items"]
                ]
                writer.write(rec)
            else:
                if error:
                    rec["title"] = "ERROR: " + error
                writer.write(rec)
    progress.close()
    sys.exit(1 if failed else 0)


COMMANDS = [read_command, tag_command]
