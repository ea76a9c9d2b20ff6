"""`motioner serve`: the web view (nlp_motioner.web), or Datasette over the raw tables."""

from __future__ import annotations

import json
import os
import sys

import click

from nlp_motioner.cli.db import db_option, db_path, fail, open_readonly
from nlp_motioner.cli.options import privacy_option


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
@click.option(
    "--allow-sql",
    is_flag=True,
    help="With --datasette: allow arbitrary SQL queries and downloading the database file "
    "(off by default).",
)
@privacy_option
def serve_command(
    db, port, host, use_datasette, metadata_only, allow_sql, keep_personal_data
) -> None:
    """Search and browse the corpus database in a web browser.

    Opens a search page with the same Swedish analyzer and ranking as `motioner
    search` (one row per case: title, date, committee, outcome; facets for
    party, outcome, referral body, committee and type), a page per case with
    its history, and links that open each source document. Personnummer are
    masked unless --keep-personal-data. With --datasette, the raw tables in
    Datasette instead (needs pip install 'nlp_motioner[web]'), read-only, with
    arbitrary SQL and database download off unless --allow-sql; the front page
    says whether the stored text was masked when it was indexed.

    \b
    Example:
        motioner serve
        motioner serve --db kommun.db --port 8080
    """
    path = db_path(db)
    store = open_readonly(path)
    state = store.personal_data
    store.close()
    click.echo(f"personal data: {state}", err=True)
    if use_datasette or metadata_only:
        _datasette(path, host, port, metadata_only, allow_sql, state)
        return
    from nlp_motioner.web import serve

    try:
        serve(path, host=host, port=port, mask=not keep_personal_data)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")


def serve_args(path: str, meta_path: str, host: str, port: int, allow_sql: bool) -> list[str]:
    """The Datasette command line: no arbitrary SQL, no database download, unless asked."""
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
    if not allow_sql:
        args += ["--setting", "default_allow_sql", "off", "--setting", "allow_download", "off"]
    return args


def _note_personal_data(meta_path: str, state: str, allow_sql: bool) -> None:
    """Say on the front page whether the stored text is masked, and whether SQL is on."""
    with open(meta_path, encoding="utf-8") as fh:
        meta = json.load(fh)
    words = {
        "masked": "Personnummer were masked before storage.",
        "kept": "This database was indexed with --keep-personal-data: it holds personnummer.",
    }.get(state, "Indexed before masking was recorded: personnummer may be stored as written.")
    sql = "Arbitrary SQL is on (--allow-sql)." if allow_sql else "Arbitrary SQL is off."
    meta["description"] = f"{meta.get('description', '')} {words} {sql}".strip()
    if not allow_sql:
        meta["allow_sql"] = False
    tmp = meta_path + ".part"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(meta, fh, ensure_ascii=False, indent=2)
    os.replace(tmp, meta_path)


def _datasette(
    path: str, host: str, port: int, metadata_only: bool, allow_sql: bool, state: str
) -> None:
    from nlp_motioner.store.datasette import write_metadata

    meta_path = write_metadata(path)
    _note_personal_data(meta_path, state, allow_sql)
    click.echo(f"metadata: {meta_path}", err=True)
    click.echo(f"arbitrary SQL {'on' if allow_sql else 'off'}", err=True)
    if metadata_only:
        return
    try:
        import datasette  # noqa: F401
    except ImportError:
        fail("Datasette is not installed: pip install 'nlp_motioner[web]'")
    click.echo(f"serving {path} at http://{host}:{port}/ (Ctrl-C stops)", err=True)
    os.execv(sys.executable, serve_args(path, meta_path, host, port, allow_sql))


COMMANDS = [serve_command]
