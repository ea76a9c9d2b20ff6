"""The `motioner` command. Each area of commands lives in its own module and registers here."""

from __future__ import annotations

import click

from nlp_motioner import __version__


@click.group(
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


def _register() -> None:
    from nlp_motioner.cli import corpus, documents, evaluate, search, themes

    for module in (documents, corpus, search, evaluate, themes):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
