"""`motioner eval themes`: themes and the CAP classifier against CAP labels, with baselines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from nlp_motioner.cli.options import format_option

__all__ = ["eval_themes_command"]


@click.command("themes")
@click.argument("cases", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--labels",
    type=click.Path(exists=True, dir_okay=False),
    help="CAP labels (JSONL with id and cap_major; default: labels/dev-cap.jsonl beside "
    "the case file's folder).",
)
@click.option("--k", "k", default="auto", show_default=True, help="Number of themes, or 'auto'.")
@click.option(
    "--seeds", type=click.Path(exists=True, dir_okay=False), help="TOML file of seed themes."
)
@format_option(("table", "json"), "table")
def eval_themes_command(cases, labels, k, seeds, fmt) -> None:
    """Score themes and the CAP classifier against CAP labels, each beside a plain baseline.

    CAP classifier: grouped cross-validation (folds by normalised title), weighted and
    macro F1, on recurring and on unique titles, beside TF-IDF + logistic regression.
    Themes: NMI and ARI against the CAP labels (each case's CAP probabilities from the
    cross-validation), beside TF-IDF + LSA + k-means at the same k. Seeded themes are
    checked against the CAP labels of their top cases.

    \b
    Example:
        motioner eval themes ../shared/corpus/alingsas/arenden-dev.json
        motioner eval themes ../shared/corpus/alingsas/arenden-dev.json --format json
    """
    from nlp_motioner.cli.themes_options import parse_k
    from nlp_motioner.themes.evaluate import evaluate_themes
    from nlp_motioner.topics.train import load_labelled_cases

    if labels is None:
        guess = Path(cases).resolve().parent.parent / "labels" / "dev-cap.jsonl"
        if not guess.exists():
            raise click.UsageError("no CAP labels found: give --labels FILE.jsonl")
        labels = str(guess)
    try:
        pairs = load_labelled_cases(cases, labels)
        result = evaluate_themes(pairs, k=parse_k(k), seeds=seeds)
    except (ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, default=_plain))
        return
    _print_eval(result)


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def _print_eval(r: dict[str, Any]) -> None:
    cap, th, seeds = r["cap"], r["themes"], r["seeds"]
    base = cap["baseline"]
    click.echo(
        f"CAP classifier: {cap['n']} cases, {cap['topics']} topics, {cap['folds']}-fold CV "
        f"grouped by {cap['grouping']} ({cap['recurring_cases']} cases with a recurring "
        f"title, {cap['unique_cases']} unique)"
    )
    click.echo(f"{'':<22}{'weighted F1':>12}{'macro F1':>10}{'recurring':>11}{'unique':>9}")
    for name, s in (("classifier", cap), ("baseline", base)):
        click.echo(
            f"{name:<22}{s['weighted_f1']:>12.3f}{s['macro_f1']:>10.3f}"
            f"{s['weighted_f1_recurring']:>11.3f}{s['weighted_f1_unique']:>9.3f}"
        )
    at = cap["at_threshold"]
    click.echo(
        f"abstain below p={cap['threshold']:.2f}: answers {at['coverage']:.1%} of cases, "
        f"{at['accuracy']:.1%} of them right (weighted F1 {at['weighted_f1']:.3f})"
    )
    p = cap["procedural"]
    click.echo(
        f"procedural flag: precision {p['precision']:.3f}, recall {p['recall']:.3f} "
        f"({p['flagged']} flagged, {p['labelled']} labelled)"
    )
    click.echo("")
    click.echo(
        f"Themes: {th['cases']} cases ({th['procedural_left_out']} procedural left out), "
        f"k {th['k']} ({th['k_criterion']})"
    )
    click.echo(f"{'':<22}{'NMI':>8}{'ARI':>8}")
    click.echo(f"{'themes':<22}{th['nmi']:>8.3f}{th['ari']:>8.3f}")
    for key, name in (
        ("baseline", "baseline"),
        ("text_only", "themes without CAP"),
        ("committee", "committee only"),
    ):
        click.echo(f"{name:<22}{th[key]['nmi']:>8.3f}{th[key]['ari']:>8.3f}")
    click.echo(f"NMI / baseline NMI: {th['nmi_ratio']}")
    click.echo(
        f"seeded themes: {seeds['seeded_themes']}, contradicted by the CAP labels of their "
        f"top cases: {seeds['contradicted']}"
    )
    click.echo("largest themes:")
    for t in th["list"][:12]:
        seed = "*" if t["seeded"] else " "
        click.echo(f"  {t['size']:>5} {seed} {t['name']}  (CAP {t['cap_topic']} {t['cap_name']})")
