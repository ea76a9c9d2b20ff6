"""Theme fit and CAP tagging cost, and peak memory, on synthetic corpora of short documents.

Each size runs in a fresh process so that peak memory (ru_maxrss) is that size's own.
Documents mix Swedish words from a few topic vocabularies with shared procedural filler,
about 60 words each, like a § item or a short motion. Times are CPU seconds of the process
(`time.process_time`), which the other jobs on a shared machine disturb less than wall time.
The fit includes the CAP probabilities of every unit (the shipped model) and, for k=auto,
the stability search. Prints; asserts nothing.

    .venv/bin/python benchmarks/themes.py            # 10k and 100k
    .venv/bin/python benchmarks/themes.py 20000      # one size
    .venv/bin/python benchmarks/themes.py --tag      # cost of the topics stage in tagging
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

TOPICS = {
    "skola": "skolan elever lärare undervisning förskolan grundskolan betyg klassrum rektorn läroplan fritidshem gymnasiet",
    "omsorg": "äldreomsorgen hemtjänsten äldreboende omsorg personal demens vårdplats sjuksköterska brukare anhöriga",
    "trafik": "trafiken kollektivtrafiken bussar cykelvägar parkering hastighet vägar gatan trafiksäkerhet pendeltåg",
    "trygghet": "tryggheten polisen brott nattvandrare ungdomar skadegörelse kameraövervakning otrygghet droger gäng",
    "bostad": "bostäder hyresrätter lägenheter detaljplanen byggande bostadsbolaget hyresgäster fastigheten tomter",
    "miljö": "klimatet utsläppen miljön solceller energin avfall återvinning naturvård fossilfria laddstationer",
    "kultur": "kulturen biblioteket idrotten föreningar simhallen fritidsgården konsten evenemang musikskolan",
    "ekonomi": "budgeten kostnaderna underskottet investeringar skattesatsen resultatet bokslutet prognosen",
    "demokrati": "demokratin medborgardialog inflytande förtroendevalda valet delaktighet öppenhet ungdomsrådet",
    "näringsliv": "företagen näringslivet arbetsmarknaden handeln etablering besöksnäringen entreprenörer jobb",
}
FILLER = (
    "kommunen nämnden föreslår att motionen ska bifallas enligt förvaltningens yttrande och beslut "
    "om uppdrag till kommunstyrelsen samt behov av utredning inom verksamheten under året"
).split()


def make_docs(n: int, seed: int = 0) -> list[str]:
    import numpy as np

    rng = np.random.default_rng(seed)
    topics = [v.split() for v in TOPICS.values()]
    docs = []
    for _ in range(n):
        main, other = rng.choice(len(topics), 2, replace=False)
        words = (
            list(rng.choice(topics[main], 30))
            + list(rng.choice(topics[other], 8))
            + list(rng.choice(FILLER, 22))
        )
        rng.shuffle(words)
        docs.append(" ".join(words).capitalize() + ".")
    return docs


def run_one(n: int, k: str) -> dict:
    from nlp_motioner.themes import fit_themes
    from nlp_motioner.topics import load_cap_model

    docs = make_docs(n)
    units = [{"id": f"d{i:06d}", "text": t} for i, t in enumerate(docs)]
    cap = load_cap_model()
    t0 = time.process_time()
    cap.predict_topic([{"title": "", "decision": "", "body": t, "committee": []} for t in docs])
    cap_cpu = time.process_time() - t0
    t0 = time.process_time()
    model = fit_themes(units, k=k if k == "auto" else int(k))
    seconds = time.process_time() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "docs": n,
        "k": int(model.clusterer.k_),
        "fit_cpu_seconds": round(seconds, 1),
        "cap_units_per_cpu_second": round(n / cap_cpu),
        "peak_rss_mb": round(peak_mb),
        "themes": [t["name"] for t in model.theme_list][:5],
    }


def tag_cost() -> None:
    """CPU seconds of the per-file function with and without the topics stage (CAP topic and
    procedural flag per document and § item), over the dev corpus PDFs (or corpus/)."""
    from pathlib import Path

    from nlp_motioner.batch import iter_files
    from nlp_motioner.pipeline import process
    from nlp_motioner.topics import load_cap_model

    root = Path(__file__).resolve().parent.parent
    dev = root.parent / "shared" / "corpus" / "alingsas"
    paths = [
        p for p in iter_files([dev if dev.is_dir() else root / "corpus"]) if p.endswith(".pdf")
    ]
    t0 = time.process_time()
    load_cap_model()
    print(f"CAP model load: {time.process_time() - t0:.2f} CPU s (once per process)")
    for _ in range(2):
        for topics in (False, True):
            t0 = time.process_time()
            docs = [process(p, do_topics=topics) for p in paths]
            cpu = time.process_time() - t0
            units = sum(len(d.items) or 1 for d in docs if not d.error)
            label = "with topics" if topics else "without topics"
            print(f"{label:>15}: {cpu:6.1f} CPU s for {len(paths)} files, {units} units")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--tag":
        tag_cost()
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        print(json.dumps(run_one(int(sys.argv[2]), sys.argv[3]), ensure_ascii=False))
        return
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    print(
        f"{'docs':>8} {'k':>4} {'fit cpu s':>10} {'CAP units/cpu s':>16} {'peak MB':>8}"
        f"  (cores: {os.cpu_count()})"
    )
    for n in sizes:
        for k in ("20", "auto"):
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(n), k],
                capture_output=True,
                text=True,
                check=False,
            )
            if out.returncode:
                print(f"{n:>8} failed: {out.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(out.stdout)
            print(
                f"{r['docs']:>8} {r['k']:>4} {r['fit_cpu_seconds']:>10} "
                f"{r['cap_units_per_cpu_second']:>16} {r['peak_rss_mb']:>8}  k={k}; "
                f"{', '.join(r['themes'])}"
            )


if __name__ == "__main__":
    main()
