"""What the CAP classifier reads about a unit: title, decision text, body text, committee.

One shape for every source: a case record (`arenden.json`), a § item of minutes or a whole
document. A unit's committee is the body that handled it: the step instances of a case, or
the body named at the head of minutes and extracts.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from nlp_motioner._data import load_toml
from nlp_motioner.casefold import FoldedPattern

__all__ = ["CapInput", "clean_title", "case_input", "document_inputs", "find_committee"]

# A unit as the classifier reads it; every field may be empty.
CapInput = dict[str, Any]  # {"title": str, "decision": str, "body": str, "committee": list[str]}

# " - Amanda Andersson (MP)", " – Heidi Hankanen Ängberg (C) med flera": the initiators at the
# end of a motion's title say who, not what about.
_INITIATORS = re.compile(
    # A dash, then a person's name (two or more capitalised words) and a party code in
    # brackets; "Motion (M) Centrum för ..." is a party's motion, not a list of names.
    r"\s+[-–—]\s*[A-ZÅÄÖ][\w.-]*(?:\s+[A-ZÅÄÖ][\w.-]*){1,4}\s*\([A-ZÅÄÖ]{1,4}\).*$",
    re.S,
)
# A body's name: "Kommunstyrelsen", "Barn- och ungdomsnämnden", "tekniska nämnden",
# "Kommunstyrelsens arbetsutskott", "kommunfullmäktige". The generic "nämnden" alone is left out.
_BODY = re.compile(
    r"(?<![\wåäö-])((?:[\wåäö]+-?\s+och\s+[\wåäö]+|[\wåäö]+a\s+|[\wåäö]+)"
    r"(?:nämnd|styrelse|fullmäktige)(?:ens|en|s)?(?:\s+arbetsutskott)?)(?![\wåäö])",
    re.I,
)
_NEXT_WORD = re.compile(r"\s+([\wåäö]+)")
# A name is made of word characters, hyphens and white space only, and holds one of these
# words: the stretches between other characters that hold none can be skipped.
_BODY_WORD = FoldedPattern(r"nämnd|styrelse|fullmäktige")
_NOT_IN_NAME = re.compile(r"[^\w\s-]")


def _body_matches(text: str) -> list[re.Match[str]]:
    """`_BODY.finditer(text)`, searching only the stretches that can hold a match.

    A match never contains a character outside word characters, white space and "-", and
    such a character on either side satisfies the pattern's look-behind and look-ahead just
    as the start and end of a stretch do; so each stretch between two such characters is
    searched on its own, and only if it holds a body word. Scanning every word start of
    30,000 characters was most of the topic stage's time.
    """
    out: list[re.Match[str]] = []
    done = 0  # the end of the last stretch searched
    for at in (m.start() for m in _BODY_WORD.finditer(text)):
        if at < done:
            continue
        lo = at
        while lo > done and not _NOT_IN_NAME.match(text, lo - 1):
            lo -= 1
        stop = _NOT_IN_NAME.search(text, at)
        hi = stop.start() if stop else len(text)
        out.extend(_BODY.finditer(text, lo, hi))
        done = hi
    return out


@lru_cache(maxsize=1)
def _subject_verbs() -> frozenset[str]:
    return frozenset(load_toml("topics/committees.toml")["subject"]["verbs"])


_HEAD_CHARS = 300
_SCAN_CHARS = 30000


def clean_title(title: str | None) -> str:
    """The title without a trailing list of initiators (names and party codes)."""
    if not title:
        return ""
    text = " ".join(str(title).split())
    return _INITIATORS.sub("", text).strip()


def case_input(case: dict[str, Any]) -> CapInput:
    """A case record (the format of arenden.json) as the classifier reads it."""
    steps = [s for s in case.get("steps") or [] if isinstance(s, dict)]
    quotes = " ".join(str(s.get("quote") or "") for s in steps)
    committees = [str(s["instance"]) for s in steps if s.get("instance")]
    return {
        "title": clean_title(case.get("title")),
        "decision": quotes,
        "body": "",
        "committee": sorted(set(committees)),
    }


def find_committee(text: str) -> str | None:
    """The body a document comes from, else None.

    The body named in the document's head ("Bygg- och miljönämnden / 2026-05-19"), else the
    body its text most often names as acting: minutes name their own body in nearly every
    decision ("Tekniska nämnden godkänner"). Minutes of an executive board whose decisions
    are mostly proposals to the council ("Kommunfullmäktige beviljar ...") come out as the
    council: the text does not say more.
    """
    head = _BODY.search(text[:_HEAD_CHARS])
    if head:
        return " ".join(head.group(1).lower().split())
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    verbs = _subject_verbs()
    text = text[:_SCAN_CHARS]
    for m in _body_matches(text):
        nxt = _NEXT_WORD.match(text, m.end())
        if not nxt or nxt.group(1).lower() not in verbs:
            continue
        name = " ".join(m.group(1).lower().split())
        if m.group(1).endswith("s") and not m.group(1).lower().endswith("arbetsutskott"):
            continue  # a genitive ("nämndens förslag") is not the body acting
        counts[name] = counts.get(name, 0) + 1
        first.setdefault(name, m.start())
    if not counts:
        return None
    return max(counts, key=lambda n: (counts[n], -first[n]))


def document_inputs(doc: Any, *, body_chars: int = 3000) -> tuple[CapInput | None, list[CapInput]]:
    """Inputs for a tagged Document: (the document's, one per § item).

    Minutes hold many matters, so a document with § items gets no input of its own (None):
    its items carry the topics.
    """
    tags = doc.tags
    committee = find_committee(doc.text or "")
    committees = [committee] if committee else []
    items = []
    for it in doc.items:
        t = it.tags
        body = (doc.text or "")[it.start : it.end]
        items.append(
            {
                "title": clean_title((t.title if t and t.title else None) or it.title),
                "decision": (t.evidence if t else None) or "",
                "body": body[:body_chars],
                "committee": committees,
            }
        )
    if doc.items:
        return None, items
    return (
        {
            "title": clean_title(tags.title if tags else None),
            "decision": (tags.evidence if tags else None) or "",
            "body": (doc.text or "")[:body_chars],
            "committee": committees,
        },
        items,
    )
