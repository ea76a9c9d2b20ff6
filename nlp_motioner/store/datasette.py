"""The Datasette metadata for a corpus database: facets, full-text search, hidden internals."""

from __future__ import annotations

import json
import os
from importlib import resources
from typing import Any


def metadata(db_path: str) -> dict[str, Any]:
    """Datasette metadata for the database at `db_path` (its name is the file's stem)."""
    ref = resources.files("nlp_motioner").joinpath("store/datasette.json")
    template = json.loads(ref.read_text(encoding="utf-8"))
    name = os.path.splitext(os.path.basename(db_path))[0]
    tables = template.pop("tables")
    template["databases"] = {name: {"tables": tables}}
    return template


def write_metadata(db_path: str, out_path: str | None = None) -> str:
    """Write the metadata as JSON beside the database (``DB.datasette.json``); returns its path."""
    out_path = out_path or db_path + ".datasette.json"
    tmp = out_path + ".part"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(metadata(db_path), fh, ensure_ascii=False, indent=2)
    os.replace(tmp, out_path)
    return out_path
