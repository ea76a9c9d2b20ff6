"""Workers started by the launcher before the command line is parsed (batch.spawn)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nlp_motioner.batch import spawn
from nlp_motioner.batch.spawn import planned_workers

MOTIONER = Path(sys.executable).parent / "motioner"
needs_script = pytest.mark.skipif(not MOTIONER.exists(), reason="motioner is not installed")
CORES = os.cpu_count() or 1


@pytest.fixture
def files(tmp_path):
    paths = []
    for i in range(3):
        path = tmp_path / f"m{i}.txt"
        path.write_text(f"Motion {i}\n\nVi föreslår att fullmäktige beslutar.\n", "utf-8")
        paths.append(str(path))
    return paths


def test_planned_workers_follow_the_command_line(files, tmp_path):
    one, two, three = files
    assert planned_workers(["tag", one, two, "-j", "2"]) == 2
    assert planned_workers(["tag", one, two, "--jobs=4"]) == 2  # no more workers than files
    assert planned_workers(["tag", one, "-j3"]) == 1
    assert planned_workers(["read", str(tmp_path), "-j", "3"]) == 3  # a folder: many files
    assert planned_workers(["index", "-", "--db", "x.db", "-j", "2"]) == 2
    assert planned_workers(["tag", str(tmp_path)]) == CORES
    # None where the command starts no local worker, or the line is not understood.
    assert planned_workers(["tag", one, two, "-j", "1", "--timeout", "0"]) == 0
    assert planned_workers(["tag", str(tmp_path), "--scheduler", "tcp://h:8786"]) == 0
    assert planned_workers(["tag", "--help"]) == 0
    assert planned_workers(["tag", one, "-j", "many"]) == 0
    assert planned_workers(["search", "cykelväg"]) == 0
    assert planned_workers(["--", "tag", one]) == 0
    assert planned_workers([]) == 0


def test_a_started_worker_nobody_takes_exits_quietly():
    spawn.prestart(1)
    (proc, _, _) = spawn._STARTED[0]
    spawn._kill_untaken()
    assert proc.wait(timeout=10) == 0
    assert spawn.take_started() is None


def _records(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


@needs_script
def test_prestarted_workers_give_the_records_of_one_process(files):
    base = [str(MOTIONER), "tag", *files, "-f", "jsonl", "--quiet"]
    early = subprocess.run([*base, "-j", "2"], capture_output=True, text=True, timeout=300)
    alone = subprocess.run(
        [*base, "-j", "1", "--timeout", "0"], capture_output=True, text=True, timeout=300
    )
    assert early.returncode == alone.returncode == 0, early.stderr + alone.stderr
    assert early.stderr == ""
    assert _records(early.stdout) == _records(alone.stdout)
