"""Retrieval quality on the dev corpus: does a search find the case a clerk is looking for?

Relevance comes from case numbers, not from the tool's own output:
- gold labels (`labels/*.jsonl`): each labelled document or § item and its diarienummer;
- the four labelled motions, which carry no number, are judged to their case by reading
  (MOTION_CASES); a label whose title names another case number in parentheses
  ("Begäran om yttrande - ... (KS-2024-00511)") joins that case, and so does one body's
  opinion filed under its own number whose text cites the case's § (OPINION_CASES);
- silver: `alingsas/arenden-dev.json` steps whose protocol is in the corpus give the case
  number of that protocol's § item.
A unit with no case number is its own case. Units nobody judged count as not relevant.

Query sets, one query per judged unit that has a title (whole protocols left out):
  title         the labelled title
  title-start   its first five words
  rare-words    its three rarest words (document frequency over the stored texts)
  paragraph     the first paragraph of the unit's text (about 30-60 words)

Methods: `search` (one row per case, as `motioner search`), `search --units`, each also
keyword-only (no LSA), `similar` given the query as a text probe, and a plain baseline:
SQLite FTS5 BM25, one row per file, unstemmed (unicode61, diacritics kept), the query's
words AND-ed, then OR-ed to fill up to 10 rows.

A row is relevant when one of its units (the hit, and for a case row the case's listed
documents) is judged to the query's case. Printed per set and method: MRR@10, recall@10
(share of the case's judged units shown in the top 10), top-3 (the query's own unit is in
the first three rows), and for case rows the rows that mix two judged cases (should be 0).

    .venv/bin/motioner index ../shared/corpus --db /tmp/dev.db
    .venv/bin/python benchmarks/retrieval.py --db /tmp/dev.db
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import sqlite3
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlp_motioner import casenumber  # noqa: E402
from nlp_motioner.search import Probe, search, similar  # noqa: E402
from nlp_motioner.store import Store  # noqa: E402
from nlp_motioner.store.analyze import WORD_RE, stop_words  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
K = 10

# Motions are filed before they get a number; judged by reading (their titles are those of
# the extracts that carry the number).
MOTION_CASES = {
    "motion-gallande-att-infora-laddstationer": "2025.446 KS",
    "motion-gallande-att-starka-stodet-till-det-ukrainska-folket": "2025.503 KS",
    "motion-gallande-stark-foreningslivet-i-alingsas": "2026.126 KS",
    "motion-gallande-stod-till-foreningar-som-nattvandrar": "2025.319 KS",
}
# A body's opinion under its own number whose text cites the case's § ("KS § 204,
# 2025-09-24", the referral of motion 2025.446 KS).
OPINION_CASES = {"2025.242 TEN": "2025.446 KS"}
# A label that prints a number without its series, judged by reading to be that case (the
# cykelplan styrdokument is tekniska nämnden's 2026.008).
SAME_CASE = {"2026.008": "2026.008 TEN"}

Unit = tuple[str, "int | None"]  # (path relative to the corpus, § or None)


# -------------------------------------------------------------------------------- truth
def _key(number: str) -> str | None:
    keys = casenumber.match_keys(number)
    return keys[-1] if keys else None


class Truth:
    """Judged units and their case keys."""

    def __init__(self, corpus: Path) -> None:
        self.cases: dict[Unit, set[str]] = defaultdict(set)
        self.titles: dict[Unit, str] = {}
        self.protocols: set[str] = set()
        self._labels(corpus)
        self._silver(corpus)

    def _add(self, unit: Unit, numbers: list[str], title: str | None = None) -> None:
        numbers = [SAME_CASE.get(casenumber.normalize(n), n) for n in numbers]
        keys = {k for k in map(_key, numbers) if k}
        for number in numbers:
            linked = OPINION_CASES.get(casenumber.normalize(number))
            if linked:
                keys.add(_key(linked))
        if title:
            for inner in re.findall(r"\(([^()]*\d[^()]*)\)", title):
                if casenumber.parse(inner):
                    keys.add(_key(inner))
        self.cases[unit] |= keys

    def _labels(self, corpus: Path) -> None:
        for path in sorted((corpus / "labels").glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                rec = json.loads(line)
                if "name" not in rec or rec.get("unreadable"):
                    continue
                name, title = rec["name"], rec.get("title")
                numbers = rec.get("diarienummer") or []
                numbers = [numbers] if isinstance(numbers, str) else list(numbers)
                if rec.get("doc_type") == "protokoll":
                    self.protocols.add(name)
                    continue
                unit: Unit = (name, rec.get("paragraph"))
                for stem, case in MOTION_CASES.items():
                    if stem in name and not numbers:
                        numbers = [case]
                self._add(unit, numbers, title)
                if not self.cases[unit]:
                    self.cases[unit] = {f"doc:{name}"}
                if title:
                    self.titles[unit] = title

    def _silver(self, corpus: Path) -> None:
        path = corpus / "alingsas" / "arenden-dev.json"
        if not path.exists():
            return
        for case in json.loads(path.read_text(encoding="utf-8")):
            key = _key(case.get("diarienummer") or "")
            for step in case.get("steps") or []:
                src = step.get("source") or {}
                m = re.search(r"data/raw/([^/]+)/([0-9-]+)/", src.get("archive_url") or "")
                p = re.match(r"§\s*(\d+)", src.get("protocol_ref") or "")
                if not (m and p and key):
                    continue
                name = f"alingsas/{m.group(1)}/{m.group(2)}/protokoll.pdf"
                if (corpus / name).exists():
                    unit = (name, int(p.group(1)))
                    if unit not in self.cases:
                        self.cases[unit] = {key}

    def case_of(self, unit: Unit) -> set[str]:
        """The case keys of a retrieved unit (empty when nobody judged it)."""
        if unit in self.cases:
            return self.cases[unit]
        name, paragraph = unit
        if paragraph is not None and (name, None) in self.cases:
            return self.cases[(name, None)]  # a one-§ extract labelled as a document
        return set()

    def file_cases(self, name: str) -> set[str]:
        """A whole file holds the cases of every judged unit in it (baseline rows)."""
        out: set[str] = set()
        for (n, _), keys in self.cases.items():
            if n == name:
                out |= keys
        return out

    def relevant(self, keys: set[str]) -> set[Unit]:
        return {u for u, k in self.cases.items() if k & keys}


# -------------------------------------------------------------------------------- queries
_REL: dict[str, str] = {}


def _rel(source: str, corpus: Path) -> str:
    """A stored source path (relative to wherever `motioner index` ran) as a path relative to
    the corpus folder: the longest tail of it that exists there."""
    if source not in _REL:
        parts = Path(source).parts
        _REL[source] = source
        for i in range(len(parts)):
            tail = Path(*parts[i:])
            if not tail.is_absolute() and (corpus / tail).is_file():
                _REL[source] = tail.as_posix()
                break
    return _REL[source]


def make_queries(truth: Truth, store: Store, corpus: Path) -> dict[str, list[tuple[str, Unit]]]:
    conn = store.conn
    texts: dict[Unit, str] = {}
    df: Counter[str] = Counter()
    stop = stop_words()
    for source, paragraph, text in conn.execute(
        "SELECT d.source, i.paragraph, COALESCE(i.text, d.text) FROM documents d "
        "LEFT JOIN items i ON i.document_id = d.id"
    ):
        unit = (_rel(source, corpus), paragraph)
        texts[unit] = text
        if paragraph is None or (unit[0], None) not in texts:
            df.update(set(WORD_RE.findall(text.lower())))
    sets: dict[str, list[tuple[str, Unit]]] = {
        "title": [],
        "title-start": [],
        "rare-words": [],
        "paragraph": [],
    }
    for unit, title in sorted(truth.titles.items(), key=lambda t: (t[0][0], t[0][1] or 0)):
        text = texts.get(unit) or texts.get((unit[0], None))
        if text is None:
            continue  # not in the database (the file could not be read)
        words = title.split()
        sets["title"].append((title, unit))
        sets["title-start"].append((" ".join(words[:5]), unit))
        content = [
            w
            for w in dict.fromkeys(WORD_RE.findall(title))
            if len(w) >= 4 and w.lower() not in stop and not w.isdigit()
        ]
        if len(content) >= 2:
            rare = sorted(content, key=lambda w: df[w.lower()])[:3]
            sets["rare-words"].append((" ".join(rare), unit))
        para = first_paragraph(text, title)
        if para:
            sets["paragraph"].append((para, unit))
    return sets


def first_paragraph(text: str, title: str) -> str | None:
    """About 30-60 words from the first full sentences of the body (after the title)."""
    flat = " ".join(text.split())
    at = flat.find(" ".join(title.split()[-3:]))
    if at >= 0:
        flat = flat[at + len(" ".join(title.split()[-3:])) :]
    sentences = re.split(r"(?<=[.!?])\s+", flat)
    out: list[str] = []
    for s in sentences:
        words = s.split()
        if not out and len(words) < 8:
            continue
        out.extend(words)
        if len(out) >= 30:
            break
    return " ".join(out[:60]) if len(out) >= 15 else None


# -------------------------------------------------------------------------------- methods
Row = list[Unit]


def _hit_units(h: dict, corpus: Path) -> Row:
    units = [(_rel(h["source"], corpus), h.get("paragraph"))]
    for d in h.get("case_documents") or []:
        units.append((_rel(d["source"], corpus), d.get("paragraph")))
    for s in h.get("case_sources") or []:
        units.append((_rel(s, corpus), None))
    return units


def search_method(store: Store, corpus: Path, **kwargs) -> Callable[[str], list[Row]]:
    params = inspect.signature(search).parameters
    units = kwargs.pop("units", False)
    if "units" in params:
        kwargs["units"] = units
    elif not units:
        return None  # type: ignore[return-value]  # this version has no case rows

    def run(q: str) -> list[Row]:
        return [_hit_units(h, corpus) for h in search(store, q, limit=K, **kwargs).hits]

    return run


def similar_method(store: Store, corpus: Path) -> Callable[[str], list[Row]]:
    def run(q: str) -> list[Row]:
        return [_hit_units(h, corpus) for h in similar(store, Probe(text=q), limit=K).hits]

    return run


def baseline(store: Store, corpus: Path) -> Callable[[str], list[Row]]:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE f USING fts5(source UNINDEXED, body, "
        "tokenize='unicode61 remove_diacritics 0')"
    )
    for source, text in store.conn.execute("SELECT source, text FROM documents"):
        conn.execute("INSERT INTO f VALUES (?, ?)", (source, text))

    def run(q: str) -> list[Row]:
        words = list(dict.fromkeys(w.lower() for w in WORD_RE.findall(q)))
        if not words:
            return []
        quoted = ['"' + w.replace('"', '""') + '"' for w in words]
        rows: list[str] = []
        for expr in (" AND ".join(quoted), " OR ".join(quoted)):
            for (source,) in conn.execute(
                "SELECT source FROM f WHERE f MATCH ? ORDER BY bm25(f) LIMIT ?", (expr, K)
            ):
                if source not in rows:
                    rows.append(source)
            if len(rows) >= K:
                break
        return [[(_rel(s, corpus), "file")] for s in rows[:K]]  # type: ignore[list-item]

    return run


# -------------------------------------------------------------------------------- scoring
def _is_own(u: Unit, unit: Unit) -> bool:
    """The query's own unit: the same unit, its file as a baseline row, or any § of a file
    labelled as a whole (a one-§ extract)."""
    return u == unit or (u[0] == unit[0] and (u[1] == "file" or unit[1] is None))


def evaluate(truth: Truth, queries: list[tuple[str, Unit]], run) -> dict[str, float]:
    rr = recall = top3 = mixed = seconds = 0.0
    for q, unit in queries:
        keys = truth.cases[unit]
        relevant = truth.relevant(keys)
        t0 = time.process_time()
        rows = run(q)[:K]
        seconds += time.process_time() - t0
        first = None
        own = False
        shown: set[Unit] = set()
        for rank, row in enumerate(rows, 1):
            row_cases: list[set[str]] = []
            hit = False
            for u in row:
                cases = truth.file_cases(u[0]) if u[1] == "file" else truth.case_of(u)
                if cases:
                    row_cases.append(cases)
                if cases & keys:
                    hit = True
                if u[1] == "file":
                    shown |= {r for r in relevant if r[0] == u[0]}
                elif u in relevant:
                    shown.add(u)
                elif u[1] is not None and (u[0], None) in relevant:
                    shown.add((u[0], None))
                if rank <= 3 and _is_own(u, unit):
                    own = True
            if hit and first is None:
                first = rank
            if len(row_cases) > 1 and not all(a & b for a in row_cases for b in row_cases):
                mixed += 1
        rr += 1 / first if first else 0.0
        recall += len(shown) / len(relevant) if relevant else 0.0
        top3 += own
    n = len(queries) or 1
    return {
        "mrr": rr / n,
        "recall": recall / n,
        "top3": top3 / n,
        "mixed": mixed,
        "ms": 1000 * seconds / n,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--db", required=True, help="the dev corpus indexed with `motioner index`")
    ap.add_argument("--corpus", default=str(CORPUS))
    ap.add_argument("--sets", default="title,title-start,rare-words,paragraph")
    ap.add_argument("--show-misses", metavar="METHOD", help="print the queries METHOD misses")
    args = ap.parse_args()
    corpus = Path(args.corpus).resolve()
    truth = Truth(corpus)
    with Store(args.db, readonly=True) as store:
        sets = make_queries(truth, store, corpus)
        methods = {
            "search": search_method(store, corpus),
            "search, LSA on all queries": search_method(store, corpus, semantic=True),
            "search, no LSA": search_method(store, corpus, semantic=False),
            "search --units": search_method(store, corpus, units=True),
            "similar (text probe)": similar_method(store, corpus),
            "plain FTS5 BM25": baseline(store, corpus),
        }
        methods = {k: v for k, v in methods.items() if v is not None}
        judged = sum(1 for u in truth.cases if truth.titles.get(u))
        print(
            f"judged units: {len(truth.cases)} ({judged} with a title); "
            f"cases: {len({k for ks in truth.cases.values() for k in ks})}; "
            f"queries per set: " + ", ".join(f"{s} {len(q)}" for s, q in sets.items())
        )
        print(
            f"{'set':<12} {'method':<28} {'MRR@10':>7} {'R@10':>6} {'top-3':>6} "
            f"{'mixed':>5} {'CPU ms/q':>8}"
        )
        for name in args.sets.split(","):
            for label, run in methods.items():
                r = evaluate(truth, sets[name], run)
                print(
                    f"{name:<12} {label:<28} {r['mrr']:7.3f} {r['recall']:6.3f} "
                    f"{r['top3']:6.3f} {int(r['mixed']):5d} {r['ms']:8.1f}",
                    flush=True,
                )
                if args.show_misses == label:
                    for q, unit in sets[name]:
                        rows = run(q)[:3]
                        keys = truth.cases[unit]
                        if not any(truth.case_of(u) & keys for row in rows for u in row):
                            print(f"    miss: {q[:70]!r} -> {[row[0] for row in rows]}")
            print()
        leaks, probes, hits = similar_leaks(truth, store, corpus)
        print(
            f"similar, own case left out: {probes} judged documents as probes, {hits} hits, "
            f"{leaks} of them judged to the probe's own case"
        )


def similar_leaks(truth: Truth, store: Store, corpus: Path) -> tuple[int, int, int]:
    """`similar ID` for every judged document with a case: hits of the probe's own case."""
    from nlp_motioner.search import probe_for_document

    leaks = probes = hits = 0
    for doc_id, source in store.conn.execute("SELECT id, source FROM documents"):
        unit = (_rel(source, corpus), None)
        keys = {k for k in truth.cases.get(unit, set()) if not k.startswith("doc:")}
        if not keys:
            continue
        probes += 1
        for h in similar(store, probe_for_document(store, doc_id), limit=K).hits:
            for u in _hit_units(h, corpus):
                hits += 1
                leaks += bool(truth.case_of(u) & keys)
    return leaks, probes, hits


if __name__ == "__main__":
    main()
