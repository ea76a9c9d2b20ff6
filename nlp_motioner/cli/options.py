"""Options shared by several commands, defined once (as sqlite-utils does)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import click

from nlp_motioner.read import DEFAULT_MAX_PAGES


def output_options(formats: tuple[str, ...], default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn = click.option(
            "-o", "--output", type=click.Path(dir_okay=False, writable=True),
            help="Write to FILE (atomically: a temp file renamed when complete) instead of stdout.",
        )(fn)
        fn = click.option(
            "-f", "--format", "fmt", type=click.Choice(formats), default=default, show_default=True,
            help="Output format.",
        )(fn)
        return fn

    return decorator


def batch_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option(
        "--max-pages", type=int, default=DEFAULT_MAX_PAGES, show_default=True,
        help="Refuse PDFs with more pages than this.",
    )(fn)
    fn = click.option("--ocr", is_flag=True, help="OCR scanned PDFs (needs ocrmypdf and tesseract).")(fn)
    fn = click.option(
        "-j", "--jobs", type=int, default=1, show_default=True,
        help=f"Worker processes (this machine has {os.cpu_count()} cores).",
    )(fn)
    return fn
