"""`motioner serve`: the web view (nlp_motioner.web), or Datasette over the raw tables."""

from __future__ import annotations

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


COMMANDS = [serve_command]
