"""Memory growth of `motioner tag` with the number of documents: it must stay flat.

Builds a directory of links that repeat the dev-corpus PDFs to 100, 1,000 and 10,000
documents, runs `motioner tag DIR -o FILE` on each, and prints the peak RSS of the
largest process and of the whole process tree (parent plus workers).

    python benchmarks/bench_memory.py                 # 100, 1000, 10000 with --jobs 2
    python benchmarks/bench_memory.py --sizes 100 1000 --jobs 1
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile

from _common import BIN, corpus_pdfs, machine, measure


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    pdfs = corpus_pdfs()
    print(f"machine: {machine()}")
    print(f"input: the {len(pdfs)} dev-corpus PDFs repeated; motioner tag --jobs {args.jobs}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            folder = os.path.join(tmp, f"docs-{n}")
            os.mkdir(folder)
            for i, src in zip(range(n), itertools.cycle(pdfs)):
                os.symlink(src, os.path.join(folder, f"{i:06d}.pdf"))
            out = os.path.join(tmp, f"out-{n}.jsonl")
            r = measure([str(BIN / "motioner"), "tag", folder, "--jobs", str(args.jobs), "-o", out])
            if not os.path.exists(out):
                sys.exit(f"tag over {n} documents wrote no output:\n{r['stderr_tail']}")
            with open(out, encoding="utf-8") as fh:
                records = sum(1 for _ in fh)
            assert records == n, (records, n)
            print(f"  done: {n} documents ({r['wall']:.0f} s)", file=sys.stderr)
            rows.append((n, r))
    print()
    print("| documents | wall s | peak RSS MiB, largest process | peak RSS MiB, all processes |")
    print("|---|---|---|---|")
    for n, r in rows:
        print(f"| {n} | {r['wall']:.0f} | {r['peak_rss_mib']:.0f} | {r['peak_tree_mib']:.0f} |")
    first, last = rows[0][1], rows[-1][1]
    print()
    print(
        f"growth {rows[0][0]} -> {rows[-1][0]} documents: largest process "
        f"{last['peak_rss_mib'] / first['peak_rss_mib']:.2f}x, all processes "
        f"{last['peak_tree_mib'] / first['peak_tree_mib']:.2f}x (target <= 1.2)"
    )


if __name__ == "__main__":
    main()
