"""`motioner themes fit|show|assign|trends` and `motioner eval themes`."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from nlp_motioner.cli.options import format_option, output_options, quiet_option
from nlp_motioner.cli.output import open_output
from nlp_motioner.cli.progress import Progress
from nlp_motioner.cli.themes_options import (
    BY_CHOICES,
    Failures,
    case_units,
    db_default,
    db_option,
    jobs_option,
    load_fitted,
    model_dir_of,
    model_option,
    parse_k,
    timeout_option,
)


@click.group("themes")
def themes_group() -> None:
    """Fit, show and use themes: what the documents are about, and how that moves.

    \b
    Example:
        motioner themes fit --db motioner.db --k auto
        motioner themes show
        motioner themes trends --by party --per year --plot themes.png
    """


@themes_group.command("fit")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@db_option
@model_option
@click.option(
    "--k",
    "k",
    default="auto",
    show_default=True,
    help="Number of themes, or 'auto' (chosen by cluster stability).",
)
@click.option(
    "--seeds",
    type=click.Path(exists=True, dir_okay=False),
    help="TOML file of named seed themes (default: the package's).",
)
@click.option("--no-seeds", is_flag=True, help="Fit without seed themes.")
@click.option("--fresh", is_flag=True, help="Do not reuse theme IDs from an existing model.")
@click.option(
    "--cases",
    type=click.Path(exists=True, dir_okay=False),
    help="Fit over a case file in the format of arenden.json (title + step quotes per case).",
)
@click.option(
    "--include-procedural",
    is_flag=True,
    help="Keep delegation reports, elections, meeting dates and information items.",
)
@jobs_option
@timeout_option
@quiet_option
def fit_command(
    paths,
    db,
    model_dir,
    k,
    seeds,
    no_seeds,
    fresh,
    cases,
    include_procedural,
    jobs,
    timeout,
    quiet,
) -> None:
    """Fit themes over the indexed documents and § items (or over PATHS or a case file).

    Without PATHS the units come from the database: each § item of minutes, and each
    document without items. With PATHS the files are read, structured and tagged first,
    in worker processes with a per-file timeout; a file that fails gets one line on stderr
    and the exit status is 1. Procedural items are left out unless --include-procedural.
    An existing model in the model folder lends its theme IDs to matching new themes.

    \b
    Example:
        motioner themes fit --db motioner.db --k auto
        motioner themes fit corpus/ --k 12 --model models/themes
        motioner themes fit --cases ../shared/corpus/alingsas/arenden-dev.json --model models/themes
    """
    from nlp_motioner.themes import fit_themes, units_from_paths, units_from_store
    from nlp_motioner.themes.persist import previous_model

    failed = Failures()
    if cases:
        units = case_units(cases)
        db_path = db
    elif paths:
        units = units_from_paths(
            paths,
            jobs=jobs,
            timeout=timeout,
            on_error=failed,
            progress=(reading := Progress("files", quiet=quiet)),
        )
        reading.close()
        db_path = db
    else:
        db_path = db or db_default()
        if not os.path.exists(db_path):
            raise click.ClickException(
                f"no database at {db_path} (run `motioner index` first, or give PATHS)"
            )
        units = units_from_store(db_path)
    usable = [u for u in units if include_procedural or not u.get("procedural")]
    if len(usable) < 3:
        raise click.ClickException(
            f"need at least 3 documents or § items with text, found {len(usable)}"
        )
    folder = model_dir_of(model_dir, db_path)
    previous = None if fresh else previous_model(folder)
    fitting = Progress("steps", quiet=quiet)
    try:
        model = fit_themes(
            units,
            k=parse_k(k),
            seeds=[] if no_seeds else seeds,
            previous=previous,
            include_procedural=include_procedural,
            progress=fitting,
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        fitting.close()
    try:
        model.save(folder)
    except OSError as exc:
        raise click.ClickException(
            f"cannot write the theme model to {folder}: {exc.strerror or exc}"
        ) from None
    left_out = len(units) - len(model.units)
    click.echo(
        f"{len(model.units)} units ({left_out} procedural or empty left out), "
        f"{model.clusterer.k_} themes -> {folder}",
        err=True,
    )
    _print_themes(model, 10)
    if failed.sources:
        sys.exit(1)


def _print_themes(model: Any, top: int, *, units: bool = False) -> None:
    df = model.themes(top=top)
    for row in df.itertuples(index=False):
        seed = "*" if row.seeded else " "
        cap = f"  CAP {row.cap_topic} {row.cap_name}" if row.cap_topic else ""
        click.echo(
            f"{row.id:<34} {seed} {row.size:>6}  {row.name}  [{', '.join(row.terms[:6])}]{cap}"
        )
        if units:
            for unit in row.top_units:
                click.echo(f"{'':<43}- {unit}")


@themes_group.command("show")
@db_option
@model_option
@click.option(
    "--top", type=int, default=3, show_default=True, help="Top units to list per theme (json)."
)
@format_option(("table", "json"), "table")
def show_command(db, model_dir, top, fmt) -> None:
    """List the fitted themes, largest first: ID, seeded (*), size, name, top terms, CAP topic.

    \b
    Example:
        motioner themes show
        motioner themes show --format json --top 5
    """
    model = load_fitted(model_dir, db)
    if fmt == "json":
        click.echo(model.themes(top=top).to_json(orient="records", force_ascii=False))
    else:
        _print_themes(model, top, units=top > 0)


@themes_group.command("assign")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option(
    "--cases",
    type=click.Path(exists=True, dir_okay=False),
    help="Assign the cases of a case file (the format of arenden.json) instead of PATHS.",
)
@db_option
@model_option
@format_option(("table", "jsonl"), "table")
@jobs_option
@timeout_option
def assign_command(paths, cases, db, model_dir, fmt, jobs, timeout) -> None:
    """Place new documents or cases in the fitted themes without refitting.

    Each document, § item or case gets its theme and its CAP topic (from the shipped CAP
    model; empty where the model abstains). Files are read in worker processes with a
    per-file timeout; a file that fails gets one line on stderr and the exit status is 1.

    \b
    Example:
        motioner themes assign corpus/seeds/001_57ee7757e7276fbf.txt
        motioner themes assign corpus/seeds/ --format jsonl
        motioner themes assign --cases ../shared/corpus/alingsas/arenden-dev.json --format jsonl
    """
    from nlp_motioner.themes import units_from_paths

    if bool(paths) == bool(cases):
        raise click.UsageError("give PATHS or --cases CASES.json (one of them)")
    model = load_fitted(model_dir, db)
    failed = Failures()
    if cases:
        from nlp_motioner.themes.cap import tag_cap_topics

        units = case_units(cases)
        if not tag_cap_topics(units):
            click.echo("motioner: no usable CAP model: cap_topic left empty", err=True)
    else:
        units = units_from_paths(paths, jobs=jobs, timeout=timeout, on_error=failed)
    if not units and not failed.sources:
        raise click.ClickException("no readable text in PATHS")
    for unit, row in zip(units, model.assign(units=units)):
        out = {
            "id": unit["id"],
            **row,
            "cap_topic": unit.get("cap_topic"),
            "cap_score": unit.get("cap_score"),
            "procedural": unit.get("procedural"),
        }
        if fmt == "jsonl":
            click.echo(json.dumps(out, ensure_ascii=False))
        else:
            sec = ", ".join(f"{s['name']} {s['score']:.2f}" for s in row["secondary"])
            cap = f"; CAP {out['cap_topic']} ({out['cap_score']:.2f})" if out["cap_topic"] else ""
            click.echo(
                f"{unit['id']}\n    {row['theme_name']} ({row['score']:.2f})"
                + (f"; also {sec}" if sec else "")
                + cap
            )
    if failed.sources:
        sys.exit(1)


@themes_group.command("trends")
@db_option
@model_option
@click.option(
    "--by",
    type=click.Choice(BY_CHOICES),
    default="party",
    show_default=True,
    help="Group by this field of the units ('none': one group).",
)
@click.option(
    "--per",
    type=click.Choice(("year", "quarter", "month")),
    default="year",
    show_default=True,
)
@click.option(
    "--measure",
    type=click.Choice(("count", "share")),
    default="count",
    show_default=True,
    help="What the plot draws: units, or the share of the group's units in the period.",
)
@click.option("--secondary", is_flag=True, help="Count secondary themes too.")
@click.option("--top", type=int, default=5, show_default=True, help="Themes to draw in each panel.")
@click.option("--plot", type=click.Path(dir_okay=False), help="Write a PNG chart to FILE.")
@output_options(("table", "csv", "json", "parquet"), "table")
def trends_command(db, model_dir, by, per, measure, secondary, top, plot, fmt, output) -> None:
    """Theme counts and shares per period and party, committee, CAP topic or any field.

    The table is tidy (period, group, theme, name, count, units, share): one row per
    period, group and theme. A unit with several parties counts once for each; replies
    and § items count for the party of the motion they answer.

    \b
    Example:
        motioner themes trends --by party --per year
        motioner themes trends --by committee --per quarter --format csv -o trends.csv
        motioner themes trends --by cap_topic --measure share --plot cap-themes.png
    """
    model = load_fitted(model_dir, db)
    df = model.trends(by=by, per=per, secondary=secondary)
    if fmt == "parquet":
        if not output:
            raise click.UsageError("--format parquet needs -o FILE")
        from nlp_motioner.themes.trends import write_parquet

        try:
            write_parquet(df, output)
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        with open_output(output) as fh:
            if fmt == "json":
                fh.write(df.to_json(orient="records", force_ascii=False) + "\n")
            elif fmt == "csv":
                df.to_csv(fh, index=False)
            else:
                fh.write(df.to_string(index=False) + "\n" if len(df) else "(no dated units)\n")
    if plot:
        from nlp_motioner.themes.plot import plot_trends

        try:
            plot_trends(df, plot, by=by, measure=measure, top=top)
        except OSError as exc:
            raise click.ClickException(f"cannot write {plot}: {exc.strerror or exc}") from None
        click.echo(f"chart -> {plot}", err=True)


COMMANDS: list[click.Command] = [themes_group]
