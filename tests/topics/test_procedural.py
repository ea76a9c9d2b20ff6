"""The procedural flag on the Swedish forms themselves (CAP codebook rule 35), and against
the `procedural` labels of the dev cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp_motioner.topics import is_procedural, procedural_kind
from nlp_motioner.topics.procedural import title_core


@pytest.mark.parametrize(
    "title, decision, kind",
    [
        # Reports of delegated decisions, as different bodies write them
        ("Redovisning av delegationsbeslut 2024", "Redovisningen godkänns.", "delegation"),
        ("Delegerade beslut 2026", "Nämnden tar del av redovisningen.", "delegation"),
        ("Anmälan av delegeringsbeslut april 2025", "", "delegation"),
        ("Socialnämndens delegationsbeslut per mars", "", "delegation"),
        ("Återrapportering av delegationsbeslut till miljönämnden", "", "delegation"),
        # Messages and notices
        ("Meddelanden 2025", "Meddelandena läggs till handlingarna.", "messages"),
        ("Anmälningar för kännedom", "Informationen noteras.", "messages"),
        ("Delgivningar", "", "messages"),
        # Meeting dates and plans, with the body's name in any form
        ("Sammanträdesdagar 2027 för byggnadsnämnden", "", "meetings"),
        ("Sammanträdestider för Kultur- och fritidsnämnden 2026", "", "meetings"),
        ("Ändring av sammanträdesdatum", "", "meetings"),
        ("Utbildningsnämndens årsplanering 2026", "", "meetings"),
        # Elections, appointments, resignations
        ("Val av ersättare i kommunstyrelsens arbetsutskott", "", "appointment"),
        ("Fyllnadsval efter Anna Svensson (S)", "", "appointment"),
        ("Entledigande av dataskyddsombud", "", "appointment"),
        ("Avsägelse av uppdrag som ledamot i valnämnden", "", "appointment"),
        ("Utse firmatecknare för kommunen", "", "appointment"),
        (
            "Personalfrågor",
            "Socialnämnden utser Karin Berg till verksamhetschef enligt HSL.",
            "appointment",
        ),
        # Lists
        ("Redovisning av obesvarade motioner 2026", "", "lists"),
        ("Anmälda initiativärenden", "", "lists"),
        ("Attestlista 2027", "", "lists"),
        ("Uppföljning av uppdrag från nämnd till förvaltning 2026", "", "lists"),
        # Oral information only
        (
            "Beslut om avstängning av elev",
            "Förvaltningen lämnar muntlig information i ärendet.",
            "information",
        ),
        ("Lägesbild", "Muntlig information ges i ärendet.", "information"),
    ],
)
def test_procedural_forms(title: str, decision: str, kind: str) -> None:
    assert procedural_kind(title, decision) == kind


@pytest.mark.parametrize(
    "title, decision",
    [
        # Rules of government have policy content of their own (codebook rule 6)
        ("Revidering av delegationsordning för socialnämnden", "Delegationsordningen antas."),
        ("Reglemente för kommunstyrelsen", ""),
        ("Valdistrikt inför valen 2026", ""),
        ("Svar på motion om extra val", "Motionen avslås."),
        # A plan with a matter of its own is not a meeting plan
        ("Fastställande av årsplanering av systematiskt kvalitetsarbete", ""),
        # Reports approved with real content are not procedural
        ("Anmälningar om kränkande behandling läsåret 2025/2026", "Redovisningen godkänns."),
        # Oral information followed by a decision of its own
        (
            "Handlingsplan för personlig assistans",
            "1. Den muntliga informationen godkänns. 2. Ärendet återremitteras.",
        ),
        ("Detaljplan för bostäder vid Storgatan, samråd", "Planförslaget godkänns för samråd."),
        ("Budget 2027 för kommunen", "Budgeten fastställs."),
    ],
)
def test_not_procedural(title: str, decision: str) -> None:
    assert not is_procedural(title, decision)


def test_title_core_drops_bodies_dates_and_years() -> None:
    assert title_core("Barn- och ungdomsnämndens årsplanering 2025") == "årsplanering"
    assert title_core("Sammanträdestider för Vård- och omsorgsnämnden 2024") == "sammanträdestider"
    assert title_core("Delegationsbeslut 2022- per maj") == "delegationsbeslut"


@pytest.mark.corpus
def test_against_the_dev_labels(shared_corpus: Path) -> None:
    from nlp_motioner.topics.train import load_labelled_cases

    pairs = load_labelled_cases(
        shared_corpus / "alingsas" / "arenden-dev.json", shared_corpus / "labels" / "dev-cap.jsonl"
    )
    tp = fp = fn = 0
    for case, label in pairs:
        quotes = " ".join(s.get("quote") or "" for s in case["steps"])
        flag = is_procedural(case["title"], quotes)
        tp += flag and label["procedural"]
        fp += flag and not label["procedural"]
        fn += not flag and label["procedural"]
    assert tp / (tp + fp) >= 0.9 and tp / (tp + fn) >= 0.9, (tp, fp, fn)


@pytest.mark.corpus
def test_other_municipality_items(shared_corpus: Path) -> None:
    """Kungsbacka's labelled items are § with a decision of their own: few are procedural,
    and those few are meeting plans."""
    import json

    kinds = []
    for line in (
        (shared_corpus / "labels" / "kungsbacka-items.jsonl").read_text("utf-8").splitlines()
    ):
        item = json.loads(line)
        kinds.append(procedural_kind(item["title"], item["evidence"]))
    flagged = [k for k in kinds if k]
    assert len(flagged) <= 5 and set(flagged) <= {"meetings", "appointment"}
