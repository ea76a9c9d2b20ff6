"""`motioner search`, `similar`, `case`, `serve`: finding precedents in the corpus database.

Arguments are decoded safely: text that is not valid UTF-8 (a filter value or a case
number from an old archive's file name) becomes U+FFFD instead of an encoding error.
"""

from __future__ import annotations

import os
import stat
import sys
from typing import Any

import click

from nlp_motioner.cli.db import db_option, db_path, fail, open_readonly
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
    from nlp_motioner.search.filters import Filters

    return Filters(
        party=list(party),
        outcome=list(outcome),
        doc_type=list(doc_type),
        body=list(body),
        organisation=list(organisation),
        date_from=date_from,
        date_to=date_to,
    )


def _clean(text: str | None) -> str:
    from nlp_motioner.search.filters import clean_text

    return clean_text(text) or ""


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
CASE_COLUMNS = ["case", "committee", "case_outcome", "case_outcome_stage", "case_outcome_date"]


def _paper(d: dict[str, Any]) -> str:
    where = f"§{d['paragraph']} " if d.get("paragraph") is not None else ""
    what = d.get("outcome") or d.get("doc_type") or "?"
    return f"{d.get('date') or 'undated'} {where}{what}"


def _write_hits(hits: list[dict[str, Any]], fmt: str, output: str | None, kind: str) -> None:
    with open_output(output) as fh:
        if fmt == "jsonl":
            for h in hits:
                write_jsonl(fh, h)
            return
        if fmt == "csv":
            extra = ["case_sources", "why"] if kind == "similar" else []
            if hits and "case_documents" in hits[0]:
                extra += [*CASE_COLUMNS, "case_documents"]
            w = CsvWriter(fh, HIT_COLUMNS + extra)
            for h in hits:
                w.write(h)
            return
        for n, h in enumerate(hits, 1):
            fh.write(f"{n}. {h['title']}\n")
            papers = h.get("case_documents") or []
            # An undated paper (a motion) leads with its case's first date.
            when = h.get("date") or next((d["date"] for d in papers if d.get("date")), None)
            meta = [when or "no date", h.get("doc_type") or "?"]
            if h.get("committee"):
                meta.append("/".join(h["committee"]))
            outcome = h.get("outcome")
            if outcome:
                meta.append(f"{outcome} ({h.get('outcome_stage') or '?'})")
            if h.get("parties"):
                meta.append(", ".join(h["parties"]))
            if h.get("referral_bodies"):
                meta.append("bodies: " + ", ".join(h["referral_bodies"]))
            fh.write("   " + " · ".join(meta) + "\n")
            if "case_documents" in h:
                _write_case_line(fh, h)
            elif h.get("diarienummer"):
                fh.write("   dnr " + ", ".join(h["diarienummer"][:3]) + "\n")
            where = f"§{h['paragraph']} in " if h.get("paragraph") is not None else ""
            fh.write(f"   {where}{h['source']}\n")
            if "score" in h:
                parts = f"score {h['score']:.3f} ({h.get('matched')}"
                if h.get("bm25"):
                    parts += f", bm25 {h['bm25']:.2f}"
                if h.get("semantic") is not None:
                    parts += f", semantic {h['semantic']:.2f}"
                fh.write("   " + parts + ")\n")
            if h.get("why"):
                fh.write(f"   why: {h['why']}\n")
            if h.get("snippet"):
                fh.write("   " + h["snippet"] + "\n")
            if h.get("case_sources"):
                fh.write(f"   same case: {len(h['case_sources'])} more document(s)\n")
            fh.write("\n")


def _write_case_line(fh, h: dict[str, Any]) -> None:
    papers = h.get("case_documents") or []
    head = f"case {h['case']}" if h.get("case") else "no case number"
    line = f"   {head} · {len(papers)} paper(s)"
    if h.get("case_outcome"):
        line += (
            f" · final: {h['case_outcome']} ({h.get('case_outcome_stage') or '?'}"
            f"{', ' + h['case_outcome_date'] if h.get('case_outcome_date') else ''})"
        )
    fh.write(line + "\n")
    if len(papers) > 1:
        fh.write("     " + "; ".join(_paper(d) for d in papers[:8]) + "\n")


def _notes(notes: list[str]) -> None:
    for note in notes:
        click.echo(f"motioner: {_clean(note)}", err=True)


