"""CPU time per stage (read, structure, tag, topics) over the same files, in one process.

CPU time (`time.process_time`) is what the stages cost, whatever else the machine is
doing, so two versions of the code can be compared on a shared machine: run this
script against each (PYTHONPATH=/path/to/other/checkout) and compare the lines.

    python benchmarks/bench_stages.py                 # dev corpus: Alingsås PDFs + Kungsbacka
    python benchmarks/bench_stages.py --repeat 3 corpus/
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "corpus"


def _files(paths: list[str]) -> list[str]:
    from nlp_motioner.batch import iter_files

    if not paths:
        paths = [str(SHARED / "alingsas"), str(SHARED / "kungsbacka")]
    return [f for f in iter_files(paths) if f.endswith((".pdf", ".md", ".txt", ".json"))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import nlp_motioner
    from nlp_motioner.readers import read_file
    from nlp_motioner.structure import structure
    from nlp_motioner.taggers import tag
    from nlp_motioner.topics import annotate

    files = _files(args.paths)
    if not files:
        print("no files (../shared/corpus absent?)", file=sys.stderr)
        return 2
    docs = [read_file(f) for f in files]  # warm caches and imports once
    pages = sum(d.page_count for d in docs if not d.error)
    for d in docs:
        if not d.error:
            annotate(tag(structure(d)))
    timings: dict[str, list[float]] = {"read": [], "structure": [], "tag": [], "topics": []}
    for _ in range(args.repeat):
        t0 = time.process_time()
        docs = [read_file(f) for f in files]
        t1 = time.process_time()
        for d in docs:
            if not d.error:
                structure(d)
        t2 = time.process_time()
        for d in docs:
            if not d.error:
                tag(d)
        t3 = time.process_time()
        for d in docs:
            if not d.error:
                annotate(d)
        t4 = time.process_time()
        timings["read"].append(t1 - t0)
        timings["structure"].append(t2 - t1)
        timings["tag"].append(t3 - t2)
        timings["topics"].append(t4 - t3)
    print(f"code: {os.path.dirname(nlp_motioner.__file__)}")
    print(f"files: {len(files)}  pages: {pages}  repeats: {args.repeat} (median CPU seconds)")
    total = 0.0
    for stage, values in timings.items():
        med = statistics.median(values)
        total += med
        print(f"{stage:<10}{med:>8.2f} s{pages / med if med else 0:>10.0f} pages/CPU-s")
    print(f"{'all':<10}{total:>8.2f} s{pages / total if total else 0:>10.0f} pages/CPU-s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
