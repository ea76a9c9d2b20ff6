"""The `motioner` command. Each area of commands lives in its own module and registers here."""

from __future__ import annotations

import importlib

import click

from nlp_motioner import __version__

# Each command's module and one-line help. A module is imported only when one of its
# commands runs, so `motioner --help` and `motioner search` do not load the reading and
# tagging pipeline, numpy or pandas. tests/test_cli_help.py checks this table against the
# commands themselves: a new command needs a line here.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "read": ("documents", "Read documents and print their structure: sections and § items."),
    "tag": (
        "documents",
        "Tag documents: type, date, case numbers, parties, referral bodies, outcome.",
    ),
    "index": ("corpus", "Read, tag and store documents in the corpus database."),
    "export": ("corpus", "Export a table of the corpus database as JSONL, CSV or Parquet."),
    "search": ("search", "Search the corpus: one row per case, best match first."),
    "similar": ("search", "Find precedents: the most similar other cases to a document."),
    "case": (
        "search",
        "The history of one case in date order: motion, referrals, opinions, decisions.",
    ),
    "serve": ("serve", "Search and browse the corpus database in a web browser."),
    "eval": (
        "evaluate",
        "Evaluate tags against gold labels (LABELS.jsonl ...) and other evaluations.",
    ),
    "themes": (
        "themes",
        "Fit, show and use themes: what the documents are about, and how that moves.",
    ),
}


class LazyGroup(click.Group):
    """A group whose commands are imported from their module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(LAZY_COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            module = importlib.import_module(f"nlp_motioner.cli.{LAZY_COMMANDS[cmd_name][0]}")
            for command in module.COMMANDS:
                self.commands.setdefault(command.name, command)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            if name in self.commands:
                rows.append((name, self.commands[name].get_short_help_str(limit)))
            else:
                # Shortened as click shortens a loaded command's help.
                stub = click.Command(name, help=LAZY_COMMANDS[name][1])
                rows.append((name, stub.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Example:\n\n    motioner tag corpus/ --format table",
)
@click.version_option(__version__, prog_name="motioner")
def main() -> None:
    """Read, tag, index and search Swedish municipal political documents.

    \b
    Motions, officials' replies, statements, referral replies and minutes
    (PDF, text, HTML or Riksdagen JSON) become structured records: sections,
    § items, parties, referral bodies and decision outcomes.
    """
