"""`motioner index`, `export`: the corpus database (search commands: cli/search.py)."""

from __future__ import annotations

import base64
import contextlib
import os
import sqlite3
import sys
import time
from typing import Any

import click

from nlp_motioner.cli.db import db_option, db_path, fail, open_readonly
from nlp_motioner.cli.options import (
    batch_options,
    input_options,
    output_options,
    privacy_option,
    quiet_option,
    scheduler_option,
)
from nlp_motioner.cli.output import (
    CsvWriter,
    interruptible,
    open_output,
    surrogate_safe,
    write_jsonl,
)


# -------------------------------------------------------------------------------- index
def index_one(
    path: str,
    *,
    known_sha256: str | None = None,
    keep_personal_data: bool = False,
    **options: Any,
):
    """The per-file function of `index`, run in the worker: hash, skip if unchanged, else
    read and tag; identity numbers masked before anything reaches the database."""
    from nlp_motioner.batch import hash_file
    from nlp_motioner.pipeline import process
    from nlp_motioner.privacy import mask_document
    from nlp_motioner.record import Document

    if known_sha256 is not None:
        sha = hash_file(path)
        if sha == known_sha256:
            return Document(
                source=path, file_kind="unknown", sha256=sha, metadata={"unchanged": True}
            )
    doc = process(path, **options)
    doc.lines = []  # the store does not keep layout lines; they need not cross processes
    return doc if keep_personal_data else mask_document(doc)


def _sha256_file(path: str) -> str | None:
    from nlp_motioner.batch import hash_file

    return hash_file(path)


def _personal_data_choice(store, keep: bool, path: str) -> None:
    """The database records whether it holds masked text; one database, one choice."""
    have = store.personal_data
    want = "kept" if keep else "masked"
    if have in ("masked", "kept") and have != want:
        store.close()
        if have == "masked":
            fail(
                f"{path} holds masked text; --keep-personal-data cannot be added to it "
                "(index into a new database)"
            )
        fail(
            f"{path} was indexed with --keep-personal-data; give it again, or index into "
            "a new database to store masked text"
        )
    if have == "unknown" and not keep:
        from nlp_motioner.store.masking import mask_stored

        n = mask_stored(store)
        click.echo(
            f"motioner: {path} was written before masking was recorded; identity numbers "
            f"masked in what it held ({n} documents changed)",
            err=True,
        )
    store.set_personal_data(keep)


