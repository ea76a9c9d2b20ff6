"""Every command documents itself with an example, and every example runs.

The examples run in a scratch folder that holds a link to the bundled corpus, in the
order a reader would follow (index before search). An example fails when it exits with
status 2 or more or prints a traceback; status 1 is "some files could not be read", which
the bundled corpus does on purpose (a scan and an HTML error page). Skipped: examples
that need a Dask cluster, and examples that need ../shared when it is absent.
"""

from __future__ import annotations

import glob
import os
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from nlp_motioner.cli import main

ROOT = Path(__file__).resolve().parent.parent
MOTIONER = Path(sys.executable).parent / "motioner"


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    # list_commands/get_command, not .commands: the top group loads its commands lazily.
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


def _help(path: tuple[str, ...]) -> str:
    return CliRunner().invoke(main, [*path, "--help"]).output


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


def _examples() -> list[str]:
    seen: dict[str, None] = {}
    for line in _help(()).split("Example", 1)[1].splitlines():
        if line.strip().startswith("motioner "):
            seen[line.strip()] = None
    for path, _ in _commands(main):
        text = _help(path)
        if "Example" not in text:
            continue
        for line in text.split("Example", 1)[1].splitlines():
            line = line.strip()
            if line.startswith("motioner ") or " | motioner " in line:
                seen[line] = None
    # The order a reader follows: build the database and the theme model first.
    first = ("motioner index", "motioner themes fit --db")
    return sorted(seen, key=lambda ex: (not ex.startswith(first), ex.startswith("motioner serve")))


EXAMPLES = _examples()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("examples")
    os.symlink(ROOT / "corpus", ws / "corpus")
    (ws / "models").mkdir()
    shared = ROOT.parent / "shared"
    if shared.is_dir():
        os.symlink(shared, ws.parent / "shared") if not (ws.parent / "shared").exists() else None
    return ws


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_serve(args: list[str], cwd: Path) -> None:
    if "--datasette" in args:
        pytest.importorskip("datasette")
    if not MOTIONER.exists():
        pytest.skip("the motioner script is not installed")
    args = [a for a in args]
    if "--port" in args:
        args[args.index("--port") + 1] = str(_free_port())
    else:
        args += ["--port", str(_free_port())]
    proc = subprocess.Popen([str(MOTIONER), *args], cwd=cwd, stderr=subprocess.PIPE)
    try:
        time.sleep(4)
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_example_runs(example, workspace, monkeypatch):
    if "--scheduler" in example:
        pytest.skip("needs a Dask cluster")
    if "../shared" in example and not (ROOT.parent / "shared" / "corpus").is_dir():
        pytest.skip("needs ../shared/corpus")
    monkeypatch.chdir(workspace)
    stdin = None
    if " | motioner " in example:
        feeder, example = example.split(" | ", 1)
        stdin = subprocess.run(feeder, shell=True, capture_output=True, cwd=workspace).stdout
    args = []
    for word in shlex.split(example)[1:]:
        matches = sorted(glob.glob(word)) if any(c in word for c in "*?[") else []
        args += matches or [word]
    if args[0] == "serve":
        _run_serve(args, workspace)
        return
    result = CliRunner().invoke(main, args, input=stdin, catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{example}: {result.exception!r}\n{result.output[-2000:]}"
    )
    assert result.exit_code in (0, 1), f"{example} -> {result.exit_code}\n{result.output[-2000:]}"
    assert "Traceback" not in result.output


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
        "nlp_motioner.readers",
        "nlp_motioner.taggers",
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


def test_eval_themes_runs_in_a_fresh_process():
    # Registered only as a side effect of importing the themes commands, `eval themes`
    # once existed only for a process (or a test session) that had loaded them first.
    out = subprocess.run(
        [str(MOTIONER), "eval", "themes", "--help"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert "motioner eval themes" in out.stdout
