"""`motioner index`, `export`: the corpus database (search commands: cli/search.py)."""

from __future__ import annotations

import os
import sqlite3
import sys
import time

import click

from nlp_motioner.cli.db import db_option, db_path, fail, open_readonly
from nlp_motioner.cli.options import BatchArgs, batch_command, output_options, privacy_option
from nlp_motioner.cli.output import CsvWriter, interruptible, open_output, write_jsonl


# -------------------------------------------------------------------------------- index
def _open_for_index(path: str, keep: bool):
    """The database to index into, with its personal-data choice checked and recorded."""
    from nlp_motioner.indexer import PersonalDataConflict, record_personal_data_choice
    from nlp_motioner.store import SchemaError, Store

    try:
        store = Store(path)
    except SchemaError as exc:
        fail(str(exc))
    except sqlite3.DatabaseError as exc:
        fail(f"{path} is not a motioner database ({exc})")
    try:
        masked = record_personal_data_choice(store, keep)
    except PersonalDataConflict as exc:
        store.close()
        fail(str(exc))
    except sqlite3.Error as exc:
        store.close()
        fail(f"cannot write to {path} ({exc})")
    if masked is not None:
        click.echo(
            f"motioner: {path} was written before masking was recorded; identity numbers "
            f"masked in what it held ({masked} documents changed)",
            err=True,
        )
    return store


@click.command("index")
@batch_command(db_option)
@click.option(
    "--prune", is_flag=True, help="Also delete rows of files under PATHS that no longer exist."
)
@click.option("--no-semantic", is_flag=True, help="Skip refitting the semantic (LSA) model.")
@interruptible
def index_command(args: BatchArgs, db: str | None, prune: bool, no_semantic: bool) -> None:
    """Read, tag and store documents in the corpus database.

    Incremental: a file whose content hash is already stored is skipped, a
    changed file replaces its old rows in one transaction, and every file is
    committed as soon as it is done, so an interrupted run resumes where it
    stopped. Prints counts of new, unchanged, replaced and failed files; a file
    that fails gets one line on stderr and the exit status is 1. The semantic
    model used by `search` and `similar` is refitted when anything changed.
    Personnummer are masked before anything is stored, in every table, index
    and model file, unless --keep-personal-data is given (the database records
    which).

    \b
    Example:
        motioner index corpus/
        motioner index corpus/ --db kommun.db --jobs 2 --exclude 'labels/*'
        motioner index /shared/archive --db kommun.db --scheduler tcp://10.0.0.5:8786
    """
    from nlp_motioner.batch import WorkerStartError
    from nlp_motioner.cli.documents import collect_inputs, report_error
    from nlp_motioner.cli.output import printable, safe_streams
    from nlp_motioner.cli.progress import Progress
    from nlp_motioner.indexer import Indexer

    safe_streams()
    path = db_path(db)
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        fail(f"cannot create {path}: no such directory {parent}")
    inputs = collect_inputs(args.paths, args.files_from, args.include, args.exclude)
    store = _open_for_index(path, args.keep_personal_data)
    indexer = Indexer(
        store,
        keep_personal_data=args.keep_personal_data,
        **{**args.run_options(), "timeout": args.timeout or None},
    )
    counts = indexer.counts
    progress = Progress("files", len(inputs.files), quiet=args.quiet)
    t0 = time.perf_counter()
    try:
        indexer.index(
            inputs.files,
            on_file=progress.advance,
            skip_failure=lambda doc: inputs.walked_non_document(
                {"file_kind": doc.file_kind, "error": doc.error, "source": doc.source}
            ),
            on_failure=lambda source, error: report_error(
                source, error, keep_personal_data=args.keep_personal_data
            ),
        )
        if prune:
            roots = [p for p in inputs.named if os.path.isdir(p)]
            indexer.prune(roots + [p for p in args.paths if os.path.isdir(p)])
    except WorkerStartError as exc:  # no worker or Dask scheduler to run on: not a file's fault
        progress.close()
        store.close()
        fail(str(exc))
    except KeyboardInterrupt:
        progress.close()
        done = sum(counts.values())
        click.echo(
            f"motioner: interrupted after {done} of {len(inputs.files)} files; finished files "
            "are stored, rerun to resume",
            err=True,
        )
        store.close()
        sys.exit(130)
    except (sqlite3.Error, OSError) as exc:
        # A full disk or read-only media: one line; every file committed so far is kept.
        progress.close()
        store.close()
        click.echo(
            f"motioner: cannot write to {printable(path)} ({exc}); {counts['new'] + counts['replaced']} "
            "files stored before that, rerun to resume",
            err=True,
        )
        sys.exit(1)
    progress.close()
    elapsed = time.perf_counter() - t0
    summary = (
        f"{counts['new']} new, {counts['unchanged']} unchanged, {counts['replaced']} replaced, "
        f"{counts['failed']} failed"
    )
    if prune:
        summary += f", {counts['removed']} removed"
    if (line := inputs.skipped_line()) and not args.quiet:
        click.echo(line, err=True)
    click.echo(f"{summary} ({elapsed:.1f} s) -> {printable(path)}")
    if not no_semantic:
        _refit_semantic(store, indexer.changed, args.quiet)
    store.close()
    sys.exit(1 if counts["failed"] else 0)


