"""`motioner search`, `similar`, `case`: finding precedents in the corpus database.

Arguments are decoded safely: text that is not valid UTF-8 (a filter value or a case
number from an old archive's file name) becomes U+FFFD instead of an encoding error.
"""

from __future__ import annotations

import functools
import os
import stat

import click

from nlp_motioner.cli.db import db_option, fail, open_readonly
from nlp_motioner.cli.options import output_options, privacy_option
from nlp_motioner.cli.output import CsvWriter, TableWriter, open_output, write_jsonl
from nlp_motioner.cli.searchout import (
    CASE_TABLE,
    HIT_COLUMNS,
    VIA,
    case_summary_line,
    clean,
    notes,
    write_hits,
)

_FILTER_NAMES = ("party", "outcome", "doc_type", "body", "organisation", "date_from", "date_to")


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A year, a month or a day that exists ("2025", "2025-03", "2025-03-31"); a typo
    such as "2025-02-31" or "banana" is refused rather than silently matching nothing."""
    if value is None:
        return None
    import datetime as dt

    text = value.strip()
    for fmt, size in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        if len(text) == size:
            try:
                dt.datetime.strptime(text, fmt)
                return text
            except ValueError:
                break
    raise click.BadParameter(f"{value!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")


def filter_options(fn):
    """The seven filter options, handed to the command as one `filters` (a Filters)."""
    opts = [
        click.option("--party", multiple=True, help="Party code, e.g. S or MP (repeatable)."),
        click.option("--outcome", multiple=True, help="bifall, avslag, besvarad, … (repeatable)."),
        click.option("--type", "doc_type", multiple=True, help="Document type, e.g. motion."),
        click.option("--body", multiple=True, help="Referral body (substring, repeatable)."),
        click.option("--organisation", multiple=True, help="Organisation (substring)."),
        click.option(
            "--from",
            "date_from",
            metavar="DATE",
            callback=_date,
            help="On or after DATE (YYYY[-MM[-DD]]).",
        ),
        click.option(
            "--to",
            "date_to",
            metavar="DATE",
            callback=_date,
            help="On or before DATE (YYYY[-MM[-DD]]).",
        ),
    ]

    @functools.wraps(fn)
    def wrapper(**kwargs):
        from nlp_motioner.search.filters import Filters

        values = {name: kwargs.pop(name) for name in _FILTER_NAMES}
        return fn(filters=Filters(**values), **kwargs)

    for opt in reversed(opts):
        wrapper = opt(wrapper)
    return wrapper


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
    filters,
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
            clean(query),
            filters,
            limit=limit,
            semantic=False if keyword_only else None,
            mask=not keep_personal_data,
            units=units,
        )
    finally:
        store.close()
    notes(result.notes)
    write_hits(result.hits, fmt, output, "search")
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
        "SELECT id FROM documents WHERE source = ? LIMIT 1", (clean(source),)
    ).fetchone()
    if row is not None:
        return probe_for_document(store, row[0])
    if not _regular_file(source):
        fail(f"{clean(source)}: not a regular file")
    doc = next(iter(run([source], jobs=1, timeout=DEFAULT_TIMEOUT)))
    if doc.error:
        fail(f"{clean(source)}: {doc.error}")
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
    filters,
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
                fail(f"{clean(target)}: is a directory, not a document")
            probe = _probe_for_file(store, target)
        elif target.isascii() and target.isdigit():
            number = int(target)
            probe = probe_for_document(store, number) if number < 2**63 else None
            if probe is None:
                fail(f"no document with id {target} in {clean(store.path)}")
        else:
            fail(f"{clean(target)}: no such file, and not a document id")
        result = similar(
            store,
            probe,
            filters,
            limit=limit,
            mask=not keep_personal_data,
        )
    finally:
        store.close()
    notes(result.notes)
    write_hits(result.hits, fmt, output, "similar")


# -------------------------------------------------------------------------------- case
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

    number = clean(diarienummer)
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
                row["via"] = VIA.get(rec.get("linked_by"), "")
                table.write(row)
            for line in case_summary_line(summary):
                fh.write(line + "\n")


COMMANDS = [
    search_command,
    similar_command,
    case_command,
]
