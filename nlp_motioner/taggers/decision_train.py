"""Train and evaluate the decision-sentence model (`python -m nlp_motioner.taggers.decision_train`).

Training texts, with the outcome a person (the § item labels) or the silver extraction
(the case file) gave them; every path is an argument, `make models` names the dev corpus's:
- every quoted step of the silver case file `--cases` (decisions, committee statements, and
  the non-decisions — a motion handed in, an initiative raised — as `none`);
- the evidence of every § item labelled in `--items`, and the decisive text of every other §
  of those minutes as `none` (the labels cover every § with a clear decision on a case);
- the first sentences of the non-decision sections of the minutes matching `--minutes`.

Referrals and returns (remitterad, återremiss) are left to the rules: the silver file
writes them as no decision, the item labels as outcomes.

Prints, on grouped cross-validation (a case, or a minutes file, never on both sides),
accuracy and macro F1 of the rules alone, the model alone and both, and the precision and
recall of the model's answers where the rules abstain at each threshold; the threshold
kept is the lowest whose precision is at least `--min-precision`. Then fits on all texts
and writes the model (`--out`, default the package's `tag/models`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from nlp_motioner.taggers.decision_model import NONE, DecisionModel, analyze, model_folder

CLASSES = ("bifall", "avslag", "besvarad", "tillstyrker", "avstyrker", "delvis_bifall", NONE)
_SILVER = {"delvis": "delvis_bifall", "ingen rekommendation": NONE, None: NONE}
_RULE_OUTCOMES = set(CLASSES) - {NONE}


def silver_texts(cases_path: Path) -> list[tuple[str, str, str]]:
    """(text, label, group) for every quoted step of the silver case file."""
    out = []
    for case in json.loads(cases_path.read_text(encoding="utf-8")):
        for step in case.get("steps") or []:
            quote = step.get("quote")
            if not quote:
                continue
            decision = step.get("decision")
            label = _SILVER.get(decision, decision)
            if label in CLASSES:
                out.append((quote, label, f"case:{case['id']}"))
    return out


def _structured(path: Path) -> Any:
    """Read and structure one file (no tags: training reads sections, never tags).

    Built from the stages before this one rather than `nlp_motioner.pipeline`, so the tag
    stage imports nothing that comes after it."""
    from nlp_motioner.profile import choose_profile
    from nlp_motioner.readers import read_file
    from nlp_motioner.structure import structure

    doc = read_file(path)
    if not doc.error:
        structure(doc, choose_profile(doc.text, doc.metadata))
    return doc


def item_texts(labels_path: Path, corpus: Path) -> list[tuple[str, str, str]]:
    """(text, label, group) for the labelled § items and the other § items of their files."""
    from nlp_motioner.taggers.outcome import decisive_text

    by_file: dict[str, dict[int, dict[str, Any]]] = {}
    for line in labels_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            label = json.loads(line)
            by_file.setdefault(label["name"], {})[label["paragraph"]] = label
    out = []
    for name, labels in sorted(by_file.items()):
        doc = _structured(corpus / name)
        for item in doc.items:
            label = labels.get(item.paragraph)
            if label is not None:
                outcome = label.get("outcome") or NONE
                if outcome in CLASSES:
                    out.append((label["evidence"] or "", outcome, f"file:{name}"))
                continue
            text = decisive_text(doc, item.sections)
            if text:
                out.append((text, NONE, f"file:{name}"))
        out += _other_sections(doc, f"file:{name}")
    return out


# Sections that state no outcome: their first sentences teach the model what a text that
# decides nothing looks like (a case summary, a list of documents, a distribution list).
_NO_DECISION_ROLES = {
    "arendebeskrivning",
    "beslutsunderlag",
    "beslutsgang",
    "expedieras",
    "bakgrund",
}


def _other_sections(doc: Any, group: str) -> list[tuple[str, str, str]]:
    from nlp_motioner.taggers._text import first_sentence

    out = []
    for item in doc.items:
        for sec in item.sections:
            if sec.role in _NO_DECISION_ROLES:
                body = doc.text[sec.start : sec.end].split("\n", 1)[-1]
                text = first_sentence(body, 200)
                if len(text) > 3:
                    out.append((text, NONE, group))
    return out


def protocol_texts(corpus: Path, pattern: str) -> list[tuple[str, str, str]]:
    """Sentences from the non-decision sections of the minutes matching `pattern` (a glob
    below `corpus`), as `none`."""
    out = []
    for path in sorted(corpus.glob(pattern)):
        doc = _structured(path)
        if not doc.error:
            out += _other_sections(doc, f"file:{path.relative_to(corpus)}")
    return out


def fit(texts: list[str], labels: list[str], c: float) -> DecisionModel:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=analyze, sublinear_tf=True, min_df=2)
    x = vectorizer.fit_transform(texts)
    clf = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    clf.fit(x, labels)
    vocabulary = {t: int(i) for t, i in vectorizer.vocabulary_.items()}
    return DecisionModel(
        vocabulary,
        vectorizer.idf_.astype(np.float64),
        clf.coef_.astype(np.float64) if len(clf.classes_) > 2 else _binary(clf.coef_),
        clf.intercept_.astype(np.float64) if len(clf.classes_) > 2 else _binary_b(clf.intercept_),
        [str(c) for c in clf.classes_],
        0.5,
        {},
    )


def _binary(coef: np.ndarray) -> np.ndarray:
    return np.vstack([-coef[0] / 2, coef[0] / 2])


def _binary_b(b: np.ndarray) -> np.ndarray:
    return np.array([-b[0] / 2, b[0] / 2])


def _rules(text: str) -> str:
    from nlp_motioner.taggers.outcome import classify_text

    label = classify_text(text)
    return label if label in _RULE_OUTCOMES else (NONE if label else "")


def _scores(gold: list[str], pred: list[str]) -> tuple[float, float]:
    from sklearn.metrics import f1_score

    acc = float(np.mean([g == p for g, p in zip(gold, pred)]))
    return acc, float(f1_score(gold, pred, average="macro", labels=list(CLASSES), zero_division=0))


def cross_validate(
    data: list[tuple[str, str, str]], c: float, folds: int, min_precision: float
) -> dict[str, Any]:
    from sklearn.model_selection import GroupKFold

    texts = [t for t, _, _ in data]
    gold = [lab for _, lab, _ in data]
    groups = [g for _, _, g in data]
    rules = [_rules(t) for t in texts]
    oof_label = [""] * len(texts)
    oof_prob = np.zeros(len(texts))
    for train, test in GroupKFold(n_splits=folds).split(texts, gold, groups):
        model = fit([texts[i] for i in train], [gold[i] for i in train], c)
        for i in test:
            p = model.proba(texts[i])
            k = int(np.argmax(p))
            oof_label[i], oof_prob[i] = model.classes[k], float(p[k])
    # Where the rules abstain, what would the model add at each threshold?
    curve = []
    abstained = [i for i, r in enumerate(rules) if not r]
    for t in np.arange(0.30, 0.96, 0.05):
        given = [i for i in abstained if oof_label[i] != NONE and oof_prob[i] >= t]
        stated = [i for i in abstained if gold[i] != NONE]
        right = sum(1 for i in given if oof_label[i] == gold[i])
        precision = right / len(given) if given else 1.0
        recall = right / len(stated) if stated else 1.0
        curve.append((round(float(t), 2), precision, recall, len(given)))
    ok = [row for row in curve if row[1] >= min_precision and row[3] > 0]
    threshold = ok[0][0] if ok else 1.0
    both = [
        r if r else (lab if lab != NONE and p >= threshold else NONE)
        for r, lab, p in zip(rules, oof_label, oof_prob)
    ]
    return {
        "n": len(texts),
        "rules": _scores(gold, [r or NONE for r in rules]),
        "model": _scores(gold, oof_label),
        "both": _scores(gold, both),
        "abstained_by_rules": len(abstained),
        "curve": curve,
        "threshold": threshold,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, required=True, help="the silver case file")
    parser.add_argument("--items", type=Path, required=True, help="§ item labels (JSONL)")
    parser.add_argument("--corpus", type=Path, required=True, help="the root label names are under")
    parser.add_argument(
        "--minutes", required=True, help="glob below --corpus of minutes for 'none' sentences"
    )
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--c", type=float, default=4.0)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--min-precision", type=float, default=0.95)
    args = parser.parse_args(argv)
    if not args.cases.is_file() or not args.items.is_file():
        print("decision_train: the silver case file and item labels are needed", file=sys.stderr)
        return 2
    data = (
        silver_texts(args.cases)
        + item_texts(args.items, args.corpus)
        + protocol_texts(args.corpus, args.minutes)
    )
    report = cross_validate(data, args.c, args.folds, args.min_precision)
    print(f"texts: {report['n']} (grouped {args.folds}-fold cross-validation)")
    print(f"{'':<8}{'accuracy':>9}{'macro F1':>10}")
    for name in ("rules", "model", "both"):
        acc, f1 = report[name]
        print(f"{name:<8}{acc:>9.3f}{f1:>10.3f}")
    print(f"texts no rule reads: {report['abstained_by_rules']}; the model's answers there:")
    print(f"{'threshold':>10}{'precision':>11}{'recall':>8}{'given':>7}")
    for t, p, r, n in report["curve"]:
        print(f"{t:>10.2f}{p:>11.3f}{r:>8.3f}{n:>7}")
    print(f"threshold kept: {report['threshold']:.2f} (precision >= {args.min_precision})")
    model = fit([t for t, _, _ in data], [lab for _, lab, _ in data], args.c)
    model.threshold = report["threshold"]
    model.meta = {
        "trained_on": {"silver_quotes": args.cases.name, "item_labels": args.items.name},
        "texts": report["n"],
        "c": args.c,
        "cv": {k: report[k] for k in ("rules", "model", "both")},
    }
    out = args.out or model_folder()
    model.save(out)
    print(f"wrote {out}/decision_model.npz and decision_model.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
