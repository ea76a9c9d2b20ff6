"""The `motioner` console script: start a batch command's workers, then run the CLI.

Started first thing, the workers import the pipeline while this process imports click and
the commands (see `nlp_motioner.batch.spawn`); `nlp_motioner.cli.main` is the CLI itself.
"""

from __future__ import annotations

import sys


def main() -> None:
    from nlp_motioner.batch.spawn import planned_workers, prestart

    prestart(planned_workers(sys.argv[1:]))
    from nlp_motioner.cli import main as cli

    cli()
