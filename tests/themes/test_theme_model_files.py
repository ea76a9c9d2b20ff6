"""Crafted and damaged model folders (issue 12, point 7): one error line that says to delete
and refit, never a traceback, never a NaN score."""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from nlp_motioner.cli import main
from nlp_motioner.modelfile import ModelFileError
from nlp_motioner.themes import ThemeModel, fit_themes
from nlp_motioner.topics import CapClassifier
from nlp_motioner.topics.annotate import default_model_dir

TEXTS = [
    "Skolan och förskolan behöver fler lärare och elever får bättre undervisning.",
    "Eleverna i grundskolan och lärarna i skolan vill ha mer undervisning.",
    "Kollektivtrafiken och bussarna behöver fler turer, trafiken på vägarna ökar.",
    "Fler busslinjer i kollektivtrafiken och säkrare vägar för trafiken.",
    "Bostäder och hyresrätter byggs enligt detaljplanen för området.",
    "Detaljplanen ger fler bostäder och lägenheter i centrum.",
]


@pytest.fixture(scope="module")
def good_theme_model(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("good")
    units = [{"id": f"u{i}", "text": t} for i, t in enumerate(TEXTS * 2)]
    fit_themes(units, k=3, seeds=[]).save(folder)
    return folder


def _edit_json(name: str, change: Callable[[dict], object]) -> Callable[[Path], None]:
    def craft(folder: Path) -> None:
        path = folder / name
        meta = json.loads(path.read_text(encoding="utf-8"))
        out = change(meta)
        path.write_text(json.dumps(meta if out is None else out), encoding="utf-8")

    return craft


def _edit_npz(name: str, change: Callable[[dict], None]) -> Callable[[Path], None]:
    def craft(folder: Path) -> None:
        path = folder / name
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        change(arrays)
        with open(path, "wb") as fh:
            np.savez(fh, **arrays)

    return craft


def _replace(name: str, make: Callable[[Path], None]) -> Callable[[Path], None]:
    def craft(folder: Path) -> None:
        path = folder / name
        path.unlink()
        make(path)

    return craft


def _pickled(name: str, key: str) -> Callable[[Path], None]:
    def craft(folder: Path) -> None:
        path = folder / name
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        arrays[key] = np.array([{"x": 1}], dtype=object)
        with open(path, "wb") as fh:
            np.savez(fh, **arrays)

    return craft


def _bomb(name: str) -> Callable[[Path], None]:
    def craft(folder: Path) -> None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("idf.npy", b"\0" * (3 * 1024**3 // 1000))  # declared size small: fine
            info = zipfile.ZipInfo("components.npy")
            zf.writestr(info, b"x")
        (folder / name).write_bytes(buf.getvalue())

    return craft


def _cases(json_name: str, npz_name: str, float_key: str, list_key: str) -> dict[str, Callable]:
    return {
        "truncated json": lambda f: (f / json_name).write_text('{"format": 1, "cla', "utf-8"),
        "empty json": lambda f: (f / json_name).write_bytes(b""),
        "json is a list": _edit_json(json_name, lambda m: [m]),
        "json NaN": lambda f: (f / json_name).write_text(
            (f / json_name).read_text("utf-8").replace("{", '{"nan": NaN, ', 1), "utf-8"
        ),
        "not utf-8": lambda f: (f / json_name).write_bytes(b"\xff\xfe{}"),
        f"{list_key} missing": _edit_json(json_name, lambda m: m.pop(list_key)),
        f"{list_key} a number": _edit_json(json_name, lambda m: m.__setitem__(list_key, 7)),
        f"{list_key} of numbers": _edit_json(json_name, lambda m: m.__setitem__(list_key, [1, 2])),
        "deep nesting": lambda f: (f / json_name).write_text("[" * 100000 + "]" * 100000, "utf-8"),
        "npz not a zip": lambda f: (f / npz_name).write_bytes(b"PK\x03\x04 not really"),
        "npz empty": lambda f: (f / npz_name).write_bytes(b""),
        f"{float_key} NaN": _edit_npz(npz_name, lambda a: a[float_key].fill(np.nan)),
        f"{float_key} infinite": _edit_npz(npz_name, lambda a: a[float_key].fill(np.inf)),
        f"{float_key} wrong shape": _edit_npz(
            npz_name, lambda a: a.__setitem__(float_key, a[float_key].ravel()[:3])
        ),
        f"{float_key} as text": _edit_npz(
            npz_name, lambda a: a.__setitem__(float_key, a[float_key].astype(str))
        ),
        f"{float_key} missing": _edit_npz(npz_name, lambda a: a.pop(float_key)),
        f"{float_key} pickled": _pickled(npz_name, float_key),
        "npz is a FIFO": _replace(npz_name, lambda p: os.mkfifo(p)),
        "json is a FIFO": _replace(json_name, lambda p: os.mkfifo(p)),
        "npz is /dev/zero": _replace(npz_name, lambda p: p.symlink_to("/dev/zero")),
        "json is /dev/zero": _replace(json_name, lambda p: p.symlink_to("/dev/zero")),
        "json is a directory": _replace(json_name, lambda p: p.mkdir()),
        "npz is a dangling link": _replace(npz_name, lambda p: p.symlink_to(p.parent / "gone")),
    }


THEME_CASES = _cases("themes.json", "themes.npz", "centroids", "terms")
THEME_CASES.update(
    {
        "k a string": _edit_json("themes.json", lambda m: m.__setitem__("k", "3")),
        "k too large": _edit_json("themes.json", lambda m: m.__setitem__("k", 99)),
        "theme without id": _edit_json("themes.json", lambda m: m["themes"][0].pop("id")),
        "unit theme index out of range": _edit_json(
            "themes.json", lambda m: m["units"][0].__setitem__("main_index", 99)
        ),
        "params not an object": _edit_json("themes.json", lambda m: m.__setitem__("params", [])),
        "unknown param": _edit_json(
            "themes.json", lambda m: m["params"].__setitem__("n_init", "x")
        ),
        "scores NaN": _edit_npz("themes.npz", lambda a: a["scores"].fill(np.nan)),
    }
)


@pytest.mark.parametrize("case", sorted(THEME_CASES))
def test_crafted_theme_model(case: str, good_theme_model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(good_theme_model, folder)
    THEME_CASES[case](folder)
    for cmd in (["themes", "show"], ["themes", "trends"]):
        res = CliRunner().invoke(main, [*cmd, "--model", str(folder)])
        assert res.exit_code == 1, (case, res.output)
        assert (
            "Traceback" not in res.output
            and res.exception is None
            or isinstance(res.exception, SystemExit)
        )
        lines = [ln for ln in res.output.splitlines() if ln.strip()]
        assert len(lines) == 1, res.output
        assert "refit" in lines[0].lower(), lines[0]
    res = CliRunner().invoke(
        main,
        ["themes", "assign", "--model", str(folder), "--format", "jsonl", str(Path(__file__))],
    )
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert not [ln for ln in res.output.splitlines() if ln.startswith("{")]  # no scores at all


@pytest.fixture(scope="module")
def good_cap_model(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cap")
    shutil.copytree(default_model_dir(), folder, dirs_exist_ok=True)
    return folder


CAP_CASES = _cases("cap.json", "cap.npz", "coef", "vocabulary")
CAP_CASES.update(
    {
        "threshold out of range": _edit_json("cap.json", lambda m: m.__setitem__("threshold", 7)),
        "temperature zero": _edit_json("cap.json", lambda m: m.__setitem__("temperature", 0)),
        "classes of text": _edit_json("cap.json", lambda m: m.__setitem__("classes", ["a", "b"])),
        "format from the future": _edit_json("cap.json", lambda m: m.__setitem__("format", 99)),
        "lexicon a string": _edit_json("cap.json", lambda m: m.__setitem__("lexicon", "x")),
        "params unknown type": _edit_json("cap.json", lambda m: m["params"].__setitem__("C", "x")),
    }
)


@pytest.mark.parametrize("case", sorted(CAP_CASES))
def test_crafted_cap_model(case: str, good_cap_model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cap"
    shutil.copytree(good_cap_model, folder)
    CAP_CASES[case](folder)
    with pytest.raises(ModelFileError) as info:
        model = CapClassifier.load(folder)
        # A bad parameter value shows when the model is used: it must not pass silently.
        model.predict_proba([{"title": "VA-taxa", "decision": "", "body": "", "committee": []}])
    msg = str(info.value)
    assert "\n" not in msg and "delete" in msg and "refit" in msg


def test_good_models_load(good_theme_model: Path, good_cap_model: Path) -> None:
    assert ThemeModel.load(good_theme_model).clusterer.k_ == 3
    assert len(CapClassifier.load(good_cap_model).classes_) >= 10


def test_a_full_disk_is_one_line_and_keeps_the_old_model(
    good_theme_model: Path, tmp_path: Path, corpus: Path, monkeypatch
) -> None:
    import errno

    folder = tmp_path / "model"
    shutil.copytree(good_theme_model, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np, "savez_compressed", full)
    res = CliRunner().invoke(
        main, ["themes", "fit", str(corpus / "seeds"), "--model", str(folder), "--k", "2"]
    )
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "No space left on device" in res.output.splitlines()[-1]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # no .part files left
