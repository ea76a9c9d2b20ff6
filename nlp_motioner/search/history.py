"""A case's history: every paper of one case in date order, with its role in the case.

Papers join a case three ways (`linked_by`):
- "diarienummer": it carries the case number, in any written form;
- "reference": its text names the case, by one of its numbers or by a § of the case with
  its date ("KS § 204, 2025-09-24"), as a body's opinion filed under its own number does;
  papers under that opinion's own number come along;
- "title": it carries no number at all and its title names the same matter (the motion).
"""

from __future__ import annotations

import os
import re
from datetime import date
from typing import Any

from nlp_motioner import casenumber
from nlp_motioner.search.cases import (
    case_units,
    final_outcome,
    place_words,
    same_title_case,
    sort_key,
    title_core,
    unit_numbers,
)
from nlp_motioner.search.filters import _q, clean_text
from nlp_motioner.search.hits import mask_record, masker, open_store, unit_records, unit_text
from nlp_motioner.store import Store
from nlp_motioner.store.analyze import facet_token, stems
from nlp_motioner.store.casekeys import keys_of

__all__ = ["case_history", "case_summary", "collect_case", "linked_units", "cited_keys"]

# Papers that open a case.
OPENERS = {"motion", "initiativarende", "interpellation", "enkel_fraga", "medborgarforslag"}
# A body's opinion: the paper itself, or the position it states.
OPINION_TYPES = {"yttrande", "remissvar", "utlatande"}
OPINION_OUTCOMES = {"tillstyrker", "avstyrker"}

_MONTHS = (
    "januari februari mars april maj juni juli augusti september oktober november december"
).split()
# A case number as printed in running text: optional series, year, separator, number,
# optional trailing series ("KS 2025.446", "2025.446 KS", "KS-2024-00511", "2025/0446").
_NUMBER_IN_TEXT = re.compile(
    r"(?<![\w.])(?:[A-ZÅÄÖ]{1,6}(?:[ -]?AU)?\s?[/ -]?\s?)?(?:19|20)\d{2}\s?[./:-]\s?\d{1,6}"
    r"(?:\s[A-ZÅÄÖ]{1,6}\b)?"
)


def _entry_role(rec: dict[str, Any]) -> str:
    doc_type = rec.get("doc_type") or ""
    if doc_type in OPENERS:
        return "motion"
    if rec.get("outcome") == "remitterad":
        return "referral"
    if doc_type in OPINION_TYPES or rec.get("outcome") in OPINION_OUTCOMES:
        return "opinion"
    if rec.get("linked_by") == "reference":
        # Another body's handling of the case (a § item or an extract under its own
        # number) is its opinion; any other paper that names the case just mentions it.
        if rec.get("paragraph") is not None or doc_type == "protokollsutdrag":
            return "opinion"
        return "paper"
    if rec.get("outcome_stage") == "decision":
        return "decision"
    if rec.get("outcome_stage") == "proposal":
        return "proposal"
    return "paper"


def _mentions(text: str, keys: set[str]) -> bool:
    """Does `text` print one of the case `keys` ("KS:2025:446", "2025:446", "26/0005-2")?"""
    raw = [k for k in keys if not casenumber.is_parsed_key(k)]
    if raw:
        squeezed = "".join(casenumber.normalize(text).upper().split())
        for key in raw:
            # Digits may not run on either side ("126/0005-23" is another number).
            if re.search(r"(?<!\d)" + re.escape(key) + r"(?!\d)", squeezed):
                return True
    for m in _NUMBER_IN_TEXT.finditer(text):
        found = casenumber.parse(m.group(0)) or casenumber.parse(m.group(0).rsplit(" ", 1)[0])
        if found is None:
            continue
        for key in keys:
            parts = key.split(":")
            if [str(found.year), str(found.number)] != parts[-2:]:
                continue
            if len(parts) == 2 or found.series in (None, parts[0]):
                return True
    return False


def _date_forms(iso: str) -> list[str]:
    """ "2025-09-24" as printed: ISO and "24 september 2025"."""
    try:
        d = date.fromisoformat(iso[:10])
    except ValueError:
        return []
    return [d.isoformat(), f"{d.day} {_MONTHS[d.month - 1]} {d.year}"]


def _cites_paragraph(text: str, paragraph: int, when: str) -> bool:
    """Does `text` cite "§ <paragraph>" within a line or so of the date `when`?"""
    for m in re.finditer(rf"§\s*{paragraph}(?!\d)", text):
        window = text[max(0, m.start() - 120) : m.end() + 120].lower()
        window = " ".join(window.split())
        if any(form in window for form in _date_forms(when)):
            return True
    return False


