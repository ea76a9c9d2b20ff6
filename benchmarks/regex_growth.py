"""How every regular expression in the package grows with its input.

Finds each compiled pattern in nlp_motioner: module-level `re.Pattern` objects (also in
module-level lists, tuples and dicts) and the patterns that cached loaders build from the
lexicons (zero-argument functions under functools.cache / lru_cache). Each runs with
`finditer` over inputs of growing size, x1, x4 and x16 of a base length, in several
shapes: a long line of Swedish words without a full stop (the shape that made
`_REMISS_TEXT` take 266 s at 104 KB), runs of spaces, digits, hyphens, capitalized words,
"att"-clauses and § numbers. A linear pattern grows about 4x from x4 to x16; quadratic
about 16x. Times are CPU time (time.process_time), so other load on the machine matters
less. A size is skipped when the one before it predicts more than --budget seconds.

    python benchmarks/regex_growth.py                 # the 25 slowest patterns
    python benchmarks/regex_growth.py --top 60 --base 2000
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import re
import sys
import time
from typing import Any

import nlp_motioner

SHAPES = {
    "words": "kommunfullmäktige beslutar att uppdra åt tekniska nämnden och socialnämnden ",
    "spaces": " " * 10 + "x",
    "digits": "2025 319 ",
    "hyphens": "- ",
    "capitals": "Kommunstyrelsen Socialnämnden Remissinstanser ",
    "att": "att ",
    "paragraphs": "§ 12 ",
    "newlines": "Beslut\n",
}


def corpus_shapes() -> dict[str, str]:
    """Text of the bundled corpus with its full stops removed: one long line, and lines."""
    from pathlib import Path

    from nlp_motioner.readers import read_file

    root = Path(__file__).resolve().parent.parent / "corpus"
    texts = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".pdf", ".txt", ".md", ".json"):
            doc = read_file(path)
            if not doc.error:
                texts.append(doc.text.replace(".", " "))
    joined = "\n".join(texts)
    return {"corpus-line": " ".join(joined.split()), "corpus-lines": joined}


def _patterns_in(value: Any, depth: int = 0) -> list[re.Pattern[str]]:
    if isinstance(value, re.Pattern):
        return [value]
    if depth > 2:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        out = []
        for v in list(value)[:500]:
            out += _patterns_in(v, depth + 1)
        return out
    if isinstance(value, dict):
        out = []
        for v in list(value.values())[:500]:
            out += _patterns_in(v, depth + 1)
        return out
    return []


def collect() -> dict[str, re.Pattern[str]]:
    """name -> pattern for every pattern the package compiles."""
    found: dict[str, re.Pattern[str]] = {}
    for info in pkgutil.walk_packages(nlp_motioner.__path__, "nlp_motioner."):
        if info.name.endswith("._worker"):
            continue
        try:
            module = importlib.import_module(info.name)
        except Exception as exc:  # noqa: BLE001 - an optional extra missing
            print(f"# skipped {info.name}: {exc}", file=sys.stderr)
            continue
        for attr, value in vars(module).items():
            # Skip what a module imported from elsewhere (counted where it is defined).
            if (inspect.isfunction(value) or inspect.isclass(value)) and (
                value.__module__ != module.__name__
            ):
                continue
            pats = _patterns_in(value)
            if not pats and callable(value) and hasattr(value, "cache_info"):
                try:
                    params = inspect.signature(value).parameters.values()
                    required = [p for p in params if p.default is p.empty and p.kind < 2]
                    if not required:
                        pats = _patterns_in(value())
                except Exception:  # noqa: BLE001, S112 - a loader that needs more
                    continue
            for i, pat in enumerate(pats):
                key = f"{info.name}.{attr}" + (f"[{i}]" if len(pats) > 1 else "")
                found.setdefault(key, pat)
    return found


def _time(pat: re.Pattern[Any], text: str) -> float:
    subject: str | bytes = text.encode("utf-8") if isinstance(pat.pattern, bytes) else text
    t0 = time.process_time()
    for _ in pat.finditer(subject):
        pass
    return time.process_time() - t0


def measure(pat: re.Pattern[str], base: int, budget: float) -> dict[str, Any]:
    """Worst shape: times at x1, x4, x16 (None when skipped) and the growth x4 -> x16."""
    worst: dict[str, Any] = {"t16": -1.0}
    for shape, unit in SHAPES.items():
        times: list[float | None] = []
        for factor in (1, 4, 16):
            if times and (times[-1] is None or times[-1] * 16 > budget):
                times.append(None)
                continue
            text = (unit * (base * factor // len(unit) + 1))[: base * factor]
            times.append(_time(pat, text))
        t1, t4, t16 = times
        if t16 is not None:
            growth = t16 / max(t4 or 0.0, 1e-6)
        elif t4 is not None:
            growth = t4 / max(t1 or 0.0, 1e-6)  # x1 -> x4 when x16 would be too slow
        else:
            growth = float("inf")
        score = t16 if t16 is not None else (t4 or 0) * 16 * 16
        if score > worst["t16"]:
            worst = {
                "shape": shape,
                "t1": t1,
                "t4": t4,
                "t16_raw": t16,
                "t16": score,
                "growth": growth,
            }
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=int, default=2000, help="characters at x1")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--budget", type=float, default=4.0, help="seconds per measurement")
    args = parser.parse_args()
    patterns = collect()
    SHAPES.update(corpus_shapes())
    print(f"{len(patterns)} patterns; base {args.base} chars; CPU seconds (process_time)")
    rows = []
    for name, pat in patterns.items():
        rows.append((name, measure(pat, args.base, args.budget)))
    rows.sort(key=lambda r: -r[1]["t16"])

    def fmt(t: float | None) -> str:
        return "skipped" if t is None else f"{t:8.4f}"

    print(f"{'pattern':60} {'shape':12} {'x1':>8} {'x4':>8} {'x16':>8} {'x4->x16':>8}")
    for name, m in rows[: args.top]:
        growth = "inf" if m["growth"] == float("inf") else f"{m['growth']:.1f}x"
        if m["t16_raw"] is None and m["t4"] is not None:
            growth += " (x1->x4; x16 over budget)"
        print(
            f"{name[:60]:60} {m['shape']:12} {fmt(m['t1'])} {fmt(m['t4'])} {fmt(m['t16_raw'])} {growth:>8}"
        )
    bad = [name for name, m in rows if m["growth"] > 8 and m["t16"] > 0.01]
    print(f"\nworse than linear (growth > 8x and > 10 ms at x16): {len(bad)}")
    for name in bad:
        print(f"  {name}")


if __name__ == "__main__":
    main()