# -------------------------------------------------------------------------------- search
@click.command("search")
@click.argument("query")
@db_option
@filter_options
@click.option("-n", "--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option(
    "--units",
    is_flag=True,
    help="List every matching document and § item, not one row per case.",
)
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
    units,
    keyword_only,
    keep_personal_data,
    fmt,
    output,
) -> None:
    """Search the corpus: one row per case, best match first.

    BM25 over Swedish stems (with LSA similarity for long queries); each row is
    the best-matching paper of a case with the case's number, papers and final
    outcome; --units lists every document and § item instead. Words are AND-ed;
    use "quoted phrases", OR, NOT (or -word after a space), parentheses and
    prefix*. A hyphen inside a word ("HBTQI-arbete", "2027-2029") is part of it.

    \b
    Example:
        motioner search nattvandring
        motioner search "trygghet OR nattvandring" --party S --from 2018 --format jsonl
    """
    from nlp_motioner.search.hybrid import search

    store = open_readonly(db)
    try:
        result = search(
            store,
            _clean(query),
            _filters(party, outcome, doc_type, body, organisation, date_from, date_to),
            limit=limit,
            semantic=False if keyword_only else None,
            mask=not keep_personal_data,
            units=units,
        )
    finally:
        store.close()
    _notes(result.notes)
    _write_hits(result.hits, fmt, output, "search")
    if not result.hits and fmt == "table":
        click.echo("no hits", err=True)


