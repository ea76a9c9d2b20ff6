"""Shared helpers for the benchmark scripts: the PDF set, and measuring a command's run.

A command runs as its own process tree; we record wall time, CPU time (user + system of
the whole tree), and peak memory: the largest single process and the whole tree together,
sampled every 20 ms with psutil.
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
BIN = Path(sys.executable).parent


def corpus_pdfs(where: Path | None = None, limit: int | None = None) -> list[str]:
    """The dev corpus PDFs (real Alingsås documents), sorted; spread evenly when limited."""
    base = where or (
        SHARED / "alingsas" if (SHARED / "alingsas").is_dir() else ROOT / "corpus" / "alingsas"
    )
    pdfs = sorted(str(p) for p in base.rglob("*.pdf"))
    if limit and limit < len(pdfs):
        step = len(pdfs) / limit
        pdfs = [pdfs[int(i * step)] for i in range(limit)]
    return pdfs


def count_pages(pdfs: list[str]) -> int:
    import pypdfium2 as pdfium

    total = 0
    for path in pdfs:
        try:
            pdf = pdfium.PdfDocument(path)
        except pdfium.PdfiumError:
            continue  # an HTML error page saved as .pdf: no pages
        total += len(pdf)
        pdf.close()
    return total


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = psutil.virtual_memory().total / 2**30
    load = os.getloadavg()[0]
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}, "
        f"load average {load:.1f} at start"
    )


def _descendants(roots: list[psutil.Process]) -> list[psutil.Process]:
    out = []
    for root in roots:
        try:
            out += [root, *root.children(recursive=True)]
        except psutil.Error:
            pass
    return out


def _tree_cpu(roots: list[psutil.Process]) -> float:
    """CPU seconds used so far by live processes under `roots` (a Dask cluster's workers)."""
    total = 0.0
    for p in _descendants(roots):
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.Error:
            pass
    return total


def measure(
    cmd: list[str], *, stdout=subprocess.DEVNULL, env: dict | None = None, also: list[int] = ()
) -> dict:
    """Run `cmd`; return wall and CPU seconds and peak RSS in MiB (largest process, whole tree).

    The tree is `cmd` with its descendants, plus the processes `also` names (a Dask
    LocalCluster started by this script) with theirs; their CPU is read while they live.
    """
    extra = [psutil.Process(pid) for pid in also]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    live_before = _tree_cpu(extra)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    peak_one = peak_tree = 0
    stop = threading.Event()
    try:
        main = [psutil.Process(proc.pid)]
    except psutil.Error:
        main = []

    def sample() -> None:
        nonlocal peak_one, peak_tree
        while not stop.is_set():
            rss = []
            for p in _descendants(main + extra):
                try:
                    rss.append(p.memory_info().rss)
                except psutil.Error:
                    pass
            if rss:
                peak_one = max(peak_one, max(rss))
                peak_tree = max(peak_tree, sum(rss))
            stop.wait(0.02)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    live_after = _tree_cpu(extra)
    stop.set()
    thread.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (
        (after.ru_utime - before.ru_utime)
        + (after.ru_stime - before.ru_stime)
        + (live_after - live_before)
    )
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd[:3]} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return {
        "wall": wall,
        "cpu": cpu,
        "peak_rss_mib": peak_one / 2**20,
        "peak_tree_mib": peak_tree / 2**20,
    }


def python_snippet(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]
