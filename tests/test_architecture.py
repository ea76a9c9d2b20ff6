"""The house's one rule of shape: data flows one way, and no stage imports a later one.

Every `import nlp_motioner.X` in the package, including those inside functions (lazy
imports are still dependencies), is checked against the order the README's Architecture
section draws. A new module in a new place fails here until it is given a place in that
order, which is the moment to decide where it belongs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "nlp_motioner"

# Shared by every stage, importing only each other: the record, rule-data loading,
# profiles, personal-data masking, case-number forms, the spaCy pipeline, model files,
# the shared text model.
FOUNDATION = {
    "_data",
    "record",
    "profile",
    "privacy",
    "casenumber",
    "nlp",
    "modelfile",
    "textmodel",  # the TF-IDF + LSA model search and themes share
    "casefold",  # case-insensitive literal search without IGNORECASE
    "interrupts",  # Ctrl-C and SIGTERM held off while finished work is put down
}

# read -> structure -> tag -> record -> store -> analyse. A stage may import the
# foundation and any stage of a lower rank; stages of equal rank do not import each other.
RANK = {
    "readers": 1,
    "structure": 2,
    "taggers": 3,
    "topics": 4,  # CAP topic and procedural flag per unit, put on records at tagging time
    "pipeline": 5,  # the one per-file function: joins readers, structure, taggers, topics
    "spacy_component": 5,
    "batch": 6,  # runs the per-file function over many files
    "evaluate": 7,
    "store": 7,
    "search": 8,
    "themes": 8,
    "web": 9,
    "indexer": 9,  # files -> records -> the corpus database, and the search model refitted
    "cli": 10,
    "<package>": 10,  # nlp_motioner/__init__.py: the public face
    "launch": 11,  # the console script: starts a batch's workers, then runs the CLI
}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        yield path, ("<package>" if parts == ("__init__",) else parts[0])


def _imported_stages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "nlp_motioner" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_every_module_has_a_place_in_the_order():
    unplaced = {stage for _, stage in _modules()} - FOUNDATION - set(RANK)
    assert not unplaced, f"give these a place in RANK or FOUNDATION: {sorted(unplaced)}"


@pytest.mark.parametrize("path,stage", list(_modules()), ids=lambda v: str(v))
def test_no_import_runs_back_up_the_chain(path, stage):
    wrong = []
    for other in _imported_stages(path) - {stage}:
        if other in FOUNDATION:
            continue
        if stage in FOUNDATION:
            wrong.append(other)  # the foundation serves every stage and needs none
        elif other not in RANK or RANK[other] >= RANK[stage]:
            wrong.append(other)
    assert not wrong, f"{path.relative_to(PACKAGE)} ({stage}) imports {sorted(wrong)}"


def test_the_check_sees_lazy_imports(tmp_path):
    # The rule would be toothless if an import inside a function went unseen.
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from nlp_motioner.store import Store\n", encoding="utf-8")
    assert _imported_stages(module) == {"store"}


MAX_MODULE_LINES = 420  # "under about 400 lines": a module that grows past it wants a split


def test_modules_stay_small():
    big = {
        str(path.relative_to(PACKAGE)): n
        for path, _ in _modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not big, f"split these into rooms of one responsibility: {big}"
