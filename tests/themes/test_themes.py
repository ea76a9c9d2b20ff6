from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from nlp_motioner import nlp
from nlp_motioner.themes import (
    IncompatibleModelError,
    LemmaText,
    ThemeClusterer,
    ThemeModel,
    fit_themes,
    load_seeds,
    make_theme_pipeline,
    units_from_cases,
)
from nlp_motioner.themes.api import MATCH_MIN, _signature_cosine
from nlp_motioner.themes.model import procedural_terms

NATTVANDRING = "motion-gallande-stod-till-foreningar-som-nattvandrar-"
SAFETY = ("trygg", "brott", "polis", "samlokalis", "samverkan", "medborgarkontor", "våld")


def _unit(model: ThemeModel, key: str) -> dict:
    rows = model.assignments()
    hit = rows[rows["id"].str.contains(key, regex=False) & rows["paragraph"].isna()]
    assert len(hit), key
    return hit.iloc[0].to_dict()


def _themes_of(row: dict) -> set[str]:
    return {row["theme"]} | {s["theme"] for s in row["secondary"]}


def _about_safety(model: ThemeModel, theme_id: str) -> bool:
    """Judged on the words the theme learnt from its units, not on its name: a seeded
    theme's name is copied from the seed file and would say "trygghet" whatever the units."""
    t = next(t for t in model.theme_list if t["id"] == theme_id)
    words = " ".join(t["terms"][:10])
    return any(w in words for w in SAFETY)


def _check_done_when(model: ThemeModel) -> None:
    g1, g3 = _unit(model, "seeds/001_"), _unit(model, "seeds/003_")
    shared = _themes_of(g1) & _themes_of(g3)
    assert any(_about_safety(model, t) for t in shared), (g1, g3)
    lekeberg, natt = _unit(model, "seeds/004_"), _unit(model, NATTVANDRING)
    shared = _themes_of(lekeberg) & _themes_of(natt)
    assert any(_about_safety(model, t) for t in shared), (lekeberg, natt)


def _check_labels(model: ThemeModel) -> None:
    stops, proc = nlp.stop_words(), procedural_terms()
    for t in model.theme_list:
        assert t["label"], t
        for term in t["terms"][:5]:
            for word in term.split():
                assert word not in stops and word not in proc, (t["label"], word)
                assert any(ch.isalpha() for ch in word) and not any(ch.isdigit() for ch in word)
                assert word not in {"sida", "justerandes", "utdragsbestyrkande", "sign"}


def test_done_when_on_bundled_corpus(bundled_model: ThemeModel) -> None:
    _check_done_when(bundled_model)
    _check_labels(bundled_model)


def test_done_when_on_dev_corpus(dev_model: ThemeModel) -> None:
    _check_done_when(dev_model)
    _check_labels(dev_model)
    assert sum(t["seeded"] for t in dev_model.theme_list) >= 3


def test_a_seeded_theme_is_identified_by_its_name(bundled_model: ThemeModel) -> None:
    seeded = [t for t in bundled_model.theme_list if t["seeded"]]
    assert seeded
    assert all(
        t["id"] == t["name"].translate(str.maketrans("åäö", "aao")).replace(" ", "-")
        for t in seeded
    )


