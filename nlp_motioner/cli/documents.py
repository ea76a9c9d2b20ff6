"""`motioner read` and `motioner tag`: one record per input file."""

from __future__ import annotations

import base64
import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import click

from nlp_motioner.batch import WalkStats, WorkerStartError, iter_files, read_path_list, run
from nlp_motioner.cli.options import BatchArgs, batch_command, output_options
from nlp_motioner.cli.output import (
    CsvWriter,
    TableWriter,
    Target,
    echo_err,
    interruptible,
    open_output,
    safe_streams,
    surrogate_safe,
    write_jsonl,
)
from nlp_motioner.cli.parquet import TAG_COLUMNS, ParquetWriter, valid_date
from nlp_motioner.cli.progress import Progress
from nlp_motioner.interrupts import uninterrupted
from nlp_motioner.privacy import mask, mask_document, mask_record
from nlp_motioner.record import Document

# Kinds of file that are data, not documents: skipped (and counted) when a directory walk
# finds them, an error when the file is named on the command line.
NOT_DOCUMENT_KINDS = {"json", "image", "archive", "program"}


def report_error(source: str, error: str, *, keep_personal_data: bool = False) -> None:
    """The one stderr line for a file that failed: the file, then the reason."""
    echo_err(f"motioner: {source}: {error if keep_personal_data else mask(error)}")


@dataclass
class Inputs:
    """The files a batch command reads, and what choosing them left out."""

    files: list[str]
    named: set[str]
    stats: WalkStats = field(default_factory=WalkStats)

    def skipped_line(self) -> str | None:
        n = self.stats.not_documents
        if not n:
            return None
        examples = ", ".join(self.stats.examples) + (", …" if n > len(self.stats.examples) else "")
        return (
            f"motioner: skipped {n} file(s) that are not documents ({examples}); "
            "name a file to read it anyway"
        )

    def walked_non_document(self, rec: dict[str, Any]) -> bool:
        """A data file found by a walk (not named): counted as skipped, not as failed."""
        if rec.get("file_kind") in NOT_DOCUMENT_KINDS and rec.get("error"):
            if rec["source"] not in self.named:
                self.stats.not_documents += 1
                if len(self.stats.examples) < 3:
                    self.stats.examples.append(os.path.basename(rec["source"]))
                return True
        return False


def collect_inputs(
    paths: tuple[str, ...], files_from: Any, include: tuple[str, ...], exclude: tuple[str, ...]
) -> Inputs:
    """PATHS ("-" reads a list from stdin) and --files-from, walked; a usage error if none."""
    named: list[str] = []
    for p in paths:
        if p == "-":
            named.extend(read_path_list(sys.stdin.buffer))
        else:
            named.append(p)
    if files_from is not None:
        named.extend(read_path_list(files_from))
    if not named:
        raise click.UsageError("no input: give PATHS, '-' or --files-from FILE")
    stats = WalkStats()
    files = list(iter_files(named, include=include, exclude=exclude, stats=stats))
    shown = {surrogate_safe(p) for p in named if not os.path.isdir(p)}
    return Inputs(files, shown, stats)


