"""Parquet output with an explicit schema: dates as dates, integers as nullable integers.

A schema inferred from the first rows breaks on the rows after them (a list column empty
for 2,000 rows, then not: "ArrowInvalid: Invalid null value"), and types strings that are
dates as strings. Every table motioner writes therefore declares its columns here.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import IO, Any

# Column kinds: "string", "int", "float", "bool", "date", "timestamp", "strings" (a list of
# strings), and
# "json" (any value, stored as a JSON string: sections, items).
# The outcome and topic columns, in this order, of every table that has them.
_OUTCOME_FIELDS: dict[str, str] = {
    "outcome": "string",
    "outcome_stage": "string",
    "evidence": "string",
    "cap_topic": "int",
    "cap_score": "float",
    "procedural": "bool",
}

TAG_COLUMNS: dict[str, str] = {
    "source": "string",
    "source_base64": "string",
    "file_kind": "string",
    "doc_type": "string",
    "title": "string",
    "date": "date",
    "diarienummer": "strings",
    "organisation": "string",
    "parties": "strings",
    "referral_bodies": "strings",
    "reservations": "strings",
    **_OUTCOME_FIELDS,
    "page_count": "int",
    "profile": "string",
    "error": "string",
    "sections": "json",
    "items": "json",
}

# The tag columns a stored document and a stored § item share, in the database's order.
_TAG_FIELDS: dict[str, str] = {
    "date": "date",
    "organisation": "string",
    "diarienummer": "strings",
    "parties": "strings",
    "referral_bodies": "strings",
    **_OUTCOME_FIELDS,
}

TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "documents": {
        "id": "int",
        "source": "string",
        "sha256": "string",
        "file_kind": "string",
        "page_count": "int",
        "doc_type": "string",
        "title": "string",
        **_TAG_FIELDS,
        "indexed_at": "timestamp",
        "text": "string",
    },
    "items": {
        "id": "int",
        "document_id": "int",
        "source": "string",
        "paragraph": "int",
        "title": "string",
        "page": "int",
        "start": "int",
        "end": "int",
        "doc_type": "string",
        **_TAG_FIELDS,
        "text": "string",
    },
    "sections": {
        "id": "int",
        "document_id": "int",
        "source": "string",
        "item_id": "int",
        "paragraph": "int",
        "heading": "string",
        "role": "string",
        "start": "int",
        "end": "int",
        "page": "int",
        "text": "string",
    },
    "parties": {"document_id": "int", "item_id": "int", "source": "string", "party": "string"},
    "reservations": {
        "document_id": "int",
        "item_id": "int",
        "source": "string",
        "party": "string",
    },
    "referral_bodies": {
        "document_id": "int",
        "item_id": "int",
        "source": "string",
        "body": "string",
    },
    "case_numbers": {
        "document_id": "int",
        "item_id": "int",
        "source": "string",
        "diarienummer": "string",
        "norm": "string",
    },
    "failures": {
        "source": "string",
        "sha256": "string",
        "error": "string",
        "attempted_at": "timestamp",
    },
}


def calendar_date(value: Any) -> _dt.date | None:
    """A YYYY-MM-DD string as a date; None for anything that is not a real calendar date."""
    if isinstance(value, _dt.date):
        return value
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        return None


def valid_date(value: Any) -> str | None:
    """The date string if it names a real calendar day (2026-02-31 does not), else None."""
    day = calendar_date(value)
    return day.isoformat() if day else None


def _timestamp(value: Any) -> _dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        stamp = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=_dt.timezone.utc)


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is no value


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if v is not None]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


_CONVERT = {
    "string": _text,
    "int": _int,
    "float": _float,
    "bool": _bool,
    "date": calendar_date,
    "timestamp": _timestamp,
    "strings": _strings,
    "json": lambda v: json.dumps(v, ensure_ascii=False),
}


def arrow_schema(columns: dict[str, str]) -> Any:
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("s", tz="UTC"),
        "strings": pa.list_(pa.string()),
        "json": pa.string(),
    }
    return pa.schema([pa.field(name, types[kind]) for name, kind in columns.items()])


class ParquetWriter:
    """Streams records into one Parquet file (a path or a binary file object) in row groups."""

    def __init__(self, where: str | IO[bytes], columns: dict[str, str], batch_size: int = 1000):
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.columns = columns
        self.schema = arrow_schema(columns)
        self.batch_size = batch_size
        self._rows: list[dict[str, Any]] = []
        self._pa = pa
        self._writer = pq.ParquetWriter(where, self.schema, compression="zstd")

    def write(self, record: dict[str, Any]) -> None:
        self._rows.append({k: _CONVERT[kind](record.get(k)) for k, kind in self.columns.items()})
        if len(self._rows) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if self._rows:
            self._writer.write_table(self._pa.Table.from_pylist(self._rows, schema=self.schema))
            self._rows = []

    def close(self) -> None:
        """Write what is buffered and the file footer: the file is then complete and valid."""
        if self._writer is None:
            return
        try:
            self.flush()
        finally:
            self._writer.close()
            self._writer = None
