"""Census of the test suite: how many tests check behaviour against independent truth.

Run:  .venv/bin/python benchmarks/test_census.py [--list]

Each test function under tests/ is put in the first class that fits, read from its source
with `ast` (a heuristic: `--list` prints every test with its class, to check by eye):

  labels      reads the hand or official labels (labels/*.jsonl, eval/*.jsonl, a `gold` row)
  invariant   a property that must hold on any input (hypothesis @given, tests under fuzz/,
              "never"/"always"/"invariant"/"property" in the name, a round trip)
  expected    compares the code's output with values written by hand in the test (string,
              number or literal list/dict on one side of `==`/`in`, or pytest.approx)
  snapshot    compares with stored output of the code itself (golden files, a frozen copy)
  smoke       only checks that something ran (exit codes, `is not None`, `Traceback`)

"Truth" is labels + invariant + expected. The figures are counts of test functions, not of
parametrized cases (printed beside them from `pytest --collect-only` when --collect is given).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
ORDER = ("labels", "invariant", "expected", "snapshot", "smoke")
_LABEL_WORDS = ("labels", "gold", ".jsonl", "evaluate(", "eval_")
_INVARIANT_NAMES = ("never", "always", "invariant", "propert", "round_trip", "roundtrip", "stable")
_SNAPSHOT_WORDS = ("golden", "REGEN", "_reference", "snapshot")


def _literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is not None and not isinstance(node.value, bool)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return bool(node.elts) and all(_literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return bool(node.keys) and all(k is not None and _literal(k) for k in node.keys)
    if isinstance(node, ast.Call):
        name = ast.unparse(node.func)
        return name.endswith("approx") or (
            name in ("set", "frozenset", "tuple") and all(map(_literal, node.args))
        )
    if isinstance(node, ast.UnaryOp):
        return _literal(node.operand)
    return False


def _compares_to_hand_values(fn: ast.AST) -> bool:
    for node in ast.walk(fn):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            ops_ok = any(
                isinstance(
                    op, (ast.Eq, ast.In, ast.NotIn, ast.NotEq, ast.Lt, ast.Gt, ast.LtE, ast.GtE)
                )
                for op in node.ops
            )
            if ops_ok and any(_literal(s) for s in sides):
                # `exit_code == 0` alone is a smoke check, not a value from the Swedish text
                # `len(rows) == 22` freezes a count of today's output: a snapshot, not truth
                if any(isinstance(x, ast.Call) and ast.unparse(x.func) == "len" for x in sides):
                    continue
                text = ast.unparse(node)
                if "exit_code" in text or "returncode" in text or "Traceback" in text:
                    continue
                return True
    return False


def classify(fn: ast.FunctionDef, path: Path, source: str) -> str:
    text = ast.get_source_segment(source, fn) or ""
    decorators = " ".join(ast.unparse(d) for d in fn.decorator_list)
    param_decorators = [d for d in fn.decorator_list if "parametrize" in ast.unparse(d)]
    params = " ".join(ast.unparse(d) for d in param_decorators)
    if any(w in text or w in params for w in _LABEL_WORDS):
        return "labels"
    if (
        "given(" in decorators
        or "fuzz" in path.parts
        or any(w in fn.name for w in _INVARIANT_NAMES)
    ):
        return "invariant"
    if any(w in text for w in _SNAPSHOT_WORDS):
        return "snapshot"
    if _compares_to_hand_values(fn) or any(_compares_to_hand_values(d) for d in param_decorators):
        return "expected"
    return "smoke"


def census() -> list[tuple[str, str, str]]:
    rows = []
    for path in sorted(TESTS.rglob("test_*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith(
                "test_"
            ):
                rows.append((str(path.relative_to(ROOT)), node.name, classify(node, path, source)))
    return rows


def main(argv: list[str]) -> None:
    rows = census()
    if "--list" in argv:
        for file, name, kind in rows:
            print(f"{kind:10} {file}::{name}")
    counts = Counter(kind for *_, kind in rows)
    total = len(rows)
    truth = counts["labels"] + counts["invariant"] + counts["expected"]
    print(f"test functions: {total}")
    for kind in ORDER:
        print(f"  {kind:10} {counts[kind]:4d}  {counts[kind] / total:6.1%}")
    print(
        f"independent truth (labels + invariant + expected): {truth} of {total} ({truth / total:.1%})"
    )
    if "--collect" in argv:
        out = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout
        print(
            f"collected test cases (with parameters): {sum(1 for ln in out.splitlines() if '::' in ln)}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
