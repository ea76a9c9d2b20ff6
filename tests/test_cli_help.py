"""Every command documents itself with an example."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from nlp_motioner.cli import main


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    # list_commands/get_command, not .commands: the top group loads its commands lazily.
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


@pytest.mark.parametrize(
    "path,cmd", list(_commands(main)), ids=lambda v: " ".join(v) if isinstance(v, tuple) else ""
)
def test_every_command_has_help_with_example(path, cmd):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output
    assert "motioner " + path[0] in result.output


def test_main_help_has_example():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "Example" in result.output


def test_the_lazy_command_table_matches_the_commands():
    """`motioner --help` lists commands from cli.LAZY_COMMANDS without importing them:
    every command module's commands are in the table, under their module, with their own
    one-line help."""
    import importlib

    from nlp_motioner.cli import LAZY_COMMANDS

    modules = {module for module, _ in LAZY_COMMANDS.values()}
    seen = set()
    for module in modules:
        for cmd in importlib.import_module(f"nlp_motioner.cli.{module}").COMMANDS:
            seen.add(cmd.name)
            assert cmd.name in LAZY_COMMANDS, f"{cmd.name} is missing from LAZY_COMMANDS"
            assert LAZY_COMMANDS[cmd.name] == (module, cmd.get_short_help_str(limit=1000))
    assert seen == set(LAZY_COMMANDS)


def test_help_and_search_start_without_the_pipeline():
    """Fast start (issue 15): the top-level help and the search commands import neither the
    reading and tagging pipeline nor numpy, pandas, scikit-learn, spaCy or pyarrow."""
    import subprocess
    import sys

    heavy = [
        "nlp_motioner.read",
        "nlp_motioner.tag",
        "nlp_motioner.batch",
        "numpy",
        "pandas",
        "sklearn",
        "spacy",
        "pyarrow",
    ]
    for args in (["--help"], ["search", "--help"], ["case", "--help"]):
        code = (
            "import sys; from nlp_motioner.cli import main\n"
            f"try: main({args!r})\n"
            "except SystemExit: pass\n"
            f"print([m for m in {heavy!r} if m in sys.modules])"
        )
        out = (
            subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            .stdout.strip()
            .splitlines()[-1]
        )
        assert out == "[]", (args, out)
