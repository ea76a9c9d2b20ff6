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
    # corpus/alingsas holds a scan and an HTML error page: each is named once on stderr,
    # the exit status says so, and the model is written from the other files.
    assert res.exit_code == 1, res.output
    assert (model / "themes.json").exists() and (model / "themes.npz").exists()
    failed = [
        ln for ln in res.output.splitlines() if ln.startswith("motioner: ") and ".pdf: " in ln
    ]
    assert len(failed) == 2 and "Traceback" not in res.output

    res = runner.invoke(main, ["themes", "show", "--model", str(model), "--format", "json"])
    assert res.exit_code == 0, res.output
    themes = json.loads(res.output)
    assert len(themes) == 6 and all(t["label"] for t in themes)
    assert all("cap_topic" in t for t in themes)

    seed = corpus / "seeds" / "003_3d6ff96fe9424de3.txt"
    res = runner.invoke(
        main, ["themes", "assign", str(seed), "--model", str(model), "--format", "jsonl"]
    )
    assert res.exit_code == 0, res.output
    row = json.loads(res.output.splitlines()[0])
    assert row["theme"] in {t["id"] for t in themes}
    assert {"cap_topic", "cap_score", "procedural"} <= set(row)

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
    """Against the CAP labels of the dev cases (issue 14's done-when, measured on dev)."""
    cases = shared_corpus / "alingsas" / "arenden-dev.json"
    res = CliRunner().invoke(main, ["eval", "themes", str(cases), "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    th, cap, seeds = out["themes"], out["cap"], out["seeds"]
    assert th["nmi"] >= 1.3 * th["baseline"]["nmi"] and th["ari"] > th["baseline"]["ari"]
    assert th["nmi"] > th["committee"]["nmi"]
    assert seeds["contradicted"] == 0 and seeds["seeded_themes"] >= 3
    assert cap["weighted_f1"] > cap["baseline"]["weighted_f1"]
    assert cap["weighted_f1_unique"] >= 0.75
    assert cap["procedural"]["precision"] >= 0.9 and cap["procedural"]["recall"] >= 0.9


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


def test_assign_cases_jsonl(tmp_path: Path, corpus: Path) -> None:
    """`themes assign --cases` prints one line per case with its theme and CAP topic."""
    cases = [
        {
            "id": "k1",
            "title": "VA-taxa 2028",
            "steps": [{"instance": "kommunfullmaktige", "quote": "Taxan antas."}],
        },
        {
            "id": "k2",
            "title": "Skolskjutsregler för grundskolan",
            "steps": [{"instance": "utbildningsnamnden", "quote": "Reglerna fastställs."}],
        },
        {"id": "k3", "title": "Övrigt", "steps": []},
    ]
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    model = tmp_path / "model"
    runner = CliRunner()
    runner.invoke(
        main,
        [
            "themes",
            "fit",
            str(corpus / "seeds"),
            str(corpus / "riksdagen"),
            str(corpus / "remisser"),
            "--model",
            str(model),
            "--k",
            "2",
        ],
    )
    res = runner.invoke(
        main, ["themes", "assign", "--cases", str(path), "--model", str(model), "--format", "jsonl"]
    )
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.output.splitlines()]
    assert [r["id"] for r in rows] == ["k1", "k2", "k3"]
    assert all({"theme", "cap_topic", "cap_score"} <= set(r) for r in rows)
    assert rows[0]["cap_topic"] == 7 and rows[1]["cap_topic"] == 6
    assert rows[2]["cap_topic"] is None and rows[2]["cap_score"] is None
    res = runner.invoke(main, ["themes", "assign", "--model", str(model)])
    assert res.exit_code == 2  # neither PATHS nor --cases


def test_trends_tables(corpus: Path, tmp_path: Path) -> None:
    model = tmp_path / "model"
    runner = CliRunner()
    runner.invoke(
        main, ["themes", "fit", str(corpus / "alingsas"), "--model", str(model), "--k", "4"]
    )
    for by in ("party", "committee", "doc_type", "referral_body", "cap_topic", "outcome", "none"):
        for per in ("year", "quarter", "month"):
            res = runner.invoke(
                main,
                ["themes", "trends", "--model", str(model), "--by", by, "--per", per, "-f", "json"],
            )
            assert res.exit_code == 0, (by, per, res.output)
            rows = json.loads(res.output)
            assert rows and {"period", "group", "theme", "count", "units", "share"} <= set(rows[0])
    out = tmp_path / "t.parquet"
    res = runner.invoke(
        main, ["themes", "trends", "--model", str(model), "-f", "parquet", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    import pyarrow.parquet as pq

    table = pq.read_table(out)
    assert str(table.schema.field("count").type) == "int64"
    assert str(table.schema.field("share").type) == "double"
    csv = tmp_path / "t.csv"
    res = runner.invoke(
        main, ["themes", "trends", "--model", str(model), "-f", "csv", "-o", str(csv)]
    )
    assert (
        csv.read_text(encoding="utf-8").splitlines()[0]
        == "period,group,theme,name,count,units,share"
    )


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
