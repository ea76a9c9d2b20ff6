"""`motioner index`, `export`: the corpus database (search commands: cli/search.py)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import time
from typing import Any

import click

from nlp_motioner.cli.options import batch_options, output_options, privacy_option, scheduler_option
from nlp_motioner.cli.output import CsvWriter, open_output, write_jsonl

DB_HELP = "Database file (default: $MOTIONER_DB, else motioner.db)."


def db_option(fn):
    return click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=False),
        default=None,
        help=DB_HELP,
    )(fn)


def _db_path(db: str | None) -> str:
    from nlp_motioner.store import default_db_path

    return db or default_db_path()


def _fail(message: str) -> None:
    click.echo(f"motioner: {message}", err=True)
    sys.exit(2)


def _open_readonly(db: str | None):
    from nlp_motioner.store import SchemaError, Store

    path = _db_path(db)
    try:
        return Store(path, readonly=True)
    except (FileNotFoundError, SchemaError) as exc:
        _fail(str(exc))
    except Exception as exc:  # a file that is not SQLite at all
        _fail(f"cannot open {path}: {exc}")


# -------------------------------------------------------------------------------- index
def for_store(doc):
    """Runs in the worker: drop the layout lines, which the store does not keep."""
    doc.lines = []
    return doc


def _sha256_file(path: str) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


@click.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@db_option
@batch_options
@scheduler_option
@click.option(
    "--prune", is_flag=True, help="Also delete rows of files under PATHS that no longer exist."
)
@click.option("--no-semantic", is_flag=True, help="Skip refitting the semantic (LSA) model.")
def index_command(paths, db, jobs, ocr, max_pages, timeout, scheduler, prune, no_semantic) -> None:
    """Read, tag and store documents in the corpus database.

    Incremental: a file whose content hash is already stored is skipped, a
    changed file replaces its old rows in one transaction, and every file is
    committed as soon as it is done, so an interrupted run resumes where it
    stopped. Prints counts of new, unchanged, replaced and failed files; a file
    that fails gets one line on stderr and the exit status is 1. The semantic
    model used by `search` and `similar` is refitted when anything changed.

    \b
    Example:
        motioner index corpus/
        motioner index archive/ --db kommun.db --jobs 2
        motioner index /shared/archive --db kommun.db --scheduler tcp://10.0.0.5:8786
    """
    from nlp_motioner.batch import WorkerStartError, iter_files, run
    from nlp_motioner.cli.documents import Progress
    from nlp_motioner.store import SchemaError, Store

    path = _db_path(db)
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        _fail(f"cannot create {path}: no such directory {parent}")
    try:
        store = Store(path)
    except SchemaError as exc:
        _fail(str(exc))
    except sqlite3.DatabaseError as exc:
        _fail(f"{path} is not a motioner database ({exc})")
    counts = {"new": 0, "unchanged": 0, "replaced": 0, "failed": 0, "removed": 0}
    seen: set[str] = set()
    progress = Progress(enabled=True)
    t0 = time.perf_counter()

    def todo():
        for raw in iter_files(paths):
            source = os.path.normpath(raw)
            if source in seen:
                continue
            seen.add(source)
            stored = store.lookup(source)
            if stored is not None and stored == _sha256_file(source):
                counts["unchanged"] += 1
                progress.step(source)
                continue
            yield source

    try:
        for doc in run(
            todo(),
            jobs=jobs,
            timeout=timeout or None,
            scheduler=scheduler,
            post=for_store,
            ocr=ocr,
            max_pages=max_pages,
        ):
            progress.step(doc.source)
            if doc.error:
                counts["failed"] += 1
                store.record_failure(doc.source, doc.error, doc.sha256)
                click.echo(f"motioner: {doc.source}: {doc.error}", err=True)
                continue
            counts[store.put(doc, source=doc.source)] += 1
        if prune:
            roots = [os.path.normpath(p) for p in paths if os.path.isdir(p)]
            for source in list(store.sources()):
                if source in seen or os.path.exists(source):
                    continue
                if any(source.startswith(r.rstrip(os.sep) + os.sep) for r in roots):
                    counts["removed"] += int(store.remove(source))
    except WorkerStartError as exc:  # no worker or Dask scheduler to run on: not a file's fault
        progress.close()
        store.close()
        _fail(str(exc))
    except KeyboardInterrupt:
        progress.close()
        click.echo("motioner: interrupted; finished files are stored, rerun to resume", err=True)
        store.close()
        sys.exit(130)
    progress.close()
    elapsed = time.perf_counter() - t0
    summary = (
        f"{counts['new']} new, {counts['unchanged']} unchanged, {counts['replaced']} replaced, "
        f"{counts['failed']} failed"
    )
    if prune:
        summary += f", {counts['removed']} removed"
    click.echo(f"{summary} ({elapsed:.1f} s) -> {path}")
    changed = counts["new"] + counts["replaced"] + counts["removed"]
    if not no_semantic:
        from nlp_motioner.search import load_model
        from nlp_motioner.search.semantic import update_store

        loaded = load_model(store)
        stale = loaded is None or loaded[1].get("generation") != store.generation
        if (changed or stale) and store.counts()["units"]:
            info = update_store(store)
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
    store.close()
    sys.exit(1 if counts["failed"] else 0)


# -------------------------------------------------------------------------------- export
@click.command("export")
@db_option
@click.option(
    "--table",
    "table",
    type=click.Choice(["documents", "items", "sections"]),
    default="documents",
    show_default=True,
)
@click.option("--no-text", is_flag=True, help="Leave out the full-text column.")
@privacy_option
@output_options(("jsonl", "csv", "parquet"), "jsonl")
def export_command(db, table, no_text, keep_personal_data, fmt, output) -> None:
    """Export a table of the corpus database as JSONL, CSV or Parquet.

    Personnummer in text columns are masked unless --keep-personal-data is
    given. List columns (parties, referral bodies, case numbers) are lists in
    JSONL and Parquet and "; "-joined in CSV. For pandas, call
    nlp_motioner.store.frames(db) instead.

    \b
    Example:
        motioner export --format parquet -o documents.parquet
        motioner export --table items --format csv -o items.csv
    """
    from nlp_motioner.store import iter_rows

    store = _open_readonly(db)
    try:
        rows = iter_rows(store, table, text=not no_text, mask=not keep_personal_data)
        if fmt == "parquet":
            if not output:
                _fail("--format parquet needs -o FILE")
            _write_parquet(rows, output)
            return
        with open_output(output) as fh:
            if fmt == "jsonl":
                for rec in rows:
                    write_jsonl(fh, rec)
            else:
                first = next(rows, None)
                if first is None:
                    return
                w = CsvWriter(fh, list(first))
                w.write(first)
                for rec in rows:
                    w.write(rec)
    finally:
        store.close()


def _write_parquet(rows, output: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    directory = os.path.dirname(os.path.abspath(output))
    tmp = os.path.join(directory, f".motioner-{os.getpid()}.parquet.part")
    writer = None
    batch: list[dict[str, Any]] = []
    try:
        for rec in rows:
            batch.append(rec)
            if len(batch) >= 2000:
                writer = _flush_parquet(batch, writer, tmp, pa, pq)
                batch = []
        if batch or writer is None:
            writer = _flush_parquet(batch, writer, tmp, pa, pq)
        if writer is not None:
            writer.close()
        os.replace(tmp, output)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _flush_parquet(batch, writer, tmp, pa, pq):
    if not batch:
        schema = pa.schema([("id", pa.int64())])
        table = pa.Table.from_pylist([], schema=schema)
    elif writer is not None:
        table = pa.Table.from_pylist(batch, schema=writer.schema)
    else:
        table = pa.Table.from_pylist(batch)
        fields = []
        for f in table.schema:  # a column that is all null in the first batch: string
            if pa.types.is_null(f.type):
                f = f.with_type(pa.list_(pa.string()) if f.name in _LISTS else pa.string())
            fields.append(f)
        table = pa.Table.from_pylist(batch, schema=pa.schema(fields))
    if writer is None:
        writer = pq.ParquetWriter(tmp, table.schema)
    writer.write_table(table)
    return writer


_LISTS = {"diarienummer", "parties", "referral_bodies"}


COMMANDS = [
    index_command,
    export_command,
]
