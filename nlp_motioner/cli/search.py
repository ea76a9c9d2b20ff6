"""`motioner search`, `similar`, `case`, `serve`: finding precedents in the corpus database."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from nlp_motioner.cli.corpus import _db_path, _fail, _open_readonly, _sha256_file, db_option
from nlp_motioner.cli.options import output_options, privacy_option
from nlp_motioner.cli.output import CsvWriter, TableWriter, open_output, write_jsonl


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
    search_command,
    similar_command,
    case_command,
    serve_command,
]
