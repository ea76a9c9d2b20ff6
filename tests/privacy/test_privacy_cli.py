"""`motioner tag` and `read` mask identity numbers by default; --keep-personal-data keeps them."""

from __future__ import annotations

import json

from click.testing import CliRunner

from nlp_motioner.cli import main
from nlp_motioner.privacy import luhn_ok


def _valid(nine: str) -> str:
    return next(nine + d for d in "0123456789" if luhn_ok(nine + d))


PN = _valid("640823323")
WRITTEN = f"{PN[:6]}-{PN[6:]}"

MOTION = f"""Motion om stöd till {WRITTEN} i Alingsås

Kommunfullmäktige föreslås besluta
att utreda ärendet för sökande {WRITTEN} (KS 2025.319).

Anna Andersson (S)
"""


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_tag_masks_by_default_and_keeps_on_request(tmp_path):
    f = tmp_path / "motion.txt"
    f.write_text(MOTION, encoding="utf-8")
    masked = _run("tag", str(f), "--jobs", "1")
    assert PN[:6] not in masked
    assert "[personnummer]" in json.loads(masked)["title"]
    kept = _run("tag", str(f), "--jobs", "1", "--keep-personal-data")
    assert WRITTEN in json.loads(kept)["title"]


def test_read_text_is_masked(tmp_path):
    f = tmp_path / "motion.txt"
    f.write_text(MOTION, encoding="utf-8")
    out = json.loads(_run("read", str(f), "--format", "jsonl", "--text", "--timeout", "0"))
    assert WRITTEN not in out["text"] and out["text"].count("[personnummer]") == 2
    assert "KS 2025.319" in out["text"]
    kept = json.loads(_run("read", str(f), "--format", "jsonl", "--text", "--keep-personal-data"))
    assert kept["text"].count(WRITTEN) == 2
