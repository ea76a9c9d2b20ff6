"""Reading and writing fitted model folders (npz arrays + a JSON description) safely.

A model folder can be damaged (a full disk, an interrupted copy) or crafted (a FIFO or a
device where a file should be, a JSON number where a list should be, NaN in an array, a zip
bomb inside the npz). Everything here refuses such a folder with one `ModelFileError` whose
message names the file and says to delete and refit; nothing is unpickled and nothing is
read from a file that is not a regular file.
"""

from __future__ import annotations

import json
import math
import os
import stat
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "ModelFileError",
    "library_versions",
    "read_json",
    "read_npz",
    "check_fields",
    "check_params",
    "write_model",
]

MAX_JSON_BYTES = 256 * 1024 * 1024
MAX_NPZ_BYTES = 2 * 1024 * 1024 * 1024


def library_versions() -> dict[str, str]:
    """The versions a fitted model depends on, recorded in its JSON file."""
    import platform

    import sklearn

    from nlp_motioner import __version__

    try:
        from importlib.metadata import version

        lookups = version("spacy-lookups-data")
        spacy = version("spacy")
    except Exception:  # pragma: no cover - both are install requirements
        lookups = spacy = "unknown"
    return {
        "nlp_motioner": __version__,
        "spacy": spacy,
        "spacy_lookups_data": lookups,
        "scikit_learn": sklearn.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


class ModelFileError(Exception):
    """A model folder that cannot be used; the message is one line a user can act on."""


def _refuse(path: Path, why: str, advice: str) -> ModelFileError:
    return ModelFileError(f"{path}: {why}; delete it and refit ({advice})")


def _regular(path: Path, limit: int, advice: str) -> int:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise _refuse(path, "missing", advice) from None
    except OSError as exc:
        raise _refuse(path, f"cannot be read ({exc.strerror or exc})", advice) from None
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(path, "not a regular file", advice)
    if st.st_size > limit:
        raise _refuse(path, f"too large ({st.st_size} bytes)", advice)
    return st.st_size


def _read_bytes(path: Path, limit: int, advice: str) -> bytes:
    _regular(path, limit, advice)
    try:
        # O_NONBLOCK: should the path have become a FIFO since the check, opening it
        # must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise _refuse(path, "not a regular file", advice)
            data = fh.read(limit + 1)
    except OSError as exc:
        raise _refuse(path, f"cannot be read ({exc.strerror or exc})", advice) from None
    if len(data) > limit:
        raise _refuse(path, "too large", advice)
    return data


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def read_json(path: str | os.PathLike[str], *, advice: str, limit: int = MAX_JSON_BYTES) -> Any:
    """Parse a JSON file that must be a regular file; NaN and Infinity are refused."""
    path = Path(path)
    data = _read_bytes(path, limit, advice)
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _refuse(path, f"not valid JSON ({_short(exc)})", advice) from None


def read_npz(
    path: str | os.PathLike[str],
    spec: Mapping[str, tuple[str, int]],
    *,
    advice: str,
    limit: int = MAX_NPZ_BYTES,
) -> dict[str, np.ndarray]:
    """Arrays from an npz file, checked against `spec` {name: (kinds, ndim)}.

    `kinds` are numpy dtype kinds ("f" float, "i" signed, "u" unsigned, "b" bool); float
    arrays must be finite. Arrays not in `spec` are ignored; a missing one is an error.
    """
    path = Path(path)
    _regular(path, limit, advice)
    try:
        with zipfile.ZipFile(path) as zf:
            declared = sum(info.file_size for info in zf.infolist())
        if declared > limit:
            raise _refuse(path, f"arrays too large ({declared} bytes unpacked)", advice)
        out: dict[str, np.ndarray] = {}
        with np.load(path, allow_pickle=False) as z:
            for name, (kinds, ndim) in spec.items():
                if name not in z.files:
                    raise _refuse(path, f"array {name!r} missing", advice)
                arr = z[name]
                if arr.dtype.kind not in kinds or arr.ndim != ndim:
                    raise _refuse(
                        path,
                        f"array {name!r} has type {arr.dtype} and {arr.ndim} dimensions",
                        advice,
                    )
                if arr.dtype.kind == "f" and arr.size and not np.isfinite(arr).all():
                    raise _refuse(path, f"array {name!r} holds NaN or infinite values", advice)
                out[name] = arr
        return out
    except ModelFileError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError, RuntimeError) as exc:
        raise _refuse(path, f"not a readable npz file ({_short(exc)})", advice) from None


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:160] or type(exc).__name__


def check_fields(
    meta: Any,
    fields: Mapping[str, type | tuple[type, ...] | Callable[[Any], bool]],
    *,
    path: str | os.PathLike[str],
    advice: str,
) -> dict[str, Any]:
    """`meta` must be an object whose `fields` have the given types (or pass the check)."""
    if not isinstance(meta, dict):
        raise _refuse(Path(path), "not a JSON object", advice)
    for key, want in fields.items():
        if key not in meta:
            raise _refuse(Path(path), f"key {key!r} missing", advice)
        value = meta[key]
        if isinstance(want, (type, tuple)):
            ok = isinstance(value, want) and not (
                isinstance(value, bool) and want in (int, float, (int, float))
            )
        else:
            ok = bool(want(value))
        if not ok or (isinstance(value, float) and not math.isfinite(value)):
            raise _refuse(Path(path), f"key {key!r} has the wrong type or value", advice)
    return meta


def _like(value: Any, default: Any) -> bool:
    """Does a saved parameter value have the kind of the estimator's default?"""
    number = (int, float)
    if isinstance(value, bool) or isinstance(default, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(value, float) and not math.isfinite(value):
        return False
    if default is None:
        return value is None or isinstance(value, (number, str))
    if isinstance(default, number):
        return isinstance(value, number)
    if isinstance(default, str):
        return isinstance(value, (str, int))  # "auto" or a number
    if isinstance(default, (tuple, list)):
        return isinstance(value, list) and all(
            isinstance(v, number) and not isinstance(v, bool) for v in value
        )
    return False


def check_params(
    params: Mapping[str, Any],
    defaults: Mapping[str, Any],
    *,
    path: str | os.PathLike[str],
    advice: str,
) -> dict[str, Any]:
    """The saved parameters that the estimator knows, each checked against its default's kind."""
    out = {}
    for key, default in defaults.items():
        if key not in params:
            continue
        if not _like(params[key], default):
            raise _refuse(Path(path), f"parameter {key!r} has the wrong type", advice)
        value = params[key]
        out[key] = tuple(value) if isinstance(default, tuple) else value
    return out


def write_model(
    folder: str | os.PathLike[str],
    json_name: str,
    meta: Any,
    npz_name: str,
    arrays: Mapping[str, np.ndarray],
) -> Path:
    """Write `arrays` and `meta` beside each other, each through a temporary file.

    On failure (a full disk, a read-only folder) the temporaries are removed and an OSError
    propagates; an older model in the folder stays as it was.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tmp_npz = folder / f".{npz_name}.{os.getpid()}.part.npz"
    tmp_json = folder / f".{json_name}.{os.getpid()}.part"
    try:
        np.savez_compressed(tmp_npz, **arrays)
        tmp_json.write_text(json.dumps(meta, ensure_ascii=False, allow_nan=False), encoding="utf-8")
        os.replace(tmp_npz, folder / npz_name)
        os.replace(tmp_json, folder / json_name)
    except BaseException:
        for tmp in (tmp_npz, tmp_json):
            try:
                tmp.unlink()
            except OSError:
                pass
        raise
    return folder