@click.command("index")
@click.argument("paths", nargs=-1, type=click.Path())
@input_options
@db_option
@batch_options
@scheduler_option
@privacy_option
@quiet_option
@click.option(
    "--prune", is_flag=True, help="Also delete rows of files under PATHS that no longer exist."
)
@click.option("--no-semantic", is_flag=True, help="Skip refitting the semantic (LSA) model.")
@interruptible
def index_command(
    paths,
    files_from,
    include,
    exclude,
    db,
    jobs,
    ocr,
    max_pages,
    timeout,
    scheduler,
    keep_personal_data,
    quiet,
    prune,
    no_semantic,
) -> None:
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
    from nlp_motioner.batch import WorkerStartError, run
    from nlp_motioner.cli.documents import collect_inputs, report_error
    from nlp_motioner.cli.output import printable, safe_streams, sigterm_as_interrupt
    from nlp_motioner.cli.progress import Progress
    from nlp_motioner.store import SchemaError, Store

    safe_streams()
    sigterm_as_interrupt()
    path = db_path(db)
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        fail(f"cannot create {path}: no such directory {parent}")
    inputs = collect_inputs(paths, files_from, include, exclude)
    try:
        store = Store(path)
    except SchemaError as exc:
        fail(str(exc))
    except sqlite3.DatabaseError as exc:
        fail(f"{path} is not a motioner database ({exc})")
    try:
        _personal_data_choice(store, keep_personal_data, path)
    except sqlite3.Error as exc:
        store.close()
        fail(f"cannot write to {path} ({exc})")
    counts = {"new": 0, "unchanged": 0, "replaced": 0, "failed": 0, "removed": 0}
    seen: set[str] = set()
    progress = Progress("files", len(inputs.files), quiet=quiet)
    t0 = time.perf_counter()

    def todo():
        for raw in inputs.files:
            source = os.path.normpath(raw)
            shown = surrogate_safe(source)
            if shown in seen:
                progress.advance()
                continue
            seen.add(shown)
            yield (source, {"known_sha256": store.lookup(shown)})

    try:
        for doc in run(
            todo(),
            jobs=jobs,
            timeout=timeout or None,
            scheduler=scheduler,
            fn=index_one,
            ocr=ocr,
            max_pages=max_pages,
            keep_personal_data=keep_personal_data,
        ):
            progress.advance()
            raw, doc.source = doc.source, surrogate_safe(doc.source)
            if doc.source != raw:
                doc.metadata["source_base64"] = base64.b64encode(os.fsencode(raw)).decode()
            if doc.metadata.get("unchanged"):
                counts["unchanged"] += 1
                continue
            if doc.error:
                if inputs.walked_non_document(
                    {"file_kind": doc.file_kind, "error": doc.error, "source": doc.source}
                ):
                    continue
                counts["failed"] += 1
                store.record_failure(doc.source, doc.error, doc.sha256)
                report_error(doc.source, doc.error, keep_personal_data=keep_personal_data)
                continue
            counts[store.put(doc, source=doc.source)] += 1
        if prune:
            roots = [os.path.normpath(p) for p in inputs.named if os.path.isdir(p)]
            roots += [os.path.normpath(p) for p in paths if os.path.isdir(p)]
            for source, on_disk in list(store.stored_paths()):
                if source in seen or os.path.exists(on_disk):
                    continue
                if any(source.startswith(r.rstrip(os.sep) + os.sep) for r in roots):
                    counts["removed"] += int(store.remove(source))
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
    if (line := inputs.skipped_line()) and not quiet:
        click.echo(line, err=True)
    click.echo(f"{summary} ({elapsed:.1f} s) -> {printable(path)}")
    changed = counts["new"] + counts["replaced"] + counts["removed"]
    if not no_semantic:
        _refit_semantic(store, changed, quiet)
    store.close()
    sys.exit(1 if counts["failed"] else 0)


def _refit_semantic(store, changed: int, quiet: bool) -> None:
    """Bring the LSA model beside the database up to date, reporting progress if it can."""
    import inspect

    from nlp_motioner.cli.progress import Progress
    from nlp_motioner.search import load_model
    from nlp_motioner.search.semantic import update_store

    try:
        loaded = load_model(store)
    except Exception:  # a damaged model file: refit it  # noqa: BLE001
        loaded = None
    stale = loaded is None or loaded[1].get("generation") != store.generation
    if not ((changed or stale) and store.counts()["units"]):
        return
    # The hook for a progress callback: update_store reports through it once it takes one.
    kwargs: dict[str, Any] = {}
    progress = Progress("steps", None, quiet=quiet)
    if "progress" in inspect.signature(update_store).parameters:
        kwargs["progress"] = progress
    try:
        try:
            info = update_store(store, **kwargs)
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            # A model file that cannot be loaded (damaged, another version): refit from
            # scratch rather than stop; the files are rebuilt from the stored units.
            click.echo(
                f"motioner: semantic model could not be loaded ({type(exc).__name__}); refitting",
                err=True,
            )
            for suffix in (".lsa.npz", ".lsa.json"):
                with contextlib.suppress(OSError):
                    os.unlink(store.path + suffix)
            info = update_store(store, **kwargs)
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


# -------------------------------------------------------------------------------- output
HIT_COLUMNS = [
    "score",
    "matched",
    "source",
    "paragraph",
    "title",
    "doc_type",
    "date",
    "parties",
    "outcome",
    "outcome_stage",
    "referral_bodies",
    "organisation",
    "diarienummer",
    "snippet",
]


# -------------------------------------------------------------------------------- export
@click.command("export")
@db_option
@click.option(
    "--table",
    "table",
    type=click.Choice(
        ["documents", "items", "sections", "parties", "referral_bodies", "case_numbers", "failures"]
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
