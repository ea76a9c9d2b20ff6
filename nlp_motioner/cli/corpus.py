"""`motioner index`, `search`, `similar`, `case`, `export`, `serve`: the corpus database."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import time
from typing import Any

import click

from nlp_motioner.cli.options import batch_options, output_options, privacy_option, scheduler_option
from nlp_motioner.cli.output import CsvWriter, TableWriter, open_output, write_jsonl

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


def filter_options(fn):
    opts = [
        click.option("--party", multiple=True, help="Party code, e.g. S or MP (repeatable)."),
        click.option("--outcome", multiple=True, help="bifall, avslag, besvarad, … (repeatable)."),
        click.option("--type", "doc_type", multiple=True, help="Document type, e.g. motion."),
        click.option("--body", multiple=True, help="Referral body (substring, repeatable)."),
        click.option("--organisation", multiple=True, help="Organisation (substring)."),
        click.option(
            "--from", "date_from", metavar="DATE", help="On or after DATE (YYYY[-MM[-DD]])."
        ),
        click.option("--to", "date_to", metavar="DATE", help="On or before DATE (YYYY[-MM[-DD]])."),
    ]
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


def _filters(party, outcome, doc_type, body, organisation, date_from, date_to):
    from nlp_motioner.search import Filters

    return Filters(
        party=list(party),
        outcome=list(outcome),
        doc_type=list(doc_type),
        body=list(body),
        organisation=list(organisation),
        date_from=date_from,
        date_to=date_to,
    )


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


def _write_hits(hits: list[dict[str, Any]], fmt: str, output: str | None, kind: str) -> None:
    with open_output(output) as fh:
        if fmt == "jsonl":
            for h in hits:
                write_jsonl(fh, h)
            return
        if fmt == "csv":
            w = CsvWriter(fh, HIT_COLUMNS + (["case_sources"] if kind == "similar" else []))
            for h in hits:
                w.write(h)
            return
        for n, h in enumerate(hits, 1):
            where = f"§{h['paragraph']} in " if h.get("paragraph") is not None else ""
            head = f"{n}. {h['title']}"
            fh.write(head + "\n")
            meta = [
                h.get("doc_type") or "?",
                h.get("date") or "no date",
                ", ".join(h.get("parties") or []) or "-",
            ]
            outcome = h.get("outcome")
            if outcome:
                meta.append(f"{outcome} ({h.get('outcome_stage') or '?'})")
            if h.get("referral_bodies"):
                meta.append("bodies: " + ", ".join(h["referral_bodies"]))
            if h.get("diarienummer"):
                meta.append("dnr " + ", ".join(h["diarienummer"][:3]))
            fh.write("   " + " · ".join(meta) + "\n")
            fh.write(f"   {where}{h['source']}\n")
            if "score" in h:
                parts = f"score {h['score']:.3f} ({h.get('matched')}"
                if h.get("bm25"):
                    parts += f", bm25 {h['bm25']:.2f}"
                if h.get("semantic") is not None:
                    parts += f", semantic {h['semantic']:.2f}"
                fh.write("   " + parts + ")\n")
            if h.get("snippet"):
                fh.write("   " + h["snippet"] + "\n")
            if h.get("case_sources"):
                fh.write(f"   same case: {len(h['case_sources'])} more document(s)\n")
            fh.write("\n")


def _notes(notes: list[str]) -> None:
    for note in notes:
        click.echo(f"motioner: {note}", err=True)


# -------------------------------------------------------------------------------- search
@click.command("search")
@click.argument("query")
@db_option
@filter_options
@click.option("-n", "--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--keyword-only", is_flag=True, help="BM25 only, without the semantic part.")
@privacy_option
@output_options(("table", "jsonl", "csv"), "table")
def search_command(
    query,
    db,
    party,
    outcome,
    doc_type,
    body,
    organisation,
    date_from,
    date_to,
    limit,
    keyword_only,
    keep_personal_data,
    fmt,
    output,
) -> None:
    """Search documents and § items: BM25 over Swedish stems plus LSA similarity.

    Words are AND-ed; use "quoted phrases", OR, NOT (or -word), parentheses and
    prefix*. Each hit shows how it matched: keyword, semantic or both.

    \b
    Example:
        motioner search nattvandring
        motioner search "trygghet OR nattvandring" --party S --from 2018 --format jsonl
    """
    from nlp_motioner.search import search

    store = _open_readonly(db)
    try:
        result = search(
            store,
            query,
            _filters(party, outcome, doc_type, body, organisation, date_from, date_to),
            limit=limit,
            semantic=not keyword_only,
            mask=not keep_personal_data,
        )
    finally:
        store.close()
    _notes(result.notes)
    _write_hits(result.hits, fmt, output, "search")
    if not result.hits and fmt == "table":
        click.echo("no hits", err=True)


# -------------------------------------------------------------------------------- similar
@click.command("similar")
@click.argument("target")
@db_option
@filter_options
@click.option("-n", "--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@privacy_option
@output_options(("table", "jsonl", "csv"), "table")
def similar_command(
    target,
    db,
    party,
    outcome,
    doc_type,
    body,
    organisation,
    date_from,
    date_to,
    limit,
    keep_personal_data,
    fmt,
    output,
) -> None:
    """Find precedents: the most similar other cases to a document.

    TARGET is a file (indexed or not; a new file is read and tagged first) or a
    document id from the database. Documents of the same case (same
    diarienummer, the same matter in the title, or the same file) are left
    out, and hits of one case are grouped.

    \b
    Example:
        motioner similar corpus/seeds/001_57ee7757e7276fbf.txt
        motioner similar 12 --limit 5 --format jsonl
    """
    from nlp_motioner.search import Probe, probe_for_document, similar

    store = _open_readonly(db)
    try:
        probe = None
        if os.path.exists(target):
            source = os.path.normpath(target)
            row = store.conn.execute(
                "SELECT id FROM documents WHERE source = ? OR sha256 = ? LIMIT 1",
                (source, _sha256_file(source)),
            ).fetchone()
            if row is not None:
                probe = probe_for_document(store, row[0])
            else:
                from nlp_motioner.pipeline import process

                doc = process(source)
                if doc.error:
                    _fail(f"{source}: {doc.error}")
                tags = doc.tags
                probe = Probe(
                    text=f"{tags.title if tags and tags.title else ''} {doc.text}",
                    title=tags.title if tags else None,
                    diarienummer=list(tags.diarienummer) if tags else [],
                    sha256=doc.sha256,
                )
        elif target.isdigit():
            probe = probe_for_document(store, int(target))
            if probe is None:
                _fail(f"no document with id {target} in {store.path}")
        else:
            _fail(f"{target}: no such file, and not a document id")
        result = similar(
            store,
            probe,
            _filters(party, outcome, doc_type, body, organisation, date_from, date_to),
            limit=limit,
            mask=not keep_personal_data,
        )
    finally:
        store.close()
    _notes(result.notes)
    _write_hits(result.hits, fmt, output, "similar")


# -------------------------------------------------------------------------------- case
CASE_TABLE = [
    ("date", 10),
    ("doc_type", 17),
    ("§", 5),
    ("outcome", 11),
    ("outcome_stage", 8),
    ("title", 56),
    ("source", 60),
]


@click.command("case")
@click.argument("diarienummer")
@db_option
@click.option("--no-title-links", is_flag=True, help="Only documents that carry the number.")
@privacy_option
@output_options(("table", "jsonl", "csv"), "table")
def case_command(diarienummer, db, no_title_links, keep_personal_data, fmt, output) -> None:
    """The history of one case in date order: motion, referral, opinions, proposal, decision.

    Lists every document and § item that carries the diarienummer, with its
    outcome; documents without a number whose title names the same matter (the
    motion itself, usually) are added and marked "linked by title".

    \b
    Example:
        motioner case "2025.319 KS"
        motioner case "2025.319 KS" --format jsonl
    """
    from nlp_motioner.search import case_history

    store = _open_readonly(db)
    try:
        records = case_history(
            store, diarienummer, mask=not keep_personal_data, by_title=not no_title_links
        )
    finally:
        store.close()
    if not records:
        click.echo(f"motioner: no documents with diarienummer {diarienummer!r}", err=True)
        sys.exit(1)
    with open_output(output) as fh:
        if fmt == "jsonl":
            for rec in records:
                write_jsonl(fh, rec)
        elif fmt == "csv":
            w = CsvWriter(
                fh,
                [c for c in HIT_COLUMNS if c not in ("score", "matched", "snippet")]
                + ["evidence", "linked_by"],
            )
            for rec in records:
                w.write(rec)
        else:
            table = TableWriter(fh, CASE_TABLE)
            for rec in records:
                row = dict(rec)
                row["§"] = f"§{rec['paragraph']}" if rec.get("paragraph") is not None else ""
                if rec.get("linked_by") == "title":
                    row["title"] = f"{rec['title']} (linked by title)"
                table.write(row)


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
                typed = {
                    "cap_topic": pa.int64(),
                    "cap_score": pa.float64(),
                    "procedural": pa.bool_(),
                }
                f = f.with_type(
                    pa.list_(pa.string()) if f.name in _LISTS else typed.get(f.name, pa.string())
                )
            fields.append(f)
        table = pa.Table.from_pylist(batch, schema=pa.schema(fields))
    if writer is None:
        writer = pq.ParquetWriter(tmp, table.schema)
    writer.write_table(table)
    return writer


_LISTS = {"diarienummer", "parties", "referral_bodies"}


# -------------------------------------------------------------------------------- serve
@click.command("serve")
@db_option
@click.option("--port", type=int, default=8001, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--metadata-only", is_flag=True, help="Only write the Datasette metadata file and exit."
)
def serve_command(db, port, host, metadata_only) -> None:
    """Browse the corpus database in Datasette, with facets and full-text search.

    Needs the optional `web` extra (pip install 'nlp_motioner[web]'). Writes
    the metadata file (facets: party, outcome, doc type, referral body; search
    configured) beside the database as DB.datasette.json and starts Datasette
    on localhost. Note: Datasette shows the stored text as it is, unmasked.

    \b
    Example:
        motioner serve
        motioner serve --db kommun.db --port 8080
    """
    from nlp_motioner.store.datasette import write_metadata

    path = _db_path(db)
    store = _open_readonly(path)
    store.close()
    meta_path = write_metadata(path)
    click.echo(f"metadata: {meta_path}", err=True)
    if metadata_only:
        return
    try:
        import datasette  # noqa: F401
    except ImportError:
        _fail("Datasette is not installed: pip install 'nlp_motioner[web]'")
    args = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        path,
        "--metadata",
        meta_path,
        "--host",
        host,
        "--port",
        str(port),
        "--setting",
        "sql_time_limit_ms",
        "5000",
    ]
    click.echo(f"serving {path} at http://{host}:{port}/ (Ctrl-C stops)", err=True)
    os.execv(sys.executable, args)


COMMANDS = [
    index_command,
    search_command,
    similar_command,
    case_command,
    export_command,
    serve_command,
]
