"""Options shared by several commands, defined once (as sqlite-utils does)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
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
            type=click.Path(dir_okay=False),
            help="Write to FILE instead of stdout (through a temp file renamed when done; "
            "an interrupted run keeps its finished records; devices and pipes are written "
            "as they are).",
        )(fn)
        return format_option(formats, default)(fn)

    return decorator


def _set_profile(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """Check the profile now and hand it to every worker through MOTIONER_PROFILE."""
    if not value:
        return
    from nlp_motioner.profile import ENV_PROFILE, ProfileError, load_profile

    try:
        load_profile(value)
    except ProfileError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from exc
    os.environ[ENV_PROFILE] = value


def batch_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--jobs, --ocr, --max-pages, --timeout and --profile: how each file is processed and limited."""
    # Imported here, not at the top: commands that read no files (search, case) start
    # without the pipeline.
    from nlp_motioner.batch import DEFAULT_TIMEOUT
    from nlp_motioner.readers import DEFAULT_MAX_PAGES

    fn = click.option(
        "--profile",
        metavar="NAME|FILE.toml",
        expose_value=False,
        callback=_set_profile,
        help="Rule profile for every file (an organisation's house style, or a .toml file of "
        "your own); by default one is chosen per document. Also MOTIONER_PROFILE.",
    )(fn)
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


def input_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--files-from, --include, --exclude: which files a batch reads (PATHS may be "-")."""
    fn = click.option(
        "--exclude",
        multiple=True,
        metavar="GLOB",
        help="Leave out walked files matching GLOB (a name, or a path below the folder "
        "named when GLOB has a '/'); repeatable.",
    )(fn)
    fn = click.option(
        "--include",
        multiple=True,
        metavar="GLOB",
        help="Read only walked files matching GLOB (e.g. '*.pdf'); repeatable.",
    )(fn)
    fn = click.option(
        "--files-from",
        type=click.File("rb"),
        metavar="FILE",
        help="Read the paths to process from FILE, one a line ('-' for stdin).",
    )(fn)
    return fn


def quiet_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """-q/--quiet: no progress bar or progress lines (errors are still printed)."""
    return click.option(
        "-q", "--quiet", is_flag=True, help="No progress on stderr (errors are still printed)."
    )(fn)


@dataclass(frozen=True)
class BatchArgs:
    """What every command that reads files was given: which files, how each is processed,
    whether personal data is kept, and whether progress is shown."""

    paths: tuple[str, ...]
    files_from: Any
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    jobs: int
    ocr: bool
    max_pages: int
    timeout: float
    scheduler: str | None
    keep_personal_data: bool
    quiet: bool

    def run_options(self) -> dict[str, Any]:
        """The keywords `batch.run` takes from these options."""
        return {
            "jobs": self.jobs,
            "timeout": self.timeout,
            "scheduler": self.scheduler,
            "ocr": self.ocr,
            "max_pages": self.max_pages,
        }


_BATCH_ARG_NAMES = tuple(BatchArgs.__dataclass_fields__)


def batch_command(
    *between: Callable[[Callable[..., Any]], Callable[..., Any]],
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """PATHS, the input options, `between` (output or --db options), the batch, scheduler,
    privacy and quiet options, handed to the command as one `args` (a BatchArgs)."""

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(**kwargs: Any) -> Any:
            args = BatchArgs(**{name: kwargs.pop(name) for name in _BATCH_ARG_NAMES})
            return fn(args=args, **kwargs)

        decorators = [
            click.argument("paths", nargs=-1, type=click.Path()),
            input_options,
            *between,
            batch_options,
            scheduler_option,
            privacy_option,
            quiet_option,
        ]
        for decorate in reversed(decorators):
            wrapper = decorate(wrapper)
        return wrapper

    return decorator
