"""Label files: JSONL lines that name a file (relative to a root) and give its true tags."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["load_labels", "source_of"]


def load_labels(
    paths: Iterable[str | os.PathLike[str]],
    root: str | os.PathLike[str] | None = None,
    *,
    skipped: list[str] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(document labels, item labels); each label gets `_path`, the file it names.

    A file whose first line names no file (case-level labels such as CAP codes, keyed by
    `id`) is not document or item labels: it is left out and its path added to `skipped`.
    """
    docs: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for path in paths:
        path = Path(path)
        base = Path(root) if root is not None else path.resolve().parent.parent
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    label = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from exc
                if not isinstance(label, dict):
                    raise ValueError(f"{path}:{n}: not a JSON object")
                if "name" not in label and n == 1 and skipped is not None:
                    skipped.append(str(path))
                    break
                if "name" not in label:
                    raise ValueError(f"{path}:{n}: no 'name' field")
                label["_path"] = str(base / label["name"])
                label["_labels"] = str(path)
                (items if "paragraph" in label else docs).append(label)
    return docs, items


def source_of(name: str) -> str:
    """The source a label belongs to: the top folder of its name ("alingsas", "kungsbacka")."""
    parts = str(name).replace("\\", "/").split("/")
    return parts[0] if len(parts) > 1 else "(root)"
