"""Reading speed and memory per PDF backend, and the CPU cost of reading against raw pypdfium2.

1. Backends: reads every PDF of the dev corpus (../shared/corpus/alingsas) with
   `read_file(..., backend=...)`, each backend in a fresh process, and prints pages/s and
   peak RSS.
2. CPU time in one process: raw pypdfium2 text extraction (`get_text_range`, no layout),
   the pdfium layout reader (`extract_pdfium`: lines with font size, weight and position)
   and the whole read stage (`read_file`: sniffing, hashing, furniture), each timed with
   `time.process_time()` after a warm-up pass, round-robin, median of --repeat passes.
   CPU time, unlike wall time, barely moves when other processes share the machine.

    python benchmarks/read.py
    python benchmarks/read.py --limit 25
    python benchmarks/read.py --cpu-only --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

from _common import ROOT, corpus_pdfs, count_pages, machine, measure, python_snippet

READ = """
import sys
from nlp_motioner.readers import read_file
backend = sys.argv[2]
ok = failed = 0
for path in open(sys.argv[1], encoding="utf-8").read().splitlines():
    doc = read_file(path, backend=backend)
    if doc.error:
        failed += 1
    else:
        ok += 1
print(ok, failed)
"""

# The text-layer limit: pypdfium2's plain text, no layout facts. bench_tag.py runs it too.
RAW_TEXT = """
import pypdfium2 as pdfium

def raw_text(paths):
    chars = 0
    for path in paths:
        try:
            pdf = pdfium.PdfDocument(path)
        except pdfium.PdfiumError:
            continue  # an HTML error page saved as .pdf
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            chars += len(tp.get_text_range())
            tp.close()
            page.close()
        pdf.close()
    return chars
"""

# Every method reads the same files from disk (the page cache after the warm-up pass).
READ_CPU = (
    RAW_TEXT
    + """
import json, statistics, sys, time
from nlp_motioner.readers import read_file
from nlp_motioner.readers.pdf import PdfError, extract_pdfium

paths = open(sys.argv[1], encoding="utf-8").read().splitlines()
repeat = int(sys.argv[2])

def layout():
    for path in paths:
        with open(path, "rb") as fh:
            data = fh.read()
        try:
            extract_pdfium(data)
        except PdfError:
            pass

def whole_read():
    for path in paths:
        read_file(path)

methods = {
    "raw pypdfium2 get_text_range": lambda: raw_text(paths),
    "pdfium layout reader (extract_pdfium)": layout,
    "read_file (whole read stage)": whole_read,
}
for fn in methods.values():
    fn()  # warm-up: imports, lazily loaded data files, page cache
times = {name: [] for name in methods}
for _ in range(repeat):
    for name, fn in methods.items():
        start = time.process_time()
        fn()
        times[name].append(time.process_time() - start)
print(json.dumps({name: statistics.median(ts) for name, ts in times.items()}))
"""
)


def read_cpu(pdfs: list[str], repeat: int = 3) -> dict[str, float]:
    """Median CPU seconds per method over `pdfs`, all methods in one fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        listing = os.path.join(tmp, "files.txt")
        with open(listing, "w", encoding="utf-8") as fh:
            fh.write("\n".join(pdfs))
        out = subprocess.run(
            python_snippet(READ_CPU, listing, str(repeat)),
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
    return json.loads(out.strip().splitlines()[-1])


def print_read_cpu(cpu: dict[str, float], pages: int, repeat: int) -> None:
    base = next(iter(cpu.values()))
    print(f"CPU time in one process, median of {repeat} passes (time.process_time):")
    print()
    print("| method | CPU s | pages/CPU-s | CPU × raw pypdfium2 |")
    print("|---|---|---|---|")
    for name, sec in cpu.items():
        print(f"| {name} | {sec:.2f} | {pages / sec:.0f} | {sec / base:.2f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, help="use this many PDFs, spread over the corpus")
    ap.add_argument("--repeat", type=int, default=3, help="CPU-time passes per method")
    ap.add_argument("--cpu-only", action="store_true", help="skip the per-backend table")
    args = ap.parse_args()
    pdfs = corpus_pdfs(limit=args.limit)
    pages = count_pages(pdfs)
    print(f"machine: {machine()}")
    print(f"input: {len(pdfs)} PDFs, {pages} pages")
    print()
    print_read_cpu(read_cpu(pdfs, args.repeat), pages, args.repeat)
    if args.cpu_only:
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        listing = os.path.join(tmp, "files.txt")
        with open(listing, "w", encoding="utf-8") as fh:
            fh.write("\n".join(pdfs))
        for backend in ("pdfium", "pdfplumber"):
            r = measure(python_snippet(READ, listing, backend))
            print(f"  done: {backend} ({r['wall']:.1f} s)", file=sys.stderr)
            rows.append((backend, r))
    print()
    print("| backend | wall s | pages/s | CPU s | pages/CPU-s | peak RSS MiB |")
    print("|---|---|---|---|---|---|")
    for backend, r in rows:
        print(
            f"| {backend} | {r['wall']:.1f} | {pages / r['wall']:.0f} | {r['cpu']:.1f} | "
            f"{pages / r['cpu']:.0f} | {r['peak_rss_mib']:.0f} |"
        )
    print()
    print(f"pypdfium2 / pdfplumber: {rows[1][1]['cpu'] / rows[0][1]['cpu']:.0f}x (CPU time)")


if __name__ == "__main__":
    main()
