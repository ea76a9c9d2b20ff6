"""Theme units: what a theme model is fitted on and counts. One per § item of minutes (the
unit of a case), one per other document, or one per case of a case file.

A unit is a dict with `id` and `text` and metadata: `source`, `paragraph`, `title`, `date`,
`parties`, `outcome`, `organisation`, `committee`, `doc_type`, `diarienummer`,
`referral_bodies`, `procedural`, `cap_topic`, `cap_score`, and `decision` (the decision text,
which the CAP classifier reads). Titles and texts are masked for personnummer.

`inherit_parties(units)` gives replies, extracts and § items the party of the motion they
answer, through the case number, so counts by party count the matter and not the file.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from nlp_motioner.casenumber import match_keys
from nlp_motioner.privacy import mask
from nlp_motioner.topics import find_committee, procedural_kind

__all__ = [
    "UNIT_FIELDS",
    "case_text",
    "document_units",
    "inherit_parties",
    "load_case_file",
    "units_from_case_records",
    "units_from_cases",
    "units_from_documents",
    "units_from_paths",
    "units_from_store",
]

# Metadata kept with each unit in a saved model (the text is not kept).
UNIT_FIELDS = (
    "source",
    "paragraph",
    "title",
    "date",
    "parties",
    "party_source",
    "outcome",
    "organisation",
    "committee",
    "doc_type",
    "diarienummer",
    "referral_bodies",
    "procedural",
    "cap_topic",
    "cap_score",
)
LIST_FIELDS = ("parties", "diarienummer", "referral_bodies")
MAX_CHARS = 20000


def _clean(value: Any) -> Any:
    return mask(value) if isinstance(value, str) else value


def _unit(**fields: Any) -> dict[str, Any]:
    unit = {f: fields.get(f) for f in ("id", *UNIT_FIELDS, "decision", "text")}
    for f in LIST_FIELDS:
        unit[f] = [str(v) for v in (unit.get(f) or [])]
    for f in ("title", "text", "decision"):
        unit[f] = _clean(unit[f])
    unit["text"] = (unit["text"] or "")[:MAX_CHARS]
    if unit["procedural"] is None:
        unit["procedural"] = procedural_kind(unit["title"], unit["decision"]) is not None
    unit["party_source"] = "own" if unit["parties"] else None
    return unit


def units_from_documents(docs: Iterable[Any]) -> list[dict[str, Any]]:
    """Theme units from processed `Document`s: one per § item of minutes, else one per document."""
    units: list[dict[str, Any]] = []
    for doc in docs:
        units.extend(document_units(doc)["units"])
    return units


def document_units(doc: Any) -> dict[str, Any]:
    """{"source", "error", "units"} for one Document: small enough to cross processes."""
    if getattr(doc, "error", None) or not (doc.text or "").strip():
        return {"source": doc.source, "error": getattr(doc, "error", None), "units": []}
    tags = doc.tags
    committee = find_committee(doc.text)
    base = {
        "source": doc.source,
        "title": (tags.title if tags else None) or Path(doc.source).stem,
        "date": tags.date if tags else None,
        "parties": list(tags.parties) if tags else [],
        "organisation": tags.organisation if tags else None,
        "committee": committee,
        "doc_type": tags.doc_type if tags else None,
        "diarienummer": list(tags.diarienummer) if tags else [],
        "referral_bodies": list(tags.referral_bodies) if tags else [],
    }
    units = []
    if doc.items:
        for it in doc.items:
            t = it.tags
            item = {
                "id": f"{doc.source}#{it.paragraph}",
                "paragraph": it.paragraph,
                "title": (t.title if t and t.title else it.title) or base["title"],
                "date": (t.date if t and t.date else None) or base["date"],
                "parties": list(t.parties) if t and t.parties else [],
                "outcome": t.outcome if t else None,
                "diarienummer": list((t.diarienummer if t else None) or it.diarienummer),
                "referral_bodies": list(t.referral_bodies) if t else [],
                "procedural": t.procedural if t else None,
                "cap_topic": t.cap_topic if t else None,
                "cap_score": t.cap_score if t else None,
                "decision": t.evidence if t else None,
                "text": it.title + "\n" + doc.text[it.start : it.end],
            }
            units.append(_unit(**{**base, **item}))
    else:
        whole = {
            "id": doc.source,
            "outcome": tags.outcome if tags else None,
            "procedural": tags.procedural if tags else None,
            "cap_topic": tags.cap_topic if tags else None,
            "cap_score": tags.cap_score if tags else None,
            "decision": tags.evidence if tags else None,
            "text": doc.text,
        }
        units.append(_unit(**{**base, **whole}))
    return {"source": doc.source, "error": None, "units": units}


def units_from_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    jobs: int = 1,
    timeout: float | None = None,
    on_error: Callable[[str, str], None] | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> list[dict[str, Any]]:
    """Read, structure and tag files (directories are walked) into theme units.

    The files go through the worker pool (`nlp_motioner.batch.run`) with a per-file
    timeout (default `batch.DEFAULT_TIMEOUT`) and the memory cap, so one bad file cannot hang
    or exhaust the run; each failed file is passed to `on_error(source, error)`.
    """
    from nlp_motioner.batch import DEFAULT_TIMEOUT, iter_files, run

    files = list(iter_files([os.fspath(p) for p in paths]))
    units: list[dict[str, Any]] = []
    for done, rec in enumerate(
        run(files, jobs=jobs, timeout=timeout or DEFAULT_TIMEOUT, post=document_units), 1
    ):
        if isinstance(rec, dict):
            if rec.get("error") and on_error:
                on_error(rec["source"], rec["error"])
            units.extend(rec.get("units") or [])
        else:  # an error Document that never reached `post`
            if on_error:
                on_error(rec.source, rec.error or "failed")
        if progress:
            progress(done, len(files))
    return inherit_parties(units)


def case_text(case: dict[str, Any]) -> str:
    """A case's text for themes: its title and the quotes of its steps."""
    quotes = " ".join(
        (s.get("quote") or "") for s in case.get("steps") or [] if isinstance(s, dict)
    )
    return f"{case.get('title') or ''}. {quotes}".strip()


