"""Options and small helpers that the `motioner themes` commands share: where the model and
the database are, loading a fitted model, counting the files that failed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from nlp_motioner.cli.progress import write_above

__all__ = [
    "BY_CHOICES",
    "Failures",
    "case_units",
    "db_default",
    "db_option",
    "jobs_option",
    "load_fitted",
    "model_dir_of",
    "model_option",
    "parse_k",
    "timeout_option",
]


BY_CHOICES = (
    "party",
    "committee",
    "organisation",
    "doc_type",
    "referral_body",
    "cap_topic",
    "outcome",
    "none",
)


def parse_k(value: str) -> int | str:
    if value == "auto":
        return "auto"
    try:
        k = int(value)
    except ValueError:
        raise click.BadParameter("k must be a whole number or 'auto'") from None
    if k < 1:
        raise click.BadParameter("k must be at least 1")
    return k


def db_default() -> str:
    from nlp_motioner.store import default_db_path

    return default_db_path()


def model_dir_of(model: str | None, db: str | None) -> Path:
    if model:
        return Path(model)
    if db:
        return Path(db).resolve().parent / "models" / "themes"
    return Path("models") / "themes"


def _load(folder: Path) -> Any:
    from nlp_motioner.modelfile import ModelFileError
    from nlp_motioner.themes import ThemeModel

    try:
        return ThemeModel.load(folder)
    except (FileNotFoundError, ModelFileError) as exc:
        raise click.ClickException(str(exc)) from None


def load_fitted(model_dir: str | None, db: str | None) -> Any:
    """The model a reading command uses: --model, else beside --db or the default database."""
    if not db and os.path.exists(db_default()):
        db = db_default()
    return _load(model_dir_of(model_dir, db))


class Failures:
    """The files that failed: one stderr line each, remembered for the exit status."""

    def __init__(self) -> None:
        self.sources: list[str] = []

    def __call__(self, source: str, error: str) -> None:
        self.sources.append(source)
        write_above(f"motioner: {source}: {error}")  # above a progress bar, never inside it


def case_units(path: str) -> list[dict[str, Any]]:
    from nlp_motioner.themes import units_from_cases

    try:
        return units_from_cases(path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


model_option = click.option(
    "--model",
    "model_dir",
    type=click.Path(file_okay=False),
    help="Folder of the theme model (default: models/themes next to the database).",
)
db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False),
    default=None,
    help="Corpus database (default: $MOTIONER_DB or motioner.db).",
)
timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=None,
    help="Seconds allowed per file read from PATHS (default: the batch default).",
)
jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes when reading PATHS.",
)
