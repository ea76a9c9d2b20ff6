"""Reading speed and memory per PDF backend: pypdfium2 (the default) against pdfplumber.

Reads every PDF of the dev corpus (../shared/corpus/alingsas) with `read_file(...,
backend=...)`, each backend in a fresh process, and prints pages/s and peak RSS.

    python benchmarks/read.py
    python benchmarks/read.py --limit 25
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

from _common import corpus_pdfs, count_pages, machine, measure, python_snippet

READ = """
import sys
from nlp_motioner.read import read_file
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, help="use this many PDFs, spread over the corpus")
    args = ap.parse_args()
    pdfs = corpus_pdfs(limit=args.limit)
    pages = count_pages(pdfs)
    print(f"machine: {machine()}")
    print(f"input: {len(pdfs)} PDFs, {pages} pages")
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
