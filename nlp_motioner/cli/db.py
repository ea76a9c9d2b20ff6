"""Opening the corpus database from a command: --db, $MOTIONER_DB, one clear error line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, NoReturn

import click

DB_HELP = "Database file (default: $MOTIONER_DB, else motioner.db)."


def db_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=False),
        default=None,
        help=DB_HELP,
    )(fn)


def db_path(db: str | None) -> str:
    from nlp_motioner.store import default_db_path

    return db or default_db_path()


def fail(message: str, status: int = 2) -> NoReturn:
    """One line on stderr, then exit (2: the command could not run as asked)."""
    from nlp_motioner.search.filters import clean_text

    click.echo(f"motioner: {clean_text(message)}", err=True)
    sys.exit(status)


def open_readonly(db: str | None):
    """The database opened read-only, or one error line and exit status 2."""
    from nlp_motioner.store import SchemaError, Store

    path = db_path(db)
    try:
        return Store(path, readonly=True)
    except (FileNotFoundError, SchemaError) as exc:
        fail(str(exc))
    except Exception as exc:  # a file that is not SQLite at all
        fail(f"cannot open {path}: {exc}")
