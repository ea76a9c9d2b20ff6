"""Cases: which units belong together. A case is what one case number (in any written form)
names; a document filed before it got a number (the motion itself) joins it by title.

Used by `search` (one row per case), `similar` (never the probe's own case) and `case`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from nlp_motioner._data import load_toml
from nlp_motioner.store import Store
from nlp_motioner.store.analyze import stems
from nlp_motioner.store.casekeys import has_table, keys_of, lookup

__all__ = [
    "title_core",
    "same_title_case",
    "unit_numbers",
    "documents_with_items",
    "Group",
    "group_units",
    "case_units",
    "sort_key",
    "final_outcome",
]

# A part of a title that names the signatories: "Irene Jonsson (S) med flera".
_SIGNATORIES = re.compile(r"\([A-ZÅÄÖ]{1,3}\)|\bmed flera\b|\bm\.\s?fl\b", re.IGNORECASE)
_PARTS = re.compile(r"\s[-–—]\s")


@lru_cache(maxsize=1)
def _title_words() -> tuple[tuple[str, ...], frozenset[str]]:
    data = load_toml("search/titles.toml")
    leads = tuple(sorted((str(x).lower() for x in data["leads"]), key=len, reverse=True))
    return leads, frozenset(stems(" ".join(data["fillers"])))


def place_words(records: Iterable[dict[str, Any]]) -> frozenset[str]:
    """Stems of the organisation names of `records` ("alingsås", "kommun"): a title's place
    name does not tell one matter from another. Taken from the records at hand, so no
    query scans the whole database."""
    words: set[str] = set()
    for org in {r.get("organisation") for r in records}:
        if org:
            words.update(stems(org))
    return frozenset(words)


def title_core(title: str | None, extra: frozenset[str] = frozenset()) -> frozenset[str]:
    """The stems that name a case in a title, without "Svar på motion om", signatories, the
    place name (`extra`) and numbers.

    "Svar på motion om stöd till föreningar som nattvandrar - Irene Jonsson (S) med flera"
    and "Motion om stöd till föreningar som nattvandrar" share the core
    {stöd, förening, nattvandr}.
    """
    if not title:
        return frozenset()
    leads, fillers = _title_words()
    core: set[str] = set()
    for i, part in enumerate(_PARTS.split(" ".join(title.split()))):
        if i > 0 and _SIGNATORIES.search(part):
            continue
        t = part.lower()
        changed = True
        while changed:
            changed = False
            for lead in leads:
                if t.startswith(lead + " ") or t == lead:
                    t = t[len(lead) :].lstrip(" :,-–")
                    changed = True
        core.update(
            w
            for w in stems(t)
            if w not in fillers and w not in extra and not w.isdigit() and len(w) > 1
        )
    return frozenset(core)


def same_title_case(a: frozenset[str], b: frozenset[str]) -> bool:
    """Titles name the same case when one core nearly contains the other: 80% of a core of
    3+ stems, or all of a 2-stem core within one of at most 4 (a title cut short)."""
    small, large = sorted((a, b), key=len)
    if len(small) < 2:
        return False
    if len(small) == 2:
        return small <= large and len(large) <= 4
    return len(small & large) / len(small) >= 0.8


def unit_numbers(store: Store, unit_ids: list[int]) -> dict[int, list[str]]:
    """The case numbers each unit carries itself: a § item its own, a document without §
    items its own; a protocol's front matter none (its numbers are its items')."""
    out: dict[int, list[str]] = {u: [] for u in unit_ids}
    for i in range(0, len(unit_ids), 500):
        chunk = unit_ids[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        for uid, number in store.conn.execute(
            "SELECT u.id, c.diarienummer FROM units u JOIN case_numbers c "
            "ON c.document_id = u.document_id AND c.item_id IS u.item_id "
            f"WHERE u.id IN ({marks}) AND (u.item_id IS NOT NULL OR NOT EXISTS "
            "(SELECT 1 FROM items i WHERE i.document_id = u.document_id))",
            chunk,
        ):
            out[uid].append(number)
    return out


def documents_with_items(store: Store, document_ids: set[int]) -> set[int]:
    """Which of `document_ids` are minutes (have § items)."""
    ids = sorted(document_ids)
    out: set[int] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        out.update(
            r[0]
            for r in store.conn.execute(
                f"SELECT DISTINCT document_id FROM items WHERE document_id IN ({marks})", chunk
            )
        )
    return out


@dataclass
class Group:
    """Units of one case among the hits, best first."""

    units: list[int] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    numbers: list[str] = field(default_factory=list)
    cores: list[frozenset[str]] = field(default_factory=list)


def _joinable(core: frozenset[str]) -> bool:
    # Two-word cores such as "ekonomisk uppföljning" are too common to join on.
    return len(core) >= 3


@lru_cache(maxsize=8192)
def _core(title: str | None, place: frozenset[str]) -> frozenset[str]:
    return title_core(title, place)


def group_units(
    records: dict[int, dict[str, Any]],
    numbers: dict[int, list[str]],
    order: list[int],
    place: frozenset[str] = frozenset(),
) -> list[Group]:
    """Hits (unit ids in rank order) grouped by case; groups keep the rank of their best unit.

    Units that carry the same case key are one case (a unit with two numbers joins both
    cases into one). A unit without a number joins the first case whose title names the
    same matter (a title core of 3+ stems that nearly matches), and a numbered unit joins a
    group of such unnumbered units; a title never joins two numbered cases, and a number
    printed without its series never joins a number with one (another register may use
    the same digits)."""
    groups: list[Group] = []
    # stem -> groups with a joinable core holding it: title joins look only there.
    by_stem: dict[str, list[Group]] = {}

    def title_match(core: frozenset[str], keyless_only: bool) -> Group | None:
        if not _joinable(core):
            return None
        near = {id(g) for s in core for g in by_stem.get(s, ())}
        for g in groups:
            if id(g) in near and not (keyless_only and g.keys):
                if any(same_title_case(core, c) for c in g.cores):
                    return g
        return None

    for uid in order:
        keys = keys_of(numbers.get(uid, []))
        core = _core(records[uid].get("title"), place)
        if keys:
            found = [g for g in groups if g.keys & keys]
            if not found:
                match = title_match(core, keyless_only=True)
                found = [match] if match else []
        else:
            match = title_match(core, keyless_only=False)
            found = [match] if match else []
        if not found:
            head = Group([uid], set(keys), list(numbers.get(uid, [])), [])
            groups.append(head)
        else:
            head = found[0]
            for other in found[1:]:  # a unit with a number of each: one case
                head.units.extend(other.units)
                head.keys |= other.keys
                head.numbers.extend(n for n in other.numbers if n not in head.numbers)
                for c in other.cores:
                    head.cores.append(c)
                    for s in c:
                        by_stem.setdefault(s, []).append(head)
                groups.remove(other)
            head.units.append(uid)
            head.keys |= keys
            head.numbers.extend(n for n in numbers.get(uid, []) if n not in head.numbers)
        if _joinable(core):
            head.cores.append(core)
            for s in core:
                by_stem.setdefault(s, []).append(head)
    return groups


def case_units(store: Store, keys: set[str], *, exact: bool = False) -> list[int]:
    """Every unit stored under one of `keys` (a § item, or a document without § items).

    A key without series ("2025:446") finds the number in every series; with `exact`,
    only numbers printed without a series (another register may use the same digits)."""
    units: list[int] = []
    if has_table(store.conn):
        wanted = sorted(keys)
        marks = ", ".join("?" for _ in wanted)
        units = [
            r[0]
            for r in store.conn.execute(
                "SELECT u.id FROM case_keys k JOIN units u ON u.document_id = k.document_id "
                f"AND u.item_id IS k.item_id WHERE k.key IN ({marks}) AND (k.item_id IS NOT "
                "NULL OR NOT EXISTS (SELECT 1 FROM items i WHERE i.document_id = k.document_id))"
                " ORDER BY u.id",
                wanted,
            )
        ]
    else:  # an old database opened read-only: the slow way, until the next `index`
        for doc_id, item_id in lookup(store.conn, keys):
            row = store.conn.execute(
                "SELECT id FROM units WHERE document_id = ? AND item_id IS ? AND (item_id IS "
                "NOT NULL OR NOT EXISTS (SELECT 1 FROM items i WHERE i.document_id = ?))",
                (doc_id, item_id, doc_id),
            ).fetchone()
            if row is not None:
                units.append(row[0])
    units = list(dict.fromkeys(units))
    if exact:
        numbers = unit_numbers(store, units)
        units = [u for u in units if keys_of(numbers[u]) & keys]
    return units


# Where each kind of paper stands in a case, for ordering papers of the same day.
_STAGE_ORDER = {
    "motion": 0,
    "initiativarende": 0,
    "interpellation": 0,
    "enkel_fraga": 0,
    "remiss": 1,
    "tjansteskrivelse": 2,
    "yttrande": 3,
    "remissvar": 3,
    "utlatande": 4,
    "sarskilt_uttalande": 4,
    "protokollsutdrag": 5,
    "protokoll": 6,
}
_OUTCOME_STAGE_ORDER = {"proposal": 0, "decision": 1}


def sort_key(rec: dict[str, Any]) -> tuple[Any, ...]:
    """Date order; an undated motion opens its case, other undated papers go last."""
    stage = _STAGE_ORDER.get(rec.get("doc_type") or "", 7)
    undated = "" if stage == 0 else "9999"
    return (
        rec.get("date") or undated,
        stage,
        _OUTCOME_STAGE_ORDER.get(rec.get("outcome_stage") or "", 2),
        rec.get("source") or "",
        rec.get("paragraph") or 0,
    )


# Outcomes that do not settle a case: a referral, and a body's opinion on it.
_NOT_FINAL = {None, "remitterad", "tillstyrker", "avstyrker"}
_OPINION_TYPES = {"yttrande", "remissvar", "utlatande"}


def final_outcome(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The last decision of a case that settles it (not a referral, not a body's opinion),
    in date order; else the last such proposal. None when no paper states one."""
    ordered = sorted(records, key=sort_key)
    for stage in ("decision", "proposal"):
        for rec in reversed(ordered):
            if (
                rec.get("outcome_stage") == stage
                and rec.get("outcome") not in _NOT_FINAL
                and rec.get("doc_type") not in _OPINION_TYPES
                and rec.get("linked_by") != "reference"
            ):
                return rec
    return None
