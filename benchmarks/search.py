"""Benchmark the corpus database: index time, size and query latency.

1. Indexes the whole dev corpus (read -> structure -> tag -> store, as `motioner index`).
2. Builds a synthetic corpus of N documents (default 100,000) by recombining the dev
   corpus's paragraphs, with random tags, stored through the same `Store.put` (one
   transaction per document).
3. Runs 100 queries of 1-3 words, without and with filters, and prints p50/p95 latency of
   the full-text (BM25) query alone ("fts"), of `search` as the command runs it (one row per
   case; LSA only for queries of 12+ words, so none here) and of "units+LSA" (every unit,
   BM25 + LSA + snippets: what `search` did before case rows); each query's time is the
   best of 3 runs (warm cache, least disturbed by other processes).

Figures are printed, not asserted. Target: filtered FTS p95 <= 20 ms at 100k documents.

    .venv/bin/python benchmarks/search.py                      # dev corpus + 100k
    .venv/bin/python benchmarks/search.py --docs 10000 --skip-dev
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlp_motioner.batch import iter_files, run  # noqa: E402
from nlp_motioner.record import Document, Section, Tags  # noqa: E402
from nlp_motioner.search import Filters, fts_only, search  # noqa: E402
from nlp_motioner.search.semantic import fit_store  # noqa: E402
from nlp_motioner.store import Store  # noqa: E402
from nlp_motioner.store.analyze import WORD_RE, stop_words  # noqa: E402

PARTIES = ["S", "M", "SD", "C", "V", "KD", "L", "MP"]
DOC_TYPES = ["motion", "tjansteskrivelse", "protokollsutdrag", "yttrande", "utlatande", "protokoll"]
OUTCOMES = ["bifall", "avslag", "besvarad", "remitterad", "tillstyrker", "avstyrker", None]
BODIES = [
    "Kommunstyrelsen",
    "Tekniska nämnden",
    "Socialnämnden",
    "Kultur- och utbildningsnämnden",
    "Barn- och ungdomsnämnden",
    "Samhällsbyggnadsnämnden",
    "Vård- och omsorgsnämnden",
]
ORGS = ["Alingsås kommun", "Gävle kommun", "Stockholms stad", "Lekebergs kommun", "Riksdagen"]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100 * (len(values) - 1)))))
    return values[k]


def size_mb(path: str) -> float:
    total = 0
    for suffix in ("", "-wal", "-shm", ".lsa.npz", ".lsa.json"):
        if os.path.exists(path + suffix):
            total += os.path.getsize(path + suffix)
    return total / 1e6


def index_dev(corpus: str, db: str, jobs: int) -> list[Document]:
    t0 = time.perf_counter()
    docs: list[Document] = []
    counts = {"new": 0, "unchanged": 0, "replaced": 0, "failed": 0}
    with Store(db) as store:
        for doc in run(iter_files([corpus]), jobs=jobs, timeout=120):
            if doc.error:
                counts["failed"] += 1
                continue
            counts[store.put(doc)] += 1
            doc.lines = []
            docs.append(doc)
        t1 = time.perf_counter()
        info = fit_store(store)
    t2 = time.perf_counter()
    print(
        f"dev corpus: {counts['new']} documents stored, {counts['failed']} failed; "
        f"read+tag+store {t1 - t0:.1f} s, LSA fit {t2 - t1:.1f} s "
        f"({info.get('units')} units, {info.get('dimensions')} dims); size {size_mb(db):.1f} MB"
    )
    return docs


def paragraphs(docs: list[Document]) -> list[str]:
    out: list[str] = []
    for doc in docs:
        buf = ""
        for line in doc.text.splitlines():
            buf += line + "\n"
            if len(buf) >= 500:
                out.append(buf)
                buf = ""
        if len(buf) > 120:
            out.append(buf)
    return out


def synthetic(paras: list[str], n: int, seed: int = 7):
    rng = random.Random(seed)
    for i in range(n):
        k = rng.randint(2, 8)
        text = "\n".join(rng.choice(paras) for _ in range(k))
        year = rng.randint(2010, 2026)
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        case = f"{year}.{rng.randint(1, 400):03d} KS"
        yield Document(
            source=f"synthetic/{i:06d}.txt",
            kind="text",
            text=text,
            sections=[Section("", "body", 0, len(text), 1)],
            tags=Tags(
                doc_type=rng.choice(DOC_TYPES),
                title=" ".join(text.split()[:8]),
                date=date,
                diarienummer=[case],
                organisation=rng.choice(ORGS),
                parties=rng.sample(PARTIES, rng.randint(0, 2)),
                referral_bodies=rng.sample(BODIES, rng.randint(0, 2)),
                outcome=rng.choice(OUTCOMES),
            ),
        )


def make_queries(paras: list[str], mode: str, n: int = 100, seed: int = 11) -> list[str]:
    """1-3 word queries. "vocab": words drawn uniformly from the distinct words that occur
    in at least 3 paragraphs (typical searches). "frequent": words drawn by how often they
    occur, so common words dominate (a stress test: their posting lists are the longest)."""
    rng = random.Random(seed)
    stop = stop_words()
    df: Counter[str] = Counter()
    tokens: list[str] = []
    for p in paras:
        words = [
            w
            for w in WORD_RE.findall(p.lower())
            if len(w) >= 4 and w not in stop and not w.isdigit()
        ]
        tokens.extend(words)
        df.update(set(words))
    if mode == "vocab":
        pool = sorted(w for w, c in df.items() if c >= 3)
    else:
        pool = tokens
    return [" ".join(rng.sample(pool, rng.randint(1, 3))) for _ in range(n)]


def make_filters(n: int, seed: int = 13) -> list[Filters]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        choice = rng.randint(0, 4)
        if choice == 0:
            out.append(Filters(party=[rng.choice(PARTIES)]))
        elif choice == 1:
            out.append(Filters(doc_type=[rng.choice(DOC_TYPES)]))
        elif choice == 2:
            out.append(Filters(outcome=[rng.choice([o for o in OUTCOMES if o])]))
        elif choice == 3:
            out.append(Filters(date_from=f"{rng.randint(2012, 2024)}"))
        else:
            out.append(Filters(party=[rng.choice(PARTIES)], date_from="2018"))
    return out


def latency(
    db: str, queries: list[str], filters: list[Filters] | None, label: str, repeat: int = 3
) -> None:
    """Per query, the best of `repeat` runs (the machine is shared: the best run is the one
    least disturbed by other processes), then p50/p95 over the queries."""
    with Store(db, readonly=True) as store:
        fts_only(store, "kommun")  # warm the page cache
        search(store, "kommun", semantic=True)  # and load the LSA model once
        for mode in ("fts", "search", "units+LSA"):
            times = []
            nhits = 0
            for i, q in enumerate(queries):
                f = filters[i] if filters else None
                best = float("inf")
                for _ in range(repeat):
                    t0 = time.perf_counter()
                    if mode == "fts":
                        n = len(fts_only(store, q, f, limit=10))
                    elif mode == "search":
                        n = len(search(store, q, f, limit=10).hits)
                    else:  # every unit, LSA on every query: what `search` did before
                        n = len(search(store, q, f, limit=10, units=True, semantic=True).hits)
                    best = min(best, (time.perf_counter() - t0) * 1000)
                nhits += n
                times.append(best)
            print(
                f"  {label:<24} {mode:<9} p50 {statistics.median(times):7.1f} ms   "
                f"p95 {pct(times, 95):7.1f} ms   max {max(times):7.1f} ms   "
                f"({nhits / len(queries):.1f} hits/query)",
                flush=True,
            )


def build_synthetic(syn_db: str, paras: list[str], n_docs: int) -> None:
    for suffix in ("", "-wal", "-shm", ".lsa.npz", ".lsa.json"):
        if os.path.exists(syn_db + suffix):
            os.unlink(syn_db + suffix)
    print(f"synthetic: {n_docs} documents from {len(paras)} paragraphs")
    t0 = time.perf_counter()
    with Store(syn_db) as store:
        for n, doc in enumerate(synthetic(paras, n_docs), 1):
            store.put(doc)
            if n % 20000 == 0:
                print(f"  {n} stored ({time.perf_counter() - t0:.0f} s)", flush=True)
        t1 = time.perf_counter()
        info = fit_store(store)
        t2 = time.perf_counter()
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.conn.execute("PRAGMA optimize")
    print(
        f"  store {t1 - t0:.1f} s ({n_docs / (t1 - t0):.0f} docs/s, one commit each), "
        f"LSA fit {t2 - t1:.1f} s ({info.get('dimensions')} dims); "
        f"size {os.path.getsize(syn_db) / 1e6:.0f} MB database + "
        f"{(size_mb(syn_db) - os.path.getsize(syn_db) / 1e6):.0f} MB LSA files"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--docs", type=int, default=100_000, help="synthetic documents")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", metavar="DIR", help="keep the databases in DIR")
    ap.add_argument("--skip-dev", action="store_true", help="use corpus/ only as paragraph source")
    ap.add_argument(
        "--reuse", action="store_true", help="with --keep: reuse the databases built before"
    )
    args = ap.parse_args()

    workdir = args.keep or tempfile.mkdtemp(prefix="motioner-bench-")
    os.makedirs(workdir, exist_ok=True)
    try:
        dev_db = os.path.join(workdir, "dev.db")
        syn_db = os.path.join(workdir, f"synthetic-{args.docs}.db")
        reuse = args.reuse and os.path.exists(dev_db) and os.path.exists(syn_db)
        if reuse:
            for path in (dev_db, syn_db):  # bring a database from an older version up to date
                Store(path).close()
            with Store(dev_db, readonly=True) as store:
                rows = store.conn.execute("SELECT source, text FROM documents ORDER BY id")
                docs = [Document(source=r[0], kind="text", text=r[1]) for r in rows]
            print(f"reusing {dev_db} and {syn_db}")
        else:
            for suffix in ("", "-wal", "-shm", ".lsa.npz", ".lsa.json"):
                if os.path.exists(dev_db + suffix):
                    os.unlink(dev_db + suffix)
            corpus = str(ROOT / "corpus") if args.skip_dev else args.corpus
            docs = index_dev(corpus, dev_db, args.jobs)
        paras = paragraphs(docs)
        query_sets = {m: make_queries(paras, m) for m in ("vocab", "frequent")}
        filters = make_filters(100)
        for mode, queries in query_sets.items():
            print(f"{mode} queries: 100 of 1-3 words, e.g. {queries[:3]}")
        for mode, queries in query_sets.items():
            latency(dev_db, queries, None, f"dev {mode}")
            latency(dev_db, queries, filters, f"dev {mode} +filter")

        if not reuse:
            build_synthetic(syn_db, paras, args.docs)
        label = "100k" if args.docs == 100_000 else f"{args.docs // 1000}k"
        for mode, queries in query_sets.items():
            latency(syn_db, queries, None, f"{label} {mode}")
            latency(syn_db, queries, filters, f"{label} {mode} +filter")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
