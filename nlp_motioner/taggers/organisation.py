"""The organisation behind a document ("Gävle kommun", "Stockholms stad"), when stated."""

from __future__ import annotations

import re
from collections import Counter

from nlp_motioner.record import Document

__all__ = ["find_organisation"]

_ORG = re.compile(r"\b([A-ZÅÄÖ][a-zåäö]+(?:-[A-ZÅÄÖ][a-zåäö]+)?) (kommun|stad|region|landsting)\b")
# "Revisorerna i Lekebergs kommun" -> "Lekebergs kommun"; also the e-mail domain of the writer.
_MAIL = re.compile(r"@([a-zåäö]+)\.se\b")
_GENERIC = {"Varje", "Denna", "Vår", "Hela", "Annan", "Samma", "Den", "Egen", "Din", "Er", "Ny"}


def find_organisation(doc: Document) -> str | None:
    if doc.file_kind == "riksdagen":
        return "Sveriges riksdag"
    text = doc.text[:20000]
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in _ORG.finditer(text):
        if m.group(1) in _GENERIC:
            continue
        name = f"{m.group(1)} {m.group(2)}"
        counts[name] += 1
        first.setdefault(name, m.start())
    mail = {m.group(1) for m in _MAIL.finditer(text[:3000])}
    for name in list(counts):
        stem = name.split()[0].lower().rstrip("s")
        stem = stem.translate(str.maketrans("åäö", "aao"))
        if any(d.startswith(stem) for d in mail):
            counts[name] += 5
    if not counts:
        return None
    return max(counts, key=lambda n: (counts[n], -first[n]))