def _refit_semantic(store, changed: int, quiet: bool) -> None:
    """Bring the LSA model beside the database up to date, and say how it went."""
    from nlp_motioner.cli.progress import Progress
    from nlp_motioner.indexer import refit_semantic

    def refitting(exc: Exception) -> None:
        click.echo(
            f"motioner: semantic model could not be loaded ({type(exc).__name__}); refitting",
            err=True,
        )

    progress = Progress("steps", None, quiet=quiet)
    try:
        info = refit_semantic(store, changed, progress=progress, on_refit=refitting)
    except KeyboardInterrupt:
        progress.close()
        click.echo(
            "motioner: interrupted while fitting the semantic model; the documents are "
            "stored, rerun to fit it",
            err=True,
        )
        store.close()
        sys.exit(130)
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        progress.close()
        click.echo(
            f"motioner: semantic model not updated ({type(exc).__name__}: {exc}); delete "
            f"{store.path}.lsa.npz and {store.path}.lsa.json and rerun to refit",
            err=True,
        )
        return
    progress.close()
    if info is None:
        return
    if info["fitted"] and info["mode"] == "folded":
        click.echo(
            f"semantic model: folded in {info['new_units']} new units "
            f"({info['units']} in all; refitted when a fifth are folded in) "
            f"({info['seconds']} s)"
        )
    elif info["fitted"]:
        click.echo(
            f"semantic model: {info['units']} units, {info['dimensions']} dimensions, "
            f"{info['vocabulary']} stems ({info['seconds']} s)"
        )
    else:
        click.echo(f"semantic model not fitted: {info['reason']}", err=True)


# -------------------------------------------------------------------------------- export
@click.command("export")
@db_option
@click.option(
    "--table",
    "table",
    # store.ALL_TABLES, spelled out so that `--help` does not import the store
    # (tests/store/test_export_serve.py exports every one of them through this option).
    type=click.Choice(
        [
            "documents",
            "items",
            "sections",
            "parties",
            "referral_bodies",
            "reservations",
            "case_numbers",
            "failures",
        ]
    ),
    default="documents",
    show_default=True,
)
@click.option("--no-text", is_flag=True, help="Leave out the full-text column.")
@privacy_option
@output_options(("jsonl", "csv", "parquet"), "jsonl")
@interruptible
def export_command(db, table, no_text, keep_personal_data, fmt, output) -> None:
    """Export a table of the corpus database as JSONL, CSV or Parquet.

    Personnummer in text columns are masked unless --keep-personal-data is
    given (a database indexed with masking holds no numbers to keep; stderr
    says which kind the database is). List columns (parties, referral bodies,
    case numbers) are lists in JSONL and Parquet and "; "-joined in CSV; in
    Parquet, dates are dates and integer columns nullable integers. For
    pandas, call nlp_motioner.store.frames(db) instead.

    \b
    Example:
        motioner export --format parquet -o documents.parquet
        motioner export --table items --format csv -o items.csv
        motioner export --table parties --format csv
    """
    from nlp_motioner.cli.output import Target, safe_streams
    from nlp_motioner.cli.parquet import TABLE_COLUMNS, ParquetWriter
    from nlp_motioner.store import iter_rows

    safe_streams()
    if fmt == "parquet" and not output:
        fail("--format parquet needs -o FILE")
    store = open_readonly(db)
    click.echo(f"motioner: personal data in {store.path}: {store.personal_data}", err=True)
    columns = dict(TABLE_COLUMNS[table])
    if no_text:
        columns.pop("text", None)
    try:
        rows = iter_rows(store, table, text=not no_text, mask=not keep_personal_data)
        if fmt == "parquet":
            with Target(output, binary=True) as fh:
                writer = ParquetWriter(fh, columns, batch_size=2000)
                try:
                    for rec in rows:
                        writer.write(rec)
                finally:
                    writer.close()
            return
        with open_output(output) as fh:
            if fmt == "jsonl":
                for rec in rows:
                    write_jsonl(fh, rec)
            else:
                w = CsvWriter(fh, list(columns))
                for rec in rows:
                    w.write(rec)
    except (sqlite3.Error, OSError) as exc:
        fail(f"cannot export {table} ({exc})")
    finally:
        store.close()


COMMANDS = [
    index_command,
    export_command,
]
