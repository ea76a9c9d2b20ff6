"""`motioner themes fit|show|assign|trends` and `motioner eval themes`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from nlp_motioner.cli.options import format_option, output_options
from nlp_motioner.cli.output import open_output


def _k(value: str) -> int | str:
    if value == "auto":
        return "auto"
    try:
        k = int(value)
    except ValueError:
        raise click.BadParameter("k must be a whole number or 'auto'") from None
    if k < 1:
        raise click.BadParameter("k must be at least 1")
    return k


def _db_default() -> str:
    from nlp_motioner.store import default_db_path

    return default_db_path()


def _model_dir(model: str | None, db: str | None) -> Path:
    if model:
        return Path(model)
    if db:
        return Path(db).resolve().parent / "models" / "themes"
    return Path("models") / "themes"


def _load(folder: Path) -> Any:
    from nlp_motioner.themes import IncompatibleModelError, ThemeModel

    try:
        return ThemeModel.load(folder)
    except (FileNotFoundError, IncompatibleModelError) as exc:
        raise click.ClickException(str(exc)) from None


def _load_fitted(model_dir: str | None, db: str | None) -> Any:
    """The model a reading command uses: --model, else beside --db or the default database."""
    if not db and os.path.exists(_db_default()):
        db = _db_default()
    return _load(_model_dir(model_dir, db))


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
    help="Number of themes, or 'auto' (best cosine silhouette).",
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
    "-j",
    "--jobs",
    type=int,
    default=1,
    show_default=True,
    help="Worker processes when reading PATHS.",
)
def fit_command(paths, db, model_dir, k, seeds, no_seeds, fresh, cases, jobs) -> None:
    """Fit themes over the indexed documents and § items (or over PATHS).

    Without PATHS the units come from the database: each § item of minutes, and each
    document without items. With PATHS the files are read, structured and tagged first.
    An existing model in the model folder lends its theme IDs to matching new themes.

    \b
    Example:
        motioner themes fit --db motioner.db --k auto
        motioner themes fit corpus/ --k 12 --seeds my-themes.toml --model models/themes
        motioner themes fit --cases arenden.json --model models/themes
    """
    from nlp_motioner.themes import (
        ThemeModel,
        fit_themes,
        units_from_cases,
        units_from_paths,
        units_from_store,
    )

    if cases:
        units = units_from_cases(cases)
        db_path = db
    elif paths:
        units = units_from_paths(paths, jobs=jobs)
        db_path = db
    else:
        db_path = db or _db_default()
        if not os.path.exists(db_path):
            raise click.ClickException(
                f"no database at {db_path} (run `motioner index` first, or give PATHS)"
            )
        units = units_from_store(db_path)
    if len(units) < 3:
        raise click.ClickException(
            f"need at least 3 documents or § items with text, found {len(units)}"
        )
    folder = _model_dir(model_dir, db_path)
    previous = None
    if not fresh and (folder / "themes.json").exists():
        try:
            previous = ThemeModel.load(folder)
        except Exception:  # an incompatible old model only loses its IDs
            previous = None
    model = fit_themes(units, k=_k(k), seeds=[] if no_seeds else seeds, previous=previous)
    model.save(folder)
    click.echo(f"{len(units)} units, {model.clusterer.k_} themes -> {folder}", err=True)
    _print_themes(model, 10)


def _print_themes(model: Any, top: int, *, units: bool = False) -> None:
    df = model.themes(top=top)
    for row in df.itertuples(index=False):
        seed = "*" if row.seeded else " "
        click.echo(f"{row.id:<34} {seed} {row.size:>6}  {row.name}  [{', '.join(row.terms[:6])}]")
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
    """List the fitted themes, largest first: ID, seeded (*), size, name, top terms and units.

    \b
    Example:
        motioner themes show
        motioner themes show --format json --top 5
    """
    model = _load_fitted(model_dir, db)
    if fmt == "json":
        click.echo(model.themes(top=top).to_json(orient="records", force_ascii=False))
    else:
        _print_themes(model, top, units=top > 0)


@themes_group.command("assign")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@db_option
@model_option
@format_option(("table", "jsonl"), "table")
def assign_command(paths, db, model_dir, fmt) -> None:
    """Place new documents in the fitted themes without refitting.

    \b
    Example:
        motioner themes assign corpus/seeds/001_57ee7757e7276fbf.txt
        motioner themes assign new-motions/ --format jsonl
    """
    from nlp_motioner.themes import units_from_paths

    model = _load_fitted(model_dir, db)
    units = units_from_paths(paths)
    if not units:
        raise click.ClickException("no readable text in PATHS")
    for unit, row in zip(units, model.assign([u["text"] for u in units])):
        if fmt == "jsonl":
            click.echo(json.dumps({"id": unit["id"], **row}, ensure_ascii=False))
        else:
            sec = ", ".join(f"{s['name']} {s['score']:.2f}" for s in row["secondary"])
            click.echo(
                f"{unit['id']}\n    {row['theme_name']} ({row['score']:.2f})"
                + (f"; also {sec}" if sec else "")
            )


@themes_group.command("trends")
@db_option
@model_option
@click.option(
    "--by",
    type=click.Choice(("party", "outcome", "organisation")),
    default="party",
    show_default=True,
)
@click.option("--per", type=click.Choice(("year",)), default="year", show_default=True)
@click.option("--secondary", is_flag=True, help="Count secondary themes too.")
@click.option("--top", type=int, default=8, show_default=True, help="Themes to draw in the plot.")
@click.option("--plot", type=click.Path(dir_okay=False), help="Write a PNG chart to FILE.")
@output_options(("table", "csv", "json"), "table")
def trends_command(db, model_dir, by, per, secondary, top, plot, fmt, output) -> None:
    """Theme counts per year and party, outcome or organisation.

    \b
    Example:
        motioner themes trends --by party --per year
        motioner themes trends --by outcome --plot outcome-themes.png
    """
    model = _load_fitted(model_dir, db)
    df = model.trends(by=by, per=per, secondary=secondary)
    with open_output(output) as fh:
        if fmt == "json":
            fh.write(df.to_json(orient="records", force_ascii=False) + "\n")
        elif fmt == "csv":
            df.to_csv(fh, index=False)
        else:
            fh.write(df.to_string(index=False) + "\n" if len(df) else "(no units)\n")
    if plot:
        from nlp_motioner.themes.plot import plot_trends

        plot_trends(df, plot, by=by, top=top)
        click.echo(f"chart -> {plot}", err=True)


@click.command("themes")
@click.argument("cases", type=click.Path(exists=True, dir_okay=False))
@click.option("--k", "k", default="auto", show_default=True, help="Number of themes, or 'auto'.")
@click.option(
    "--seeds", type=click.Path(exists=True, dir_okay=False), help="TOML file of seed themes."
)
@format_option(("table", "json"), "table")
def eval_themes_command(cases, k, seeds, fmt) -> None:
    """Score the theme pipeline against labelled case categories (NMI, ARI) and a baseline.

    CASES is a JSON list of case records like arenden-dev.json: the text is the title
    plus the steps' quotes, the label is `category`. The baseline is plain TF-IDF +
    k-means at the same k, fitted in the same run.

    \b
    Example:
        motioner eval themes ../shared/corpus/alingsas/arenden-dev.json
        motioner eval themes cases.json --k 7 --format json
    """
    from nlp_motioner.themes.evaluate import evaluate_cases, load_cases

    result = evaluate_cases(load_cases(cases), k=_k(k), seeds=seeds)
    if fmt == "json":
        keys = ("nmi", "ari", "k", "baseline_nmi", "baseline_ari")
        click.echo(json.dumps({key: result[key] for key in keys} | {"n": result["n"]}))
        return
    click.echo(
        f"cases: {result['n']}  categories: {result['categories']}  k: {result['k']} ({result['k_criterion']})"
    )
    click.echo(f"{'':<10}{'NMI':>8}{'ARI':>8}")
    click.echo(f"{'themes':<10}{result['nmi']:>8.3f}{result['ari']:>8.3f}")
    click.echo(f"{'baseline':<10}{result['baseline_nmi']:>8.3f}{result['baseline_ari']:>8.3f}")
    click.echo("largest themes:")
    for t in result["themes"][:10]:
        label = "" if t["label"] == t["name"] else f"  [{t['label']}]"
        click.echo(f"  {t['size']:>5}  {t['name']}{label}")


def _register_eval() -> None:
    try:
        from nlp_motioner.cli.evaluate import eval_group
    except ImportError:  # the eval group is not there yet: offer the command on its own
        eval_group = click.Group(
            "eval",
            help="Evaluate against labelled data.\n\n\b\nExample:\n    motioner eval themes cases.json",
        )
        COMMANDS.append(eval_group)
    if "themes" not in eval_group.commands:
        eval_group.add_command(eval_themes_command)


COMMANDS: list[click.Command] = [themes_group]
_register_eval()