def load_case_file(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The case records of a case file (the format of arenden.json); ValueError if it is not one."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ValueError(f"{path}: not a readable JSON case file ({exc})") from None
    if isinstance(data, dict):
        data = data.get("arenden") or data.get("cases") or list(data.values())
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list of case records")
    return [c for c in data if isinstance(c, dict) and c.get("id")]


def units_from_cases(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Theme units from a case file in the format of `arenden.json`: one per case.

    The text is the title plus the quotes of the case's steps; the date, outcome and
    committee come from the case's last step with one.
    """
    return units_from_case_records(load_case_file(path), source=str(path))


def units_from_case_records(
    cases: Iterable[dict[str, Any]], *, source: str = "cases"
) -> list[dict[str, Any]]:
    """Theme units from case records (dicts in the format of arenden.json), in their order."""
    units: list[dict[str, Any]] = []
    for case in cases:
        steps = [s for s in case.get("steps") or [] if isinstance(s, dict)]
        dated = [s for s in steps if s.get("date")]
        decided = [s for s in steps if s.get("decision")]
        bodies = [s for s in steps if s.get("instance")]
        parties = sorted(
            {
                str(i.get("party")).strip().upper()  # party codes are written in capitals
                for i in case.get("initiators") or []
                if isinstance(i, dict) and i.get("party")
            }
        )
        units.append(
            _unit(
                id=str(case["id"]),
                source=source,
                title=case.get("title"),
                date=str(dated[-1]["date"]) if dated else None,
                parties=parties,
                outcome=decided[-1]["decision"] if decided else None,
                committee=str(bodies[-1]["instance"]) if bodies else None,
                doc_type=case.get("initiativ_typ"),
                diarienummer=[case["diarienummer"]] if case.get("diarienummer") else [],
                decision=" ".join(str(s.get("quote") or "") for s in steps),
                text=case_text(case),
            )
        )
        units[-1]["committees"] = sorted({str(s["instance"]) for s in bodies})
    return units


def units_from_store(db: str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
    """Theme units from the corpus database: § items of minutes, and documents without items."""
    from nlp_motioner.store import default_db_path, iter_rows

    path = db if db is not None else default_db_path()
    docs = {r["id"]: r for r in iter_rows(path, "documents", mask=True)}
    committees = {i: find_committee(d.get("text") or "") for i, d in docs.items()}
    units: list[dict[str, Any]] = []
    with_items: set[Any] = set()
    for it in iter_rows(path, "items", mask=True):
        d = docs.get(it.get("document_id"), {})
        with_items.add(it.get("document_id"))
        units.append(
            _stored_unit(
                it,
                d,
                committees.get(it.get("document_id")),
                id=f"{it.get('source') or d.get('source')}#{it.get('paragraph')}",
                source=it.get("source") or d.get("source"),
                paragraph=it.get("paragraph"),
                text=(it.get("title") or "") + "\n" + (it.get("text") or ""),
            )
        )
    for doc_id, d in docs.items():
        if doc_id in with_items or not (d.get("text") or "").strip():
            continue
        units.append(
            _stored_unit(
                d, {}, committees.get(doc_id), id=d["source"], source=d["source"], text=d["text"]
            )
        )
    return inherit_parties(units)


def _stored_unit(
    row: dict[str, Any], parent: dict[str, Any], committee: str | None, **fields: Any
) -> dict[str, Any]:
    """A unit from a stored item or document row. An item takes its title, date,
    organisation and document type from its document (`parent`) where it has none; a
    document's parent is {}."""

    def inherited(f: str) -> Any:
        return row.get(f) or parent.get(f)

    return _unit(
        title=inherited("title"),
        date=inherited("date"),
        organisation=inherited("organisation"),
        doc_type=inherited("doc_type"),
        parties=row.get("parties") or [],
        outcome=row.get("outcome"),
        committee=committee,
        diarienummer=row.get("diarienummer") or [],
        referral_bodies=row.get("referral_bodies") or [],
        procedural=row.get("procedural"),
        cap_topic=row.get("cap_topic"),
        cap_score=row.get("cap_score"),
        decision=row.get("evidence"),
        **fields,
    )


def _keys(unit: dict[str, Any]) -> list[str]:
    """The unit's case keys, the more specific (with a series: "KS:2025:446") first."""
    keys: list[str] = []
    for number in unit.get("diarienummer") or []:
        found = match_keys(str(number))
        keys.extend(reversed(found))
    return list(dict.fromkeys(keys))


def inherit_parties(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Units without parties take the parties of the motion or initiative of their case.

    A unit's case is found through its case numbers (`casenumber.match_keys`, so "KS
    2025.446" and "2025.446 KS" meet). A key whose units with parties disagree is not used.
    Inherited parties are marked `party_source = "case"`. Returns `units` (changed in place).
    """
    by_key: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for u in units:
        if u.get("parties"):
            for key in _keys(u):
                by_key[key].add(tuple(sorted(u["parties"])))
    for u in units:
        if u.get("parties"):
            u["party_source"] = u.get("party_source") or "own"
            continue
        for key in _keys(u):
            found = by_key.get(key)
            if found and len(found) == 1:
                u["parties"] = list(next(iter(found)))
                u["party_source"] = "case"
                break
    return units