def cited_keys(store: Store, text: str) -> set[str]:
    """The cases `text` names: case numbers printed in it, and § items it cites with their
    date ("kommunfullmäktige den 24 september 2025, § 204") that are in the database."""
    keys: set[str] = set()
    for m in _NUMBER_IN_TEXT.finditer(text):
        found = casenumber.parse(m.group(0)) or casenumber.parse(m.group(0).rsplit(" ", 1)[0])
        if found is not None:
            keys.add(f"{found.series}:{found.key}" if found.series else found.key)
    for m in re.finditer(r"§\s*(\d{1,4})(?!\d)", text):
        window = " ".join(text[max(0, m.start() - 120) : m.end() + 120].lower().split())
        for iso in re.findall(r"\b((?:19|20)\d{2}-\d{2}-\d{2})\b", window) + _long_dates(window):
            for (number,) in store.conn.execute(
                "SELECT c.diarienummer FROM items i JOIN case_numbers c ON c.item_id = i.id "
                "WHERE i.paragraph = ? AND i.date = ?",
                (int(m.group(1)), iso),
            ):
                keys |= keys_of([number])
    return keys


def _long_dates(text: str) -> list[str]:
    """ISO forms of the dates written "24 september 2025" in `text`."""
    out = []
    for day, month, year in re.findall(r"\b(\d{1,2}) ([a-zåäö]+) ((?:19|20)\d{2})\b", text):
        if month in _MONTHS:
            try:
                out.append(date(int(year), _MONTHS.index(month) + 1, int(day)).isoformat())
            except ValueError:
                continue
    return out


def _candidates(store: Store, expr: str, limit: int = 200) -> list[int]:
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT rowid FROM units_fts WHERE units_fts MATCH ? LIMIT ?", (expr, limit)
        )
    ]


def linked_units(store: Store, records: list[dict[str, Any]], keys: set[str]) -> list[int]:
    """Units outside `records` whose text names the case: one of `keys`, or a § of the case
    with its date. Protocol front matter is skipped (its § items are units of their own)."""
    have = {r["unit_id"] for r in records}
    phrases = []
    for key in keys:
        if not casenumber.is_parsed_key(key):
            # A number no shape parses ("26/0005-2") is its own key, spaces squeezed out:
            # look for its words as the index holds them, with letters and digits apart
            # too ("KS26/0005-2" is printed "KS 26/0005-2").
            for words in (stems(key), re.findall(r"[^\W\d_]+|\d+", key.lower())):
                if words:
                    phrases.append(_q(" ".join(words)))
            continue
        year, number = key.split(":")[-2:]
        # The number as printed and zero-padded to six digits ("446", "0446", ...); a
        # serial already six characters or longer has only its own form.
        widths = range(len(number), max(len(number) + 1, 7))
        phrases += [_q(f"{year} {number.zfill(n)}") for n in widths]
    checks: list[tuple[str, Any]] = []
    if phrases:
        checks.append(("{body} : (" + " OR ".join(dict.fromkeys(phrases)) + ")", ("keys", keys)))
    for rec in records:
        if rec.get("paragraph") is None or not rec.get("date"):
            continue
        dates = [" ".join(stems(form)) for form in _date_forms(rec["date"])]
        dates = [_q(d) for d in dates if d]
        if dates:
            expr = f'{{body}} : ("{rec["paragraph"]}" AND ({" OR ".join(dates)}))'
            checks.append((expr, ("paragraph", rec)))
    found: list[int] = []
    for expr, (kind, value) in checks:
        cands = [u for u in _candidates(store, expr) if u not in have and u not in found]
        for uid, rec in unit_records(store, cands).items():
            if (
                rec["item_id"] is None
                and store.conn.execute(
                    "SELECT 1 FROM items WHERE document_id = ? LIMIT 1", (rec["document_id"],)
                ).fetchone()
            ):
                continue
            text = unit_text(store, rec)
            ok = (
                _mentions(text, value)
                if kind == "keys"
                else _cites_paragraph(text, value["paragraph"], value["date"])
            )
            if ok:
                found.append(uid)
    return found


