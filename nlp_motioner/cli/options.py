"""Options shared by several commands, defined once (as sqlite-utils does)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import click

_CORES = os.cpu_count() or 1


def format_option(
    formats: tuple[str, ...], default: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """-f/--format FMT, passed to the command as `fmt`."""
    return click.option(
        "-f",
        "--format",
        "fmt",
        type=click.Choice(formats),
        default=default,
        show_default=True,
        help="Output format.",
    )


def output_options(
    formats: tuple[str, ...], default: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn = click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, writable=True),
            help="Write to FILE (atomically: a temp file renamed when complete) instead of stdout.",
        )(fn)
        return format_option(formats, default)(fn)

    return decorator


def batch_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--jobs, --ocr, --max-pages and --timeout: how each file is processed and limited."""
    # Imported here, not at the top: commands that read no files (search, case) start
    # without the pipeline.
    from nlp_motioner.batch import DEFAULT_TIMEOUT
    from nlp_motioner.read import DEFAULT_MAX_PAGES

    fn = click.option(
        "--timeout",
        type=click.FloatRange(min=0),
        default=DEFAULT_TIMEOUT,
        show_default=True,
        help="Seconds allowed per file; a file that takes longer is stopped (its worker "
        "process killed) and reported. 0 = no limit.",
    )(fn)
    fn = click.option(
        "--max-pages",
        type=click.IntRange(min=1),
        default=DEFAULT_MAX_PAGES,
        show_default=True,
        help="Refuse PDFs with more pages than this.",
    )(fn)
    fn = click.option(
        "--ocr", is_flag=True, help="OCR scanned PDFs (needs ocrmypdf and tesseract)."
    )(fn)
    fn = click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=1),
        default=_CORES,
        show_default=True,
        help="Worker processes (default: the number of cores).",
    )(fn)
    return fn


def scheduler_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--scheduler ADDRESS: run the per-file work on a Dask distributed cluster instead."""
    return click.option(
        "--scheduler",
        metavar="ADDRESS",
        help="Run on a Dask distributed cluster (e.g. tcp://10.0.0.5:8786); --jobs is then "
        "ignored. Workers need nlp_motioner installed and the same paths. See the README section 'Running on a Dask cluster'.",
    )(fn)


def privacy_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--keep-personal-data: opt out of masking personnummer in the output."""
    return click.option(
        "--keep-personal-data",
        is_flag=True,
        help="Do not mask personnummer and samordningsnummer (masked as [personnummer] by default).",
    )(fn)
