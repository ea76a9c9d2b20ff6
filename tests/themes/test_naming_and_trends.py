"""Issue 14 behaviour of themes on small, constructed inputs: seeds as words, names that hold,
procedural items left out, k from the data, CAP topics per theme, parties along the case,
trends by anything and their plots, personal data, progress, the worker pool."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from nlp_motioner.themes import (
    SeedTheme,
    ThemeClusterer,
    fit_themes,
    inherit_parties,
    load_seeds,
)
from nlp_motioner.themes.model import LemmaText
from nlp_motioner.themes.seeds import seed_matches
from nlp_motioner.themes.trends import period_of, trends

SCHOOL = [
    "Eleverna i grundskolan behöver fler lärare och mer undervisning i klassrummet.",
    "Undervisningen i grundskolan och lärarnas arbetsmiljö i klassrummen.",
    "Lärare och elever i grundskolan: undervisning, läxor och klassrum.",
    "Grundskolans elever får mer undervisning av behöriga lärare.",
    "Klassrummen i grundskolan är för små för eleverna och lärarna.",
    "Rektor och lärare planerar undervisningen för eleverna i grundskolan.",
]
TRAFFIC = [
    "Bussarna i kollektivtrafiken behöver fler turer och bättre hållplatser.",
    "Kollektivtrafiken: bussar, hållplatser och turtäthet på landsbygden.",
    "Fler bussturer och nya hållplatser i kollektivtrafiken.",
    "Hållplatserna för bussarna och kollektivtrafikens turer.",
    "Turtätheten för bussarna i kollektivtrafiken ska öka vid hållplatserna.",
    "Nya busslinjer i kollektivtrafiken med fler hållplatser och turer.",
]


def _units(texts: list[str], **extra) -> list[dict]:
    return [{"id": f"u{i:02d}", "text": t, **extra} for i, t in enumerate(texts)]


def _lemmas(texts: list[str]) -> list[str]:
    return LemmaText().fit_transform(texts)


def test_seed_terms_match_whole_words_and_lemmas() -> None:
    lemmas = _lemmas(
        [
            "Medborgarservice och kontaktcenter.",
            "Lag om stöd och service till vissa funktionshindrade.",
            "Grundskolan får nya lokaler.",
            "Skolorna får nya lokaler.",
            "Våld i nära relationer ska förebyggas.",
            "Nära samarbete mellan relationer.",
        ]
    )
    seeds = [
        SeedTheme("service", ["service"]),
        SeedTheme("skola", ["skola"]),
        SeedTheme("våld", ["våld i nära relationer"]),
    ]
    m = seed_matches(lemmas, seeds)
    assert m[:, 0].tolist() == [False, True, False, False, False, False]  # not medborgarservice
    assert m[:, 1].tolist() == [
        False,
        False,
        False,
        True,
        False,
        False,
    ]  # skolorna, not grundskolan
    assert m[:, 2].tolist() == [
        False,
        False,
        False,
        False,
        True,
        False,
    ]  # the phrase, not its words


def test_a_phrase_left_with_one_word_is_no_seed_word() -> None:
    # "gemensamma lokaler": "gemensam" is a procedural word, and "lokal" alone is any premises
    # (a lease, a school's rooms). An elliptic compound's last word ("vård- och
    # omsorgsboende" -> omsorgsboende) is a whole term of its own and stays.
    lemmas = _lemmas(
        [
            "Uppsägning av hyresavtal för lokal på Storgatan.",
            "Polis och socialtjänst flyttar in i gemensamma lokaler.",
            "Fler platser på vård- och omsorgsboende.",
        ]
    )
    seeds = [
        SeedTheme("samlokalisering", ["gemensamma lokaler", "polis och socialtjänst"]),
        SeedTheme("äldreomsorg", ["vård- och omsorgsboende"]),
    ]
    from nlp_motioner.themes.text import procedural_terms

    m = seed_matches(lemmas, seeds, procedural_terms())  # as theme naming calls it
    assert m[:, 0].tolist() == [False, True, False]
    assert m[:, 1].tolist() == [False, False, True]


def test_a_long_text_that_mentions_a_seed_once_is_not_about_it() -> None:
    long = " ".join(["Kollektivtrafiken behöver fler bussar och hållplatser."] * 40)
    text = long + " Även skolan nämns."
    (hit,) = seed_matches(_lemmas([text]), [SeedTheme("skola", ["skola"])])[:, 0]
    assert not hit


def test_wildcard_seed_terms_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "seeds.toml"
    path.write_text('[[theme]]\nname = "x"\nterms = ["*service*"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="whole words"):
        load_seeds(path)
    assert all("*" not in t for s in load_seeds() for t in s.terms)


def test_a_seed_names_a_theme_only_when_most_of_it_matches() -> None:
    # "rektor" is in one of six school texts; "hållplats" in all six traffic texts.
    seeds = [SeedTheme("rektorer", ["rektor"]), SeedTheme("hållplatser", ["hållplats"])]
    est = ThemeClusterer(k=2, seeds=seeds, seed_weight=0.0).fit(_lemmas(SCHOOL + TRAFFIC))
    names = {t["name"] for t in est.themes_}
    assert "hållplatser" in names and "rektorer" not in names
    school = next(t for t in est.themes_ if t["name"] != "hållplatser")
    assert not school["seeded"] and school["label"]


def test_a_seed_is_not_used_against_the_cap_topic() -> None:
    texts = SCHOOL + TRAFFIC
    P = np.array([[0.9, 0.1]] * 6 + [[0.1, 0.9]] * 6)  # columns: CAP 6, CAP 10
    wrong = [SeedTheme("hållplatser", ["hållplats"], cap=[6])]
    right = [SeedTheme("hållplatser", ["hållplats"], cap=[10])]
    for seeds, named in ((wrong, False), (right, True)):
        est = ThemeClusterer(k=2, seeds=seeds, seed_weight=0.0)
        est.fit(_lemmas(texts), cap=P, cap_classes=[6, 10])
        assert any(t["seeded"] for t in est.themes_) is named
        assert sorted(t["cap_topic"] for t in est.themes_) == [6, 10]


def test_procedural_units_are_left_out_unless_asked() -> None:
    units = _units(SCHOOL + TRAFFIC)
    units += [
        {"id": "p1", "text": "Redovisning av delegationsbeslut.", "procedural": True},
        {"id": "p2", "text": "Sammanträdesdagar 2027.", "procedural": True},
    ]
    kept = set(fit_themes(units, k=2, seeds=[], cap_model=None).assignments()["id"])
    assert "p1" not in kept and "p2" not in kept and len(kept) == 12
    everything = fit_themes(units, k=2, seeds=[], cap_model=None, include_procedural=True)
    assert {"p1", "p2"} <= set(everything.assignments()["id"])


def test_labels_read_as_written_and_name_no_body() -> None:
    places = (
        "matsalen",
        "korridoren",
        "idrottshallen",
        "skolgården",
        "omklädningsrummet",
        "biblioteket",
    )
    texts = [
        f"Kränkande behandling i {p}. Barn- och ungdomsnämnden beslutar om åtgärder."
        for p in places
    ] + TRAFFIC
    model = fit_themes(_units(texts), k=2, seeds=[], cap_model=None)
    terms = [term for t in model.theme_list for term in t["terms"]]
    assert "kränkande behandling" in terms  # not the lemmas "kränka behandling"
    assert not [t for t in terms if any(p in t for p in ("nämnd", "styrelse", "fullmäktige"))]


def _topic_docs(n_topics: int, per_topic: int, seed: int = 0) -> list[str]:
    words = [
        "skolan elever lärare undervisning klassrum rektorn läroplan betyg",
        "bussar kollektivtrafiken hållplatser turer cykelvägar parkering trafiken",
        "hemtjänsten äldreboende omsorg demens brukare anhöriga sjuksköterska",
        "detaljplanen bostäder hyresrätter lägenheter tomter byggande",
        "biblioteket idrotten föreningar simhallen konsten musikskolan",
        "avfall återvinning klimatet utsläppen solceller naturvård",
    ]
    rng = np.random.default_rng(seed)
    docs = []
    for t in range(n_topics):
        vocab = words[t].split()
        for _ in range(per_topic):
            docs.append(" ".join(rng.choice(vocab, 12)).capitalize() + ".")
    return docs


def test_k_is_chosen_by_stability_not_by_a_cap() -> None:
    est = ThemeClusterer(k="auto", seeds=[], k_range=(2, 16), k_step=1).fit(
        _lemmas(_topic_docs(5, 20))
    )
    assert 4 <= est.k_ <= 6, est.k_scores_
    assert set(est.k_scores_) == set(range(2, 17))
    assert est.k_scores_[16] < est.k_scores_[est.k_]


def test_each_theme_gets_its_dominant_cap_topic() -> None:
    texts = SCHOOL + TRAFFIC
    units = _units(texts)
    for u, p in zip(units, [[0.8, 0.1, 0.1]] * 5 + [[0.1, 0.1, 0.8]] + [[0.1, 0.8, 0.1]] * 6):
        u["cap_proba"] = p
    model = fit_themes(units, k=2, seeds=[], cap_classes=[6, 10, 13])
    themes = model.themes()
    assert sorted(themes["cap_topic"]) == [6, 10]
    school = themes[themes["cap_topic"] == 6].iloc[0]
    assert school["cap_share"] == pytest.approx(5 / 6, abs=0.01)


def test_replies_and_items_inherit_the_motions_party() -> None:
    units = [
        {"id": "motion", "parties": ["V"], "diarienummer": ["2025.446 KS"]},
        {"id": "reply", "parties": [], "diarienummer": ["KS 2025.446"]},
        {"id": "item", "parties": [], "diarienummer": ["Dnr KS 2025/0446"]},
        {"id": "other", "parties": [], "diarienummer": ["KS 2025.447"]},
        {"id": "two-a", "parties": ["M"], "diarienummer": ["BUN 2024.12"]},
        {"id": "two-b", "parties": ["S"], "diarienummer": ["BUN 2024.12"]},
        {"id": "unclear", "parties": [], "diarienummer": ["BUN 2024.12"]},
    ]
    by_id = {u["id"]: u for u in inherit_parties(units)}
    assert by_id["reply"]["parties"] == ["V"] and by_id["reply"]["party_source"] == "case"
    assert by_id["item"]["parties"] == ["V"]
    assert by_id["motion"]["party_source"] == "own"
    assert by_id["other"]["parties"] == []
    assert by_id["unclear"]["parties"] == []  # the case's motions disagree: no guess


def _assignments() -> object:
    import pandas as pd

    rows = [
        ("2024-02-10", ["S"], "a", "A"),
        ("2024-05-01", ["S", "M"], "b", "B"),
        ("2024-11-30", ["M"], "a", "A"),
        ("2026-01-15", ["S"], "a", "A"),
        (None, ["S"], "b", "B"),
    ]
    return pd.DataFrame(
        [
            {
                "date": d,
                "parties": p,
                "theme": t,
                "theme_name": n,
                "secondary": [],
                "committee": "x",
            }
            for d, p, t, n in rows
        ]
    )


def test_trends_counts_shares_and_periods() -> None:
    df = trends(_assignments(), "party", "year")
    dated = df[df["period"].notna()]
    for _, g in dated.groupby(["period", "group"]):
        assert g["share"].sum() == pytest.approx(1.0)
    s2024 = dated[(dated["period"] == "2024") & (dated["group"] == "S")]
    assert dict(zip(s2024["theme"], s2024["count"])) == {"a": 1, "b": 1}
    assert df["period"].isna().sum() == 1  # the undated unit is kept, without a period
    quarters = trends(_assignments(), "party", "quarter")
    assert {"2024-Q1", "2024-Q2", "2024-Q4", "2026-Q1"} <= set(quarters["period"].dropna())
    assert period_of("2024-11-30", "month") == "2024-11" and period_of("2024", "month") is None
    assert set(trends(_assignments(), "none", "year")["group"]) == {"(alla)"}
    with pytest.raises(ValueError):
        trends(_assignments(), "party", "week")


def test_plot_panels_share_a_scale_and_keep_gaps(tmp_path: Path) -> None:
    import pandas as pd

    from nlp_motioner.themes.plot import plot_trends

    df = trends(_assignments(), "party", "year")
    extra = pd.DataFrame(
        [
            {
                "period": "2025",
                "group": "M",
                "theme": "c",
                "name": "C",
                "count": 9,
                "units": 9,
                "share": 1.0,
            }
        ]
    )
    fig = plot_trends(pd.concat([df, extra]), tmp_path / "p.png", by="party", top=2)
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.lines]
    assert len(axes) == 2
    assert axes[0].get_ylim() == axes[1].get_ylim()  # one y scale for the figure
    ticks = axes[0].get_yticks()
    assert np.allclose(ticks, np.round(ticks))  # whole numbers for counts
    by_title = {ax.get_title(): ax for ax in axes}
    s = by_title["party: S"]
    # S has no units in 2025: a gap in its lines, not a zero.
    years = ["2024", "2025", "2026"]
    assert all(np.isnan(line.get_ydata()[years.index("2025")]) for line in s.lines)
    # each panel its own legend, naming its own top themes
    assert {t.get_text() for t in s.get_legend().get_texts()} == {"A", "B"}
    m = by_title["party: M"]
    assert "C" in {t.get_text() for t in m.get_legend().get_texts()}
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_personnummer_in_a_saved_model(tmp_path: Path) -> None:
    pnr = "811218-9876"
    texts = [f"{t} Sökande {pnr} har överklagat." for t in SCHOOL] + TRAFFIC
    units = _units(texts)
    for u in units:
        u["title"] = f"Överklagande från {pnr}"
    from nlp_motioner.themes.units import _unit

    units = [_unit(**u) for u in units]
    fit_themes(units, k=2, seeds=[], cap_model=None).save(tmp_path)
    raw = (tmp_path / "themes.json").read_bytes()
    with zipfile.ZipFile(tmp_path / "themes.npz") as zf:
        raw += b"".join(zf.read(n) for n in zf.namelist())
    for form in (pnr, pnr.replace("-", ""), "8112189876"):
        assert form.encode() not in raw
    assert "[personnummer]" in (tmp_path / "themes.json").read_text(encoding="utf-8")


def test_fitting_reports_progress() -> None:
    calls: list[tuple[int, int | None]] = []
    fit_themes(
        _units(_topic_docs(3, 10)),
        k="auto",
        seeds=[],
        cap_model=None,
        k_range=(2, 6),
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls and calls[-1][0] == calls[-1][1]
    assert all(total is None or 0 < done <= total for done, total in calls)


def test_files_go_through_the_worker_pool(corpus: Path, monkeypatch) -> None:
    import nlp_motioner.batch as batch
    from nlp_motioner.themes import units_from_paths

    seen = {}
    real = batch.run

    def spy(paths, **kwargs):
        seen.update(kwargs)
        return real(paths, **kwargs)

    monkeypatch.setattr(batch, "run", spy)
    errors: list[tuple[str, str]] = []
    units = units_from_paths(
        [corpus / "seeds", corpus / "alingsas" / "socialnamnden"],
        on_error=lambda s, e: errors.append((s, e)),
    )
    assert seen["timeout"] and seen["timeout"] > 0  # a per-file limit, hence worker processes
    assert len(units) == 4 and len(errors) == 1 and "protokoll.pdf" in errors[0][0]
    assert json.dumps(units, ensure_ascii=False)  # plain data crossed the process boundary