def _title_linked(store: Store, records: list[dict[str, Any]]) -> list[int]:
    place = place_words(records)
    cores = [c for c in {title_core(r["title"], place) for r in records} if len(c) >= 3]
    if not cores:
        return []
    have = {r["document_id"] for r in records}
    terms = sorted(set().union(*cores))
    # Only documents without any diarienummer are linked by title (facet token).
    match = (
        "title : ("
        + " OR ".join(_q(t) for t in terms)
        + ") AND facets : "
        + _q(facet_token("flag", "nodnr"))
    )
    cands = [
        r[0]
        for r in store.conn.execute(
            "SELECT u.id FROM units_fts JOIN units u ON u.id = units_fts.rowid "
            "WHERE units_fts MATCH ? AND u.item_id IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM case_numbers c WHERE c.document_id = u.document_id) "
            "ORDER BY rank LIMIT 50",
            (match,),
        )
    ]
    out = []
    for uid, rec in unit_records(store, cands).items():
        if rec["document_id"] in have:
            continue
        if any(same_title_case(title_core(rec["title"], place), c) for c in cores):
            out.append(uid)
    return out


def _reservations(store: Store, rec: dict[str, Any]) -> list[str]:
    try:
        rows = store.conn.execute(
            "SELECT party FROM reservations WHERE document_id = ? AND item_id IS ?",
            (rec["document_id"], rec["item_id"]),
        ).fetchall()
    except Exception:  # a database from before the table (read-only, not migrated)
        return []
    return [r[0] for r in rows]


def collect_case(
    store: Store, keys: set[str], *, by_title: bool = True, by_reference: bool = True
) -> list[dict[str, Any]]:
    """The unit records of the case under `keys`, each with `linked_by` (unmasked, unsorted)."""
    records = [
        dict(r, linked_by="diarienummer")
        for r in unit_records(store, case_units(store, keys)).values()
    ]
    if by_reference and records:
        linked = linked_units(store, records, keys)
        own = unit_numbers(store, linked)
        extra_keys = {k for u in linked for k in keys_of(own.get(u, []))} - keys
        more = case_units(store, extra_keys) if extra_keys else []
        have = {r["unit_id"] for r in records}
        for uid, rec in unit_records(store, [*linked, *more]).items():
            if uid not in have:
                records.append(dict(rec, linked_by="reference"))
    if by_title and records:
        for rec in unit_records(store, _title_linked(store, records)).values():
            records.append(dict(rec, linked_by="title"))
    return records


def case_history(
    db: str | os.PathLike[str] | Store | None,
    diarienummer: str,
    *,
    mask: bool = True,
    by_title: bool = True,
    by_reference: bool = True,
) -> list[dict[str, Any]]:
    """Every paper of one case, oldest first, each with `linked_by` and `step` (its role:
    motion, referral, opinion, proposal, decision or paper) and its `reservations`.

    `diarienummer` may be written in any common form ("KS 2025.446", "2025.446 KS",
    "Dnr KS 2025/0446"); without a series it finds the number in every series.
    """
    store, owned = open_store(db)
    try:
        keys = set(casenumber.query_keys(clean_text(diarienummer) or ""))
        if not keys:
            return []
        records = collect_case(store, keys, by_title=by_title, by_reference=by_reference)
        fn = masker(mask)
        seen: set[tuple[str, Any]] = set()
        out = []
        for rec in sorted(records, key=sort_key):
            key = (rec.pop("sha256"), rec["paragraph"])
            if key in seen:  # the same file indexed under two paths
                continue
            seen.add(key)
            rec["step"] = _entry_role(rec)
            rec["reservations"] = _reservations(store, rec)
            out.append(mask_record(rec, fn))
        return out
    finally:
        if owned:
            store.close()


def case_summary(records: list[dict[str, Any]]) -> dict[str, Any]:
    """What a clerk asks of a case: when it opened, who was asked, what was decided, when,
    who reserved, and the days from the motion (or first paper) to the decision."""
    dated = [r for r in records if r.get("date")]
    opener = next((r for r in dated if r.get("step") == "motion"), None)
    opened = (opener or (dated[0] if dated else {})).get("date")
    final = final_outcome(records)
    decided = final.get("date") if final and final.get("outcome_stage") == "decision" else None
    days = None
    if opened and decided:
        try:
            days = (date.fromisoformat(decided[:10]) - date.fromisoformat(opened[:10])).days
        except ValueError:
            days = None
    bodies: list[str] = []
    for r in records:
        if r.get("step") == "referral":
            bodies += [b for b in r.get("referral_bodies") or [] if b not in bodies]
    return {
        "opened": opened,
        "final_outcome": final.get("outcome") if final else None,
        "final_stage": final.get("outcome_stage") if final else None,
        "decided": decided,
        "days_to_decision": days,
        "referral_bodies": bodies,
        "opinions": [
            {"source": r["source"], "position": r.get("outcome") or "yttrande"}
            for r in records
            if r.get("step") == "opinion"
        ],
        "reservations": sorted({p for r in records for p in r.get("reservations") or []}),
        "papers": len(records),
    }
