"""Search filters: party, outcome, type, body, organisation and dates, as SQL and as FTS5 facets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nlp_motioner.store.analyze import facet_token, facet_words

__all__ = ["Filters", "clean_text"]


def clean_text(value: str | None) -> str | None:
    """`value` as valid Unicode: an argument decoded from invalid UTF-8 (lone surrogates from
    the file system encoding) has each bad byte replaced by U+FFFD, so it can reach SQLite
    and the terminal."""
    if value is None:
        return None
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        pass
    try:  # bytes smuggled in by surrogateescape: decode them again, each bad byte one U+FFFD
        raw = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # other lone surrogates
        raw = value.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "replace")


@dataclass
class Filters:
    """Restrict hits; each list is OR-ed, the fields are AND-ed. Dates are ISO prefixes."""

    party: Sequence[str] = ()
    outcome: Sequence[str] = ()
    doc_type: Sequence[str] = ()
    body: Sequence[str] = ()
    organisation: Sequence[str] = ()
    date_from: str | None = None
    date_to: str | None = None

    def __post_init__(self) -> None:
        for name in ("party", "outcome", "doc_type", "body", "organisation"):
            setattr(self, name, [clean_text(str(v)) for v in getattr(self, name) or ()])
        self.date_from = clean_text(self.date_from) or None
        self.date_to = clean_text(self.date_to) or None

    def any(self) -> bool:
        return bool(
            self.party
            or self.outcome
            or self.doc_type
            or self.body
            or self.organisation
            or self.date_from
            or self.date_to
        )

    def sql(self, alias: str = "u") -> tuple[str, list[Any]]:
        """The exact filter as a WHERE fragment (starting with " AND") over `units`."""
        return self._sql(alias, exact_only=False)

    def _sql(self, alias: str, *, exact_only: bool) -> tuple[str, list[Any]]:
        # exact_only: leave out what the facet tokens already decide exactly.
        parts: list[str] = []
        params: list[Any] = []

        def among(column: str, values: Sequence[str]) -> None:
            marks = ", ".join("?" for _ in values)
            parts.append(f"lower({alias}.{column}) IN ({marks})")
            params.extend(v.lower() for v in values)

        if self.doc_type and not exact_only:
            among("doc_type", self.doc_type)
        if self.outcome and not exact_only:
            among("outcome", self.outcome)
        if self.organisation:
            parts.append(
                "(" + " OR ".join(f"{alias}.organisation LIKE ?" for _ in self.organisation) + ")"
            )
            params.extend(f"%{v}%" for v in self.organisation)
        if self.date_from and not (exact_only and _year_only(self.date_from)):
            parts.append(f"{alias}.date >= ?")
            params.append(self.date_from)
        if self.date_to and not (exact_only and _year_only(self.date_to)):
            # "2025" or "2025-06" means up to the end of that year or month.
            parts.append(f"{alias}.date <= ?")
            params.append(self.date_to + "\uffff")
        if self.party and not exact_only:
            marks = ", ".join("?" for _ in self.party)
            parts.append(
                f"EXISTS (SELECT 1 FROM parties p WHERE p.document_id = {alias}.document_id "
                f"AND (p.item_id IS {alias}.item_id OR p.item_id IS NULL) "
                f"AND p.party IN ({marks}))"
            )
            params.extend(p.upper() for p in self.party)
        if self.body:
            likes = " OR ".join("b.body LIKE ?" for _ in self.body)
            parts.append(
                f"EXISTS (SELECT 1 FROM referral_bodies b WHERE b.document_id = {alias}.document_id "
                f"AND (b.item_id IS {alias}.item_id OR b.item_id IS NULL) AND ({likes}))"
            )
            params.extend(f"%{v}%" for v in self.body)
        if not parts:
            return "", []
        return " AND " + " AND ".join(parts), params

    def facets(self, years: tuple[int, int] | None) -> str | None:
        """An FTS5 expression over the `facets` column that every passing unit matches."""
        groups: list[list[str]] = []
        if self.doc_type:
            groups.append([facet_token("doc_type", v) for v in self.doc_type])
        if self.outcome:
            groups.append([facet_token("outcome", v) for v in self.outcome])
        if self.party:
            groups.append([facet_token("party", v) for v in self.party])
        if (self.date_from or self.date_to) and years is not None:
            lo, hi = years
            if self.date_from and self.date_from[:4].isdigit():
                lo = max(lo, int(self.date_from[:4]))
            if self.date_to and self.date_to[:4].isdigit():
                hi = min(hi, int(self.date_to[:4]))
            groups.append([facet_token("year", str(y)) for y in range(lo, hi + 1)] or ["yrnone"])
        clauses = ["(" + " OR ".join(_q(t) for t in dict.fromkeys(g)) + ")" for g in groups]
        for kind, values in (("organisation", self.organisation), ("body", self.body)):
            if values:
                alts = []
                for v in values:
                    words = facet_words(kind, v)
                    if words:
                        alts.append("(" + " AND ".join(_q(w) for w in words) + ")")
                if alts:
                    clauses.append("(" + " OR ".join(alts) + ")")
        if not clauses:
            return None
        return "facets : (" + " AND ".join(clauses) + ")"


def _q(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _year_only(value: str) -> bool:
    return len(value) == 4 and value.isdigit()
