"""Writers for JSONL, CSV and terminal tables; files are written atomically."""

from __future__ import annotations

import contextlib
import csv
import errno
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from typing import IO, Any

import click


@contextlib.contextmanager
def open_output(path: str | None) -> Iterator[IO[str]]:
    """stdout, or a temp file beside `path` renamed into place only when the block completes."""
    if not path:
        yield sys.stdout
        return
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".motioner-", suffix=".part", dir=directory)
    except OSError as exc:
        raise click.FileError(path, hint=exc.strerror or str(exc)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.errno in _WRITE_ERRORS:
            # A full or failing disk: say so in one line; the old file (if any) is untouched.
            raise click.FileError(path, hint=exc.strerror or str(exc)) from None
        raise


_WRITE_ERRORS = {
    errno.ENOSPC,
    errno.EDQUOT,
    errno.EIO,
    errno.EFBIG,
    errno.EROFS,
    errno.EISDIR,
    errno.EACCES,
}


def write_jsonl(fh: IO[str], record: dict[str, Any]) -> None:
    fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def flat_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(
            flat_value(v) if not isinstance(v, dict) else json.dumps(v, ensure_ascii=False)
            for v in value
        )
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class CsvWriter:
    def __init__(self, fh: IO[str], columns: list[str]) -> None:
        self.writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        self.writer.writeheader()

    def write(self, record: dict[str, Any]) -> None:
        self.writer.writerow({k: flat_value(record.get(k)) for k in self.writer.fieldnames})


class TableWriter:
    """A plain aligned table, streamed: widths are fixed up front and long cells are cut."""

    def __init__(self, fh: IO[str], columns: list[tuple[str, int]]) -> None:
        self.fh = fh
        self.columns = columns
        self._row({c: c for c, _ in columns})
        self.fh.write("  ".join("-" * w for _, w in columns) + "\n")

    def _row(self, values: dict[str, str]) -> None:
        cells = []
        for name, width in self.columns:
            text = " ".join(str(values.get(name, "")).split())
            if len(text) > width:
                # A path is told apart by its end (the file name), anything else by its start.
                text = "…" + text[-(width - 1) :] if name == "source" else text[: width - 1] + "…"
            cells.append(text.ljust(width))
        self.fh.write("  ".join(cells).rstrip() + "\n")

    def write(self, record: dict[str, Any]) -> None:
        self._row({name: flat_value(record.get(name)) for name, _ in self.columns})


class ParquetWriter:
    """Streams records into one Parquet file in row groups; nested values are stored as JSON.

    `columns` maps a field to "string", "int" or "strings" (a list of strings); any other
    field of a record (lists of dicts such as sections and items) goes into a JSON string.
    """

    def __init__(
        self, path: str, columns: dict[str, str], json_columns: list[str], batch_size: int = 1000
    ) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = {"string": pa.string(), "int": pa.int64(), "strings": pa.list_(pa.string())}
        fields = [pa.field(name, types[kind]) for name, kind in columns.items()]
        fields += [pa.field(name, pa.string()) for name in json_columns]
        self.schema = pa.schema(fields)
        self.columns = columns
        self.json_columns = json_columns
        self.batch_size = batch_size
        self._rows: list[dict[str, Any]] = []
        self._pa = pa
        self._writer = pq.ParquetWriter(path, self.schema, compression="zstd")

    def write(self, record: dict[str, Any]) -> None:
        row = {name: record.get(name) for name in self.columns}
        for name in self.json_columns:
            row[name] = json.dumps(record.get(name), ensure_ascii=False)
        self._rows.append(row)
        if len(self._rows) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if self._rows:
            self._writer.write_table(self._pa.Table.from_pylist(self._rows, schema=self.schema))
            self._rows = []

    def close(self) -> None:
        self.flush()
        self._writer.close()


@contextlib.contextmanager
def open_parquet(
    path: str, columns: dict[str, str], json_columns: list[str]
) -> Iterator[ParquetWriter]:
    """A ParquetWriter on a temp file beside `path`, renamed into place only when the block completes."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".motioner-", suffix=".parquet.part", dir=directory)
        os.close(fd)
    except OSError as exc:
        raise click.FileError(path, hint=exc.strerror or str(exc)) from None
    try:
        writer = ParquetWriter(tmp, columns, json_columns)
        yield writer
        writer.close()
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
