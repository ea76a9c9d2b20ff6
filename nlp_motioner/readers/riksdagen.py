"""Riksdagen open-data `dokumentstatus` records, checked against the shape the reader needs.

The open data is mostly regular, but a record can still carry a list, a number or NaN
where text belongs. Each field the reader uses is checked here; a record that does not
fit raises `RecordError` with one line naming the field, and nothing later ever sees a
value of the wrong type.
"""

from __future__ import annotations

import re
from typing import Any

from nlp_motioner.readers.sniff import loads_json


class RecordError(ValueError):
    """A dokumentstatus record that does not have the expected shape."""


# dokument fields read as text (absent or null is fine).
_TEXT_FIELDS = ("dok_id", "rm", "beteckning", "doktyp", "typ", "subtyp", "organ", "titel")
_OPTIONAL_TEXT = ("subtitel", "datum", "html", "text")


def _text(obj: dict[str, Any], key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise RecordError(f"{where}.{key} is {_kind(value)}, expected text")
    # Numbers are fine where the open data sometimes writes them unquoted (beteckning).
    return str(value)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _object(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RecordError(f"{where} is {_kind(value)}, expected an object")
    return value


def _entries(container: Any, key: str, where: str) -> list[dict[str, Any]]:
    """`container[key]` as a list of objects: the open data writes one entry as an object."""
    entries = _object(container, where).get(key)
    if entries is None:
        return []
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list):
        raise RecordError(f"{where}.{key} is {_kind(entries)}, expected a list")
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise RecordError(f"{where}.{key}[{i}] is {_kind(entry)}, expected an object")
    return entries


def riksdagen_record(data: bytes) -> tuple[str, dict[str, Any]]:
    """Return the document HTML and its official metadata from a dokumentstatus record."""
    try:
        obj = loads_json(data)
    except RecursionError:
        raise RecordError("nested too deeply") from None
    except ValueError as exc:
        raise RecordError(f"not valid JSON ({str(exc).split(':')[0]})") from None
    if not isinstance(obj, dict) or "dokumentstatus" not in obj:
        raise RecordError("no dokumentstatus object")
    status = _object(obj["dokumentstatus"], "dokumentstatus")
    dok = _object(status.get("dokument"), "dokument")
    fields = {key: _text(dok, key, "dokument") for key in _TEXT_FIELDS + _OPTIONAL_TEXT}
    signers = []
    for i, person in enumerate(
        _entries(status.get("dokintressent"), "intressent", "dokintressent")
    ):
        where = f"dokintressent.intressent[{i}]"
        role = _text(person, "roll", where) or ""
        if role.lower() == "undertecknare":
            signers.append(
                {"name": _text(person, "namn", where), "party": _text(person, "partibet", where)}
            )
    proposals = []
    for i, f in enumerate(_entries(status.get("dokforslag"), "forslag", "dokforslag")):
        where = f"dokforslag.forslag[{i}]"
        proposals.append(
            {
                "text": _text(f, "lydelse", where),
                "committee": (_text(f, "utskottet", where) or "").strip() or None,
                "chamber": (_text(f, "kammaren", where) or "").strip() or None,
                "treated_in": _text(f, "behandlas_i", where),
            }
        )
    meta = {
        "dok_id": fields["dok_id"],
        "rm": fields["rm"],
        "beteckning": fields["beteckning"],
        "doktyp": fields["doktyp"] or fields["typ"],
        "subtyp": fields["subtyp"],
        "organ": fields["organ"],
        "titel": fields["titel"],
        "subtitel": fields["subtitel"],
        "datum": (fields["datum"] or "")[:10] or None,
        "signers": signers,
        "proposals": proposals,
        "committee_points": _committee_points(status),
    }
    html = fields["html"] or ""
    if not html and fields["text"]:
        html = "<pre>" + re.sub(r"[<>&]", " ", fields["text"]) + "</pre>"
    return html, meta


def _committee_points(status: dict[str, Any]) -> list[dict[str, Any]]:
    """A committee report's points: the committee's proposal, who prevailed in the chamber
    ("utskottet" or a reservation) and the parties behind the counter-proposals."""
    out = []
    points = _entries(status.get("dokutskottsforslag"), "utskottsforslag", "dokutskottsforslag")
    for i, point in enumerate(points):
        where = f"dokutskottsforslag.utskottsforslag[{i}]"
        parties = _text(point, "motforslag_partier", where) or ""
        out.append(
            {
                "point": _text(point, "punkt", where) or "",
                "heading": _text(point, "rubrik", where) or "",
                "proposal": re.sub(r"<[^>]{0,200}>", " ", _text(point, "forslag", where) or ""),
                "winner": _text(point, "vinnare", where) or "",
                "vote": _text(point, "beslutstyp", where) or "",
                "counter_parties": re.findall(r"[A-ZÅÄÖ]{1,3}", parties),
            }
        )
    return out