@pytest.mark.corpus
def test_seeded_themes_agree_with_the_cap_labels_of_their_cases(shared_corpus: Path) -> None:
    """A seed names a theme of the dev cases only when most of the theme's cases carry, in
    the hand labels (labels/dev-cap.jsonl, written without the themes), a CAP major topic
    the seed belongs to. The names come from the seed file; whether they fit the cases is
    checked against the labels."""
    labels = {}
    with open(shared_corpus / "labels" / "dev-cap.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            labels[row["id"]] = row["cap_major"]
    model = fit_themes(units_from_cases(shared_corpus / "alingsas" / "arenden-dev.json"))
    seeds = {s.name: s for s in load_seeds()}
    df = model.assignments()
    seeded = [t for t in model.theme_list if t["seeded"]]
    assert len(seeded) >= 3
    for t in seeded:
        caps = [labels[i] for i in df.loc[df["theme"] == t["id"], "id"] if i in labels]
        assert caps, t["name"]
        agree = sum(c in seeds[t["name"]].cap for c in caps)
        assert agree > len(caps) / 2, (t["name"], caps)


def test_every_unit_has_one_main_theme_and_scored_secondaries(bundled_model: ThemeModel) -> None:
    df = bundled_model.assignments()
    ids = {t["id"] for t in bundled_model.theme_list}
    assert set(df["theme"]) <= ids
    for row in df.itertuples(index=False):
        assert row.theme not in {s["theme"] for s in row.secondary}
        assert all(0 < s["score"] <= 1 for s in row.secondary)
    assert (df["secondary"].map(len) > 0).any()


def test_minutes_become_paragraph_units(bundled_units) -> None:
    paragraphs = [u for u in bundled_units if u["paragraph"] is not None]
    assert paragraphs and all("#" in u["id"] for u in paragraphs)


def test_estimators_follow_sklearn_conventions() -> None:
    est = ThemeClusterer(k=3, seeds=[])
    assert clone(est).get_params() == est.get_params()
    assert not [a for a in vars(est) if a.endswith("_")]
    pipe = make_theme_pipeline(k=2, seeds=[])
    assert isinstance(pipe, Pipeline) and isinstance(pipe.steps[0][1], LemmaText)
    texts = [
        "Skolan och förskolan behöver fler lärare och elever får bättre undervisning.",
        "Eleverna i grundskolan och lärarna i skolan vill ha mer undervisning.",
        "Kollektivtrafiken och bussarna behöver fler turer, trafiken på vägarna ökar.",
        "Fler busslinjer i kollektivtrafiken och säkrare vägar för trafiken.",
    ] * 3
    labels = pipe.fit(texts).named_steps["themes"].labels_
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[0] != labels[2]
    assert list(pipe.predict(texts[:4])) == list(labels[:4])


def test_fit_is_reproducible(bundled_units) -> None:
    a = fit_themes(bundled_units, k=4)
    b = fit_themes(bundled_units, k=4)
    assert list(a.assignments()["theme"]) == list(b.assignments()["theme"])


def test_save_load_assign_without_refit(
    bundled_model: ThemeModel, tmp_path: Path, corpus: Path
) -> None:
    bundled_model.save(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {"themes.json", "themes.npz"}
    with np.load(tmp_path / "themes.npz", allow_pickle=False) as z:
        assert all(z[k].dtype != object for k in z.files)
    loaded = ThemeModel.load(tmp_path)
    assert loaded.corpus_hash == bundled_model.corpus_hash
    text = (corpus / "seeds" / "001_57ee7757e7276fbf.txt").read_text(encoding="utf-8")
    assert loaded.assign([text]) == bundled_model.assign([text])
    assert loaded.themes()["id"].tolist() == bundled_model.themes()["id"].tolist()


def test_loading_refuses_an_incompatible_model(bundled_model: ThemeModel, tmp_path: Path) -> None:
    bundled_model.save(tmp_path)
    meta = json.loads((tmp_path / "themes.json").read_text(encoding="utf-8"))
    meta["versions"]["format"] = "999"
    (tmp_path / "themes.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(IncompatibleModelError, match="Refit"):
        ThemeModel.load(tmp_path)


def test_ids_are_stable_across_refits(bundled_units) -> None:
    first = fit_themes(bundled_units, k=6, seeds=[])
    # New documents arrive: a refit on more units keeps the IDs of matching themes.
    extra = [
        {"id": f"new-{i}", "text": t}
        for i, t in enumerate(
            ["Motion om fler laddstationer för elcyklar.", "Budget och underskott i nämnden."]
        )
    ]
    second = fit_themes(list(reversed(bundled_units)) + extra, k=6, seeds=[], previous=first)
    before = dict(zip(first.assignments()["id"], first.assignments()["theme"]))
    after = dict(zip(second.assignments()["id"], second.assignments()["theme"]))
    members_before: dict[str, set[str]] = {}
    members_after: dict[str, set[str]] = {}
    for u, t in before.items():
        members_before.setdefault(t, set()).add(u)
        members_after.setdefault(after[u], set()).add(u)
    # Themes that hold mostly the same units keep their ID.
    pairs = 0
    for ta, ma in members_after.items():
        for tb, mb in members_before.items():
            if len(ma & mb) / len(ma | mb) >= 0.6:
                pairs += 1
                assert ta == tb, (ta, tb, len(ma & mb))
    assert pairs >= 2
    old = {t["id"]: t["signature"] for t in first.theme_list}
    for t in second.theme_list:
        if t["id"] in old:
            assert _signature_cosine(t["signature"], old[t["id"]]) >= MATCH_MIN
    assert len(second.ids) == len(set(second.ids))


def test_trends_by_party(bundled_model: ThemeModel) -> None:
    df = bundled_model.trends("party")
    assert list(df.columns) == ["period", "group", "theme", "name", "count", "units", "share"]
    assert df["count"].sum() >= len(bundled_model.assignments())
    with pytest.raises(ValueError):
        bundled_model.trends("colour")


def test_custom_seeds_file(bundled_units, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(
        '[[theme]]\nname = "laddning"\nterms = ["laddstation", "laddstationer", "elcykel", "cykel", "cyklist"]\n',
        encoding="utf-8",
    )
    model = fit_themes(bundled_units, k=8, seeds=str(seeds))
    names = {t["name"] for t in model.theme_list if t["seeded"]}
    assert names == {"laddning"}
