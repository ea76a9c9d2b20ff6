"""The procedural flag: items with no policy content of their own (CAP codebook rule 35).

Delegation reports, messages, meeting dates, elections and appointments, lists of open
motions and assignments, attestation lists, and items recorded only as oral information.
The rules are data (`topics/procedural.toml`); this module only applies them:

    >>> procedural_kind("Redovisning av delegationsbeslut 2024", "Redovisningen godkänns.")
    'delegation'
    >>> procedural_kind("Revidering av delegationsordning", "Delegationsordningen antas.") is None
    True

A title is read with the names of bodies, years and dates taken out, so the rules need not
know any one municipality's committees.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from nlp_motioner._data import load_toml

__all__ = ["procedural_kind", "is_procedural", "title_core", "PROCEDURAL_KINDS"]

_DATE = re.compile(
    r"\b\d{1,2}\s+(?:jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)\w*(?:\s+\d{4})?"
    r"|\b(?:januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december)\b"
    r"|\b(?:läsåret|läsår|verksamhetsåret|år|mandatperioden|perioden|per|tom|t\.o\.m\.?)\b",
    re.I,
)
_NUMBER = re.compile(r"[\d][\d\s./:–-]*")
_PUNCT = re.compile(r"[^\wåäöéü ]+")
_EDGE = {"för", "och", "i", "till", "av", "inom", "från", "om", "med", "samt", "s"}


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    data = load_toml("topics/procedural.toml")
    flags = re.IGNORECASE

    def compile_all(tables: list[dict[str, Any]]) -> list[tuple[str, re.Pattern[str]]]:
        return [
            (t["kind"], re.compile("|".join(f"(?:{p})" for p in t["patterns"]), flags))
            for t in tables
        ]

    return {
        "kinds": dict(data.get("kinds", {})),
        "body": re.compile("|".join(f"(?:{p})" for p in data["body_names"]), flags),
        "title": compile_all(data.get("title", [])),
        "title_start": compile_all(data.get("title_start", [])),
        "decision": [
            (
                t["kind"],
                re.compile("|".join(f"(?:{p})" for p in t["patterns"]), flags),
                re.compile("|".join(f"(?:{p})" for p in t["veto"]), flags)
                if t.get("veto")
                else None,
            )
            for t in data.get("decision", [])
        ],
    }


PROCEDURAL_KINDS: tuple[str, ...] = (
    "delegation",
    "messages",
    "meetings",
    "appointment",
    "lists",
    "information",
)


def title_core(title: str) -> str:
    """The title in lower case without names of bodies, dates, years and punctuation."""
    text = " ".join(str(title).split()).lower()
    text = _rules()["body"].sub(" ", text)
    text = _DATE.sub(" ", text)
    text = _NUMBER.sub(" ", text)
    text = _PUNCT.sub(" ", text)
    words = text.split()
    while words and words[-1] in _EDGE:
        words.pop()
    while words and words[0] in _EDGE:
        words.pop(0)
    return " ".join(words)


def procedural_kind(title: str | None, decision: str | None = None) -> str | None:
    """Which kind of procedural item this is (see `PROCEDURAL_KINDS`), or None.

    `title` is the item's or case's title, `decision` its decision text (any steps joined).
    """
    rules = _rules()
    if title:
        core = title_core(title)
        if core:
            for kind, pattern in rules["title"]:
                if pattern.fullmatch(core):
                    return kind
            for kind, pattern in rules["title_start"]:
                if pattern.match(core):
                    return kind
    if decision:
        text = " ".join(str(decision).split())
        for kind, pattern, veto in rules["decision"]:
            if pattern.match(text) and not (veto and veto.search(text)):
                return kind
    return None


def is_procedural(title: str | None, decision: str | None = None) -> bool:
    """True when the title or the decision marks an item without policy content of its own."""
    return procedural_kind(title, decision) is not None