def _guarded(records: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Turn "no worker can start" (a broken install, not a bad file) into one error line."""
    try:
        yield from records
    except WorkerStartError as exc:
        raise click.ClickException(str(exc)) from None


def interrupted(done: int, total: int, output: str | None) -> None:
    """The one line for Ctrl-C / SIGTERM, and exit status 130."""
    where = f"; {output} holds their records" if output else ""
    echo_err(f"motioner: interrupted after {done} of {total} files{where}")
    sys.exit(130)


class BatchRun:
    """The accounting every batch command shares: progress, skipped data files, failures,
    the interrupt line and the exit status."""

    def __init__(self, args: BatchArgs, *, unit: str = "files") -> None:
        self.args = args
        self.inputs = collect_inputs(args.paths, args.files_from, args.include, args.exclude)
        self.quiet = args.quiet
        self.progress = Progress(unit, len(self.inputs.files), quiet=args.quiet)
        self.failed = 0
        self.done = 0

    def records(
        self, post: Callable[[Document], dict[str, Any]], **options: Any
    ) -> Iterator[dict[str, Any]]:
        """Each file processed (`post` turns its Document into a record in the worker), in
        the records to write: data files a walk found are left out, failures reported."""
        records = run(self.inputs.files, post=post, **self.args.run_options(), **options)
        for rec in _guarded(records):
            self.progress.advance()
            if self.inputs.walked_non_document(rec):
                continue
            if rec.get("error"):
                self.failed += 1
                report_error(rec["source"], rec["error"], keep_personal_data=True)
            yield rec

    def keep(self, write: Callable[[dict[str, Any]], None], rec: dict[str, Any]) -> None:
        """Write one record and count it, with Ctrl-C and SIGTERM held off until both are
        done: the interrupt line's count is then the number of records in the output."""
        with uninterrupted:
            write(rec)
            self.done += 1

    def interrupted(self, output: str | None) -> None:
        self.progress.close()
        interrupted(self.done, len(self.inputs.files), output)

    def finish(self) -> None:
        self.progress.close()
        if (line := self.inputs.skipped_line()) and not self.quiet:
            echo_err(line)
        sys.exit(1 if self.failed else 0)


# The per-file work ends in these functions, inside the worker process, so only small
# records (not whole documents with their layout lines) travel back to the writer.


def _name_fields(rec: dict[str, Any], source: str) -> dict[str, Any]:
    """`source` as a displayable string; the exact bytes too when the name is not UTF-8."""
    shown = surrogate_safe(source)
    rec["source"] = shown
    if shown != source:
        rec["source_base64"] = base64.b64encode(os.fsencode(source)).decode("ascii")
    return rec


def _structure_record(
    doc: Document, with_text: bool = False, keep_personal_data: bool = False
) -> dict[str, Any]:
    if doc.error:
        error = doc.error if keep_personal_data else mask(doc.error)
        return _name_fields(
            {"source": doc.source, "file_kind": doc.file_kind, "error": error}, doc.source
        )
    if not keep_personal_data:
        doc = mask_document(doc)
    rec = doc.to_dict(include_text=with_text)
    rec.pop("tags", None)
    return _name_fields(rec, doc.source)


def _tag_record(doc: Document, keep_personal_data: bool = False) -> dict[str, Any]:
    # The tag record holds no text, so masking its strings is enough (no masked copy of
    # the whole document is made); its offsets index the file's own text.
    rec = doc.tag_record()
    if not keep_personal_data:
        rec = mask_record(rec)
    rec["date"] = valid_date(rec.get("date"))
    for item in rec.get("items") or []:
        item["date"] = valid_date(item.get("date"))
    return _name_fields(rec, doc.source)


READ_TABLE = [("source", 50), ("file_kind", 9), ("pages", 5), ("sections", 60), ("items", 30)]


def _read_row(table: TableWriter, rec: dict[str, Any]) -> None:
    error = rec.get("error")
    sections = rec.get("sections") or []
    items = rec.get("items") or []
    table.write(
        {
            "source": rec["source"],
            "file_kind": rec["file_kind"],
            "pages": rec.get("page_count", 0),
            "sections": "ERROR: " + error
            if error
            else ", ".join(sec["role"] for sec in sections if not items) or "-",
            "items": ", ".join(f"§{it['paragraph']}" for it in items),
        }
    )


@click.command("read")
@batch_command(output_options(("jsonl", "table"), "table"))
@click.option("--text", "with_text", is_flag=True, help="Include the full text in JSONL records.")
@interruptible
def read_command(args: BatchArgs, fmt: str, output: str | None, with_text: bool) -> None:
    """Read documents and print their structure: sections and § items.

    Directories are walked recursively. A file that cannot be read gets one
    line on stderr, and the exit status is 1.

    \b
    Example:
        motioner read corpus/alingsas/tekniska-namnden/2026-05-18/protokoll.pdf
        motioner read corpus/ --format jsonl -o structure.jsonl
    """
    safe_streams()
    batch = BatchRun(args)
    post = partial(
        _structure_record,
        with_text=with_text and fmt == "jsonl",
        keep_personal_data=args.keep_personal_data,
    )
    try:
        with open_output(output) as fh:
            table = TableWriter(fh, READ_TABLE) if fmt == "table" else None
            write = partial(write_jsonl, fh) if table is None else partial(_read_row, table)
            for rec in batch.records(post, do_tag=False):
                batch.keep(write, rec)
    except KeyboardInterrupt:
        batch.interrupted(output)
    batch.finish()


# One column set for CSV and Parquet (cli/parquet.py); sections and items as JSON.
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


@contextlib.contextmanager
def _parquet_sink(output: str) -> Iterator[ParquetWriter]:
    with Target(output, binary=True) as fh:
        writer = ParquetWriter(fh, TAG_COLUMNS)
        try:
            yield writer
        except KeyboardInterrupt:
            with uninterrupted:  # a second signal must not cut the footer short
                writer.close()  # the footer: the finished records form a valid file
            raise
        except BaseException:
            with contextlib.suppress(Exception):
                writer.close()
            raise
        writer.close()


class _CsvRecords(CsvWriter):
    def write(self, record: dict[str, Any]) -> None:
        import json

        for key in ("sections", "items"):
            record[key] = json.dumps(record.get(key) or [], ensure_ascii=False)
        super().write(record)


@click.command("tag")
@batch_command(output_options(("jsonl", "csv", "table", "parquet"), "jsonl"))
@click.option("--unordered", is_flag=True, help="Write records as they finish, not in input order.")
@interruptible
def tag_command(args: BatchArgs, fmt: str, output: str | None, unordered: bool) -> None:
    """Tag documents: type, date, case numbers, parties, referral bodies, outcome.

    Writes one record per input file; a file that cannot be read still gets a
    record with an `error` field, one line on stderr, and the exit status is 1.
    A file that takes longer than --timeout is stopped and reported the same way.
    Personnummer and samordningsnummer are masked ([personnummer]) unless
    --keep-personal-data is given. Files found by walking a folder that are not
    documents (README, label files, images) are skipped and counted. Put file
    names that start with "-" after "--"; "-" alone reads a list of paths from
    stdin. Ctrl-C keeps the finished records in FILE and exits with status 130.

    \b
    Example:
        motioner tag corpus/ --format table
        motioner tag corpus/ --include '*.pdf' -f csv -o tags.csv
        motioner tag corpus/ --jobs 2 --timeout 60 -o tags.jsonl
        motioner tag archive/ --scheduler tcp://10.0.0.5:8786 -f parquet -o tags.parquet
        find corpus/ -name '*.txt' | motioner tag - -f table
    """
    safe_streams()
    if fmt == "parquet" and not output:
        raise click.UsageError("--format parquet needs --output FILE")
    batch = BatchRun(args)
    sink = _parquet_sink(output) if fmt == "parquet" else open_output(output)
    try:
        with sink as fh:
            write: Callable[[dict[str, Any]], None] = partial(write_jsonl, fh)
            if fmt == "parquet":
                write = fh.write
            elif fmt == "csv":
                write = _CsvRecords(fh, list(TAG_COLUMNS)).write
            elif fmt == "table":
                write = TableWriter(fh, TAG_TABLE).write
            post = partial(_tag_record, keep_personal_data=args.keep_personal_data)
            for rec in batch.records(post, ordered=not unordered):
                if rec.get("error") and fmt == "table":
                    rec["title"] = "ERROR: " + rec["error"]
                batch.keep(write, rec)
    except KeyboardInterrupt:
        batch.interrupted(output)
    batch.finish()


COMMANDS = [read_command, tag_command]
