from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from nlp_motioner.cli import main


def test_fit_show_assign_trends(corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    model = tmp_path / "model"
    args = [
        "themes",
        "fit",
        str(corpus / "alingsas"),
        str(corpus / "seeds"),
        "--model",
        str(model),
        "--k",
        "6",
    ]
    res = runner.invoke(main, args)
    assert res.exit_code == 0, res.output
    assert (model / "themes.json").exists() and (model / "themes.npz").exists()

    res = runner.invoke(main, ["themes", "show", "--model", str(model), "--format", "json"])
    assert res.exit_code == 0, res.output
    themes = json.loads(res.output)
    assert len(themes) == 6 and all(t["label"] for t in themes)

    seed = corpus / "seeds" / "003_3d6ff96fe9424de3.txt"
    res = runner.invoke(
        main, ["themes", "assign", str(seed), "--model", str(model), "--format", "jsonl"]
    )
    assert res.exit_code == 0, res.output
    row = json.loads(res.output.splitlines()[0])
    assert row["theme"] in {t["id"] for t in themes}

    png = tmp_path / "trends.png"
    res = runner.invoke(
        main, ["themes", "trends", "--by", "party", "--model", str(model), "--plot", str(png)]
    )
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["themes", "show", "--model", str(tmp_path / "none")])
    assert res.exit_code != 0
    assert "themes fit" in res.output


def test_eval_themes_json(shared_corpus: Path) -> None:
    cases = shared_corpus / "alingsas" / "arenden-dev.json"
    res = CliRunner().invoke(main, ["eval", "themes", str(cases), "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert {"nmi", "ari", "k", "baseline_nmi", "baseline_ari"} <= set(out)
    assert out["nmi"] > out["baseline_nmi"] and out["ari"] > out["baseline_ari"]
    assert out["nmi"] >= 0.28


def test_fit_from_the_database(corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    db = tmp_path / "motioner.db"
    runner.invoke(main, ["index", str(corpus / "alingsas"), str(corpus / "seeds"), "--db", str(db)])
    assert db.exists()
    res = runner.invoke(main, ["themes", "fit", "--db", str(db), "--k", "5"])
    assert res.exit_code == 0, res.output
    folder = tmp_path / "models" / "themes"
    assert (folder / "themes.json").exists()
    meta = json.loads((folder / "themes.json").read_text(encoding="utf-8"))
    ids = [u["id"] for u in meta["units"]]
    # Minutes contribute their § items, other documents themselves.
    assert any("#" in i for i in ids) and any(i.endswith(".txt") for i in ids)
    res = runner.invoke(
        main, ["themes", "trends", "--db", str(db), "--by", "outcome", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)


def test_fit_from_a_case_file(tmp_path: Path) -> None:
    from nlp_motioner.themes import units_from_cases

    cases = [
        {
            "id": f"c{i}",
            "title": title,
            "initiators": [{"name": "A", "party": party}] if party else [],
            "steps": [{"date": f"202{i % 5}-01-15", "decision": "bifall", "quote": quote}],
        }
        for i, (title, quote, party) in enumerate(
            [
                (
                    "Nattvandring i centrum",
                    "Stöd till föreningar som nattvandrar för ökad trygghet.",
                    "S",
                ),
                (
                    "Trygghet i parker",
                    "Belysning och nattvandring ska öka tryggheten för unga.",
                    "M",
                ),
                ("Ny förskola", "Förskola och skola byggs i Sörhaga för fler barn.", None),
                ("Skolskjuts", "Skolskjuts för elever i grundskola och förskoleklass.", None),
                ("Hemtjänst", "Äldreomsorg och hemtjänst utökas för äldre.", "V"),
                ("Särskilt boende", "Äldreomsorg: nytt särskilt boende för äldre.", None),
            ]
        )
    ]
    path = tmp_path / "arenden.json"
    path.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    units = units_from_cases(path)
    assert [u["id"] for u in units] == [f"c{i}" for i in range(6)]
    assert units[0]["parties"] == ["S"] and units[0]["outcome"] == "bifall"
    assert units[0]["text"].startswith("Nattvandring i centrum.")
    result = CliRunner().invoke(
        main, ["themes", "fit", "--cases", str(path), "--k", "3", "--model", str(tmp_path / "m")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m" / "themes.json").exists()
