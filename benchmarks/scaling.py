"""How far two processes beat one on this machine: raw extraction, our read stage, the whole
per-file function.

Splits a set of PDFs into two halves of equal page count and runs each method once over
all files in one fresh process, then over the halves in two fresh processes at once (no
pool, no parent doing anything), printing the speed-up. It bounds what `tag --jobs 2` can
reach here: a method that two processes speed up 1.7x cannot be run 1.8x faster by a pool.
The one-process column also bounds `tag --jobs 1` against raw extraction: the whole
per-file function in one process, start-up included, with no pool and no writing.

The sets are bench_tag.py's: (a) 40 small PDFs, where Python start-up and imports weigh
most, and (b) the whole dev corpus.

    python benchmarks/scaling.py --repeat 3
    python benchmarks/scaling.py --sets small --repeat 5
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

from _common import corpus_pdfs, count_pages, machine
from bench_tag import small_pdfs

METHODS = {
    "raw pypdfium2 get_text_range": """
import sys, pypdfium2 as pdfium
for path in open(sys.argv[1], encoding="utf-8").read().splitlines():
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        continue
    for i in range(len(pdf)):
        page = pdf[i]; tp = page.get_textpage(); tp.get_text_range(); tp.close(); page.close()
    pdf.close()
""",
    "read_file (read stage)": """
import sys
from nlp_motioner.readers import read_file
for path in open(sys.argv[1], encoding="utf-8").read().splitlines():
    read_file(path)
""",
    "pipeline.process (whole per-file function)": """
import sys
from nlp_motioner.pipeline import process
for path in open(sys.argv[1], encoding="utf-8").read().splitlines():
    process(path)
""",
}


def halves(pdfs: list[str]) -> tuple[list[str], list[str]]:
    """Two lists of about equal page count (largest file first, to the lighter half)."""
    sized = sorted(((count_pages([p]), p) for p in pdfs), reverse=True)
    a: list[str] = []
    b: list[str] = []
    pages_a = pages_b = 0
    for n, path in sized:
        if pages_a <= pages_b:
            a.append(path)
            pages_a += n
        else:
            b.append(path)
            pages_b += n
    return a, b


def measure_set(label: str, pdfs: list[str], repeat: int) -> None:
    a, b = halves(pdfs)
    print()
    print(f"## {label}: {len(pdfs)} PDFs, halves of {count_pages(a)} and {count_pages(b)} pages")
    print()
    with tempfile.TemporaryDirectory() as tmp:
        lists = {}
        for name, paths in (("all", pdfs), ("a", a), ("b", b)):
            lists[name] = os.path.join(tmp, f"{name}.txt")
            with open(lists[name], "w", encoding="utf-8") as fh:
                fh.write("\n".join(paths))
        print("| method | one process s | two processes s | speed-up | one process × raw |")
        print("|---|---|---|---|---|")
        raw_one = None
        for name, code in METHODS.items():
            one = two = float("inf")
            for _ in range(repeat):
                start = time.perf_counter()
                subprocess.run([sys.executable, "-c", code, lists["all"]], check=True)
                one = min(one, time.perf_counter() - start)
                start = time.perf_counter()
                procs = [
                    subprocess.Popen([sys.executable, "-c", code, lists[h]]) for h in ("a", "b")
                ]
                for proc in procs:
                    proc.wait()
                two = min(two, time.perf_counter() - start)
            raw_one = raw_one or one
            print(f"| {name} | {one:.2f} | {two:.2f} | {one / two:.2f} | {raw_one / one:.2f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=2, help="runs per method; the best is kept")
    ap.add_argument(
        "--sets",
        choices=("both", "small", "all"),
        default="both",
        help="(a) 40 small PDFs, (b) all PDFs, or both (default)",
    )
    args = ap.parse_args()
    pdfs = corpus_pdfs()
    print(f"machine: {machine()}")
    print(f"best of {args.repeat} runs per method")
    if args.sets in ("both", "small"):
        measure_set("(a) small PDFs", small_pdfs(pdfs), args.repeat)
    if args.sets in ("both", "all"):
        measure_set("(b) the whole dev corpus", pdfs, args.repeat)


if __name__ == "__main__":
    main()