# -------------------------------------------------------------------------------- similar
def _regular_file(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _probe_for_file(store, target: str):
    """The probe for a file: the stored document when the file is indexed (by path, else
    by content after reading), or the file read and tagged in a worker process (with the
    usual per-file timeout and memory cap)."""
    from nlp_motioner.batch import DEFAULT_TIMEOUT, run
    from nlp_motioner.search.similar import Probe, probe_for_document

    source = os.path.normpath(target)
    row = store.conn.execute(
        "SELECT id FROM documents WHERE source = ? LIMIT 1", (_clean(source),)
    ).fetchone()
    if row is not None:
        return probe_for_document(store, row[0])
    if not _regular_file(source):
        fail(f"{_clean(source)}: not a regular file")
    doc = next(iter(run([source], jobs=1, timeout=DEFAULT_TIMEOUT)))
    if doc.error:
        fail(f"{_clean(source)}: {doc.error}")
    row = store.conn.execute(
        "SELECT id FROM documents WHERE sha256 = ? LIMIT 1", (doc.sha256,)
    ).fetchone()
    if row is not None:  # the same file indexed under another path
        return probe_for_document(store, row[0])
    tags = doc.tags
    return Probe(
        text=f"{tags.title if tags and tags.title else ''} {doc.text}",
        title=tags.title if tags else None,
        diarienummer=list(tags.diarienummer) if tags else [],
        sha256=doc.sha256,
    )


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

    TARGET is a file (indexed or not; a new file is read and tagged first, in a
    worker process with a time limit) or a document id from the database. Every
    paper of the document's own case is left out (its case numbers in any form,
    papers whose text names the case, the same matter in the title, the same
    file); hits of one case are grouped, and each says why it matched.

    \b
    Example:
        motioner similar corpus/seeds/001_57ee7757e7276fbf.txt
        motioner similar 12 --limit 5 --format jsonl
    """
    from nlp_motioner.search.semantic import load_model, model_problem
    from nlp_motioner.search.similar import probe_for_document, similar

    store = open_readonly(db)
    try:
        if load_model(store) is None:
            fail(model_problem(store) or "no semantic model yet: run `motioner index` first")
        if os.path.lexists(target):
            if os.path.isdir(target):
                fail(f"{_clean(target)}: is a directory, not a document")
            probe = _probe_for_file(store, target)
        elif target.isascii() and target.isdigit():
            number = int(target)
            probe = probe_for_document(store, number) if number < 2**63 else None
            if probe is None:
                fail(f"no document with id {target} in {_clean(store.path)}")
        else:
            fail(f"{_clean(target)}: no such file, and not a document id")
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
    ("step", 8),
    ("doc_type", 16),
    ("§", 5),
    ("outcome", 11),
    ("stage", 8),
    ("bodies", 24),
    ("reserved", 8),
    ("via", 5),
    ("title", 50),
    ("source", 44),
]
_VIA = {"diarienummer": "dnr", "reference": "ref", "title": "title"}


def _case_summary_line(summary: dict[str, Any]) -> list[str]:
    lines = []
    if summary["referral_bodies"]:
        lines.append("referred to: " + ", ".join(summary["referral_bodies"]))
    if summary["opinions"]:
        lines.append(
            f"opinions: {len(summary['opinions'])} ("
            + ", ".join(o["position"] for o in summary["opinions"])
            + ")"
        )
    if summary["final_outcome"]:
        line = f"final: {summary['final_outcome']} ({summary['final_stage']})"
        if summary["decided"]:
            line += f" decided {summary['decided']}"
        lines.append(line)
    else:
        lines.append("final: no decision among the papers")
    if summary["reservations"]:
        lines.append("reservations: " + ", ".join(summary["reservations"]))
    if summary["days_to_decision"] is not None:
        lines.append(f"{summary['days_to_decision']} days from {summary['opened']} to the decision")
    return lines


@click.command("case")
@click.argument("diarienummer")
@db_option
@click.option("--no-title-links", is_flag=True, help="Leave out papers linked only by title.")
@click.option(
    "--no-references", is_flag=True, help="Leave out papers that only name the case in text."
)
@privacy_option
@output_options(("table", "jsonl", "csv"), "table")
def case_command(
    diarienummer, db, no_title_links, no_references, keep_personal_data, fmt, output
) -> None:
    """The history of one case in date order: motion, referrals, opinions, decisions.

    DIARIENUMMER in any common form: "KS 2025.446", "2025.446 KS", "KS/2025:446",
    "Dnr KS 2025/0446" (without a series, every series with that number). Lists
    each paper under the number with its step (motion, referral, opinion,
    proposal, decision), outcome, bodies asked and reservations; a body's
    opinion filed under its own number whose text names the case ("linked by
    reference"), and the motion filed before it had a number ("linked by
    title"), are included. Ends with the final outcome and the days from the
    motion to the decision; --format jsonl gives the same, the summary as the
    last line ("record": "summary").

    \b
    Example:
        motioner case "2025.319 KS"
        motioner case "KS 2025.319" --format jsonl
    """
    from nlp_motioner.search.history import case_history, case_summary

    number = _clean(diarienummer)
    store = open_readonly(db)
    try:
        records = case_history(
            store,
            number,
            mask=not keep_personal_data,
            by_title=not no_title_links,
            by_reference=not no_references,
        )
    finally:
        store.close()
    if not records:
        fail(f"no documents with diarienummer {number!r}", status=1)
    summary = case_summary(records)
    with open_output(output) as fh:
        if fmt == "jsonl":
            for rec in records:
                write_jsonl(fh, {"record": "entry", **rec})
            write_jsonl(fh, {"record": "summary", "case": number, **summary})
        elif fmt == "csv":
            w = CsvWriter(
                fh,
                [c for c in HIT_COLUMNS if c not in ("score", "matched", "snippet")]
                + ["step", "reservations", "evidence", "linked_by"],
            )
            for rec in records:
                w.write(rec)
        else:
            table = TableWriter(fh, CASE_TABLE)
            for rec in records:
                row = dict(rec)
                row["§"] = f"§{rec['paragraph']}" if rec.get("paragraph") is not None else ""
                row["stage"] = rec.get("outcome_stage") or ""
                row["bodies"] = rec.get("referral_bodies") or ""
                row["reserved"] = rec.get("reservations") or ""
                row["via"] = _VIA.get(rec.get("linked_by"), "")
                table.write(row)
            for line in _case_summary_line(summary):
                fh.write(line + "\n")


# -------------------------------------------------------------------------------- serve
@click.command("serve")
@db_option
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--datasette",
    "use_datasette",
    is_flag=True,
    help="Browse the raw tables in Datasette instead (needs the `web` extra).",
)
@click.option(
    "--metadata-only",
    is_flag=True,
    help="With --datasette: only write the Datasette metadata file and exit.",
)
@privacy_option
def serve_command(db, port, host, use_datasette, metadata_only, keep_personal_data) -> None:
    """Search and browse the corpus database in a web browser.

    Opens a search page with the same Swedish analyzer and ranking as `motioner
    search` (one row per case: title, date, committee, outcome; facets for
    party, outcome, referral body, committee and type), a page per case with
    its history, and links that open each source document. Personnummer are
    masked unless --keep-personal-data. With --datasette, the raw tables in
    Datasette instead (unmasked; needs pip install 'nlp_motioner[web]').

    \b
    Example:
        motioner serve
        motioner serve --db kommun.db --port 8080
    """
    path = db_path(db)
    store = open_readonly(path)
    store.close()
    if use_datasette or metadata_only:
        _datasette(path, host, port, metadata_only)
        return
    from nlp_motioner.web import serve

    try:
        serve(path, host=host, port=port, mask=not keep_personal_data)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")


def _datasette(path: str, host: str, port: int, metadata_only: bool) -> None:
    from nlp_motioner.store.datasette import write_metadata

    meta_path = write_metadata(path)
    click.echo(f"metadata: {meta_path}", err=True)
    if metadata_only:
        return
    try:
        import datasette  # noqa: F401
    except ImportError:
        fail("Datasette is not installed: pip install 'nlp_motioner[web]'")
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
