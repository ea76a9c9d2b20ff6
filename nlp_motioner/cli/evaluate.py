"""`motioner eval`: score tags against gold label files.

`eval_group` is a click Group; other areas' subcommands (`eval themes`) are listed in
`_LAZY` and imported when they run. A first argument that is not a subcommand name is
taken as label files, so `motioner eval LABELS.jsonl` runs `motioner eval labels`.
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any

import click

from nlp_motioner.cli.options import output_options
from nlp_motioner.cli.output import open_output

__all__ = ["eval_group", "labels_command", "COMMANDS"]

_HELP = ("-h", "--help")


# Subcommands of other areas, imported only when they run (as the top group does):
# name -> (module, attribute).
_LAZY = {"themes": ("nlp_motioner.cli.themes_eval", "eval_themes_command")}


class _LabelsDefaultGroup(click.Group):
    """A group whose first argument, when not a subcommand, starts the `labels` subcommand."""

    default_command = "labels"

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(_LAZY))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in _LAZY:
            module, name = _LAZY[cmd_name]
            self.add_command(getattr(importlib.import_module(module), name), cmd_name)
        return self.commands.get(cmd_name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.list_commands(ctx) and args[0] not in _HELP:
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


@click.group(
    "eval",
    cls=_LabelsDefaultGroup,
    invoke_without_command=False,
)
def eval_group() -> None:
    """Evaluate tags against gold labels (LABELS.jsonl ...) and other evaluations.

    Given label files directly, it runs `motioner eval labels`.

    \b
    Example:
        motioner eval ../shared/corpus/labels/*.jsonl
        motioner eval labels corpus/labels/seeds.jsonl --root corpus
    """


@eval_group.command("labels")
@click.argument(
    "label_files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False)
)
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False),
    help="Folder the label names are relative to (default: each label file's parent's parent).",
)
@output_options(("table", "json"), "table")
@click.option(
    "--mistakes/--no-mistakes", default=False, help="List every wrong field after the table."
)
@click.option(
    "--outcome-mode",
    type=click.Choice(["both", "rules", "model"]),
    default="both",
    show_default=True,
    help="Decide outcomes by the rules with the decision-sentence model behind them (both), "
    "the rules alone, or the model alone: for comparing them.",
)
@click.option(
    "--profile",
    default=None,
    help="Organisation profile (name or .toml path) for every file, instead of choosing one "
    "per document.",
)
def labels_command(label_files, root, fmt, output, mistakes, outcome_mode, profile) -> None:
    """Tag the labelled files and print accuracy per field.

    Fields: doc_type, parties (exact set), outcome, outcome_stage, date and
    diarienummer; referral-body precision/recall/F1; item recall and item outcome
    accuracy (label lines with `paragraph`); and the confusion of outcomes. A label
    with `unreadable` expects the file's error record or doc_type `other`.

    \b
    Example:
        motioner eval labels ../shared/corpus/labels/*.jsonl
        motioner eval labels corpus/labels/dev-items.jsonl --format json
        motioner eval labels corpus/labels/dev-docs.jsonl --outcome-mode rules
    """
    from functools import partial

    from nlp_motioner.evaluate import evaluate, format_table
    from nlp_motioner.pipeline import process
    from nlp_motioner.profile import ProfileError, load_profile
    from nlp_motioner.taggers.decision_model import mode

    try:
        if profile:
            load_profile(profile)
        with mode(outcome_mode):
            report = evaluate(label_files, root=root, process=partial(process, profile=profile))
    except (ValueError, ProfileError) as exc:
        raise click.ClickException(str(exc)) from exc
    for path in report.get("skipped_label_files", []):
        click.echo(
            f"motioner: {path}: skipped (no 'name' field: not document or item labels)", err=True
        )
    missing = report.get("missing_files", [])
    for path in missing[:5]:
        click.echo(f"motioner: {path}: labelled file not found (scored as blank)", err=True)
    if len(missing) > 5:
        click.echo(f"motioner: ... and {len(missing) - 5} more labelled files not found", err=True)
    if missing:
        click.echo("motioner: is --root the folder the label names are relative to?", err=True)
    with open_output(output) as fh:
        if fmt == "json":
            fh.write(json.dumps(_jsonable(report), ensure_ascii=False, indent=2) + "\n")
        else:
            fh.write(format_table(report) + "\n")
            if mistakes:
                for m in report["mistakes"]:
                    fh.write("  " + json.dumps(m, ensure_ascii=False) + "\n")
    sys.exit(0)


def _jsonable(report: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(report, default=str))


COMMANDS = [eval_group]
