"""The spaCy component puts the same structure and tags on a Doc as `motioner tag` gives."""

from __future__ import annotations

from pathlib import Path

import spacy

import nlp_motioner
from nlp_motioner.spacy_component import to_spacy


def test_component_annotates_sections_cats_and_evidence(corpus: Path):
    nlp = spacy.blank("sv")
    nlp.add_pipe("motioner")
    text = (corpus / "seeds/001_57ee7757e7276fbf.txt").read_text(encoding="utf-8")
    doc = nlp(text)
    kinds = [s.label_ for s in doc.spans["sections"]]
    assert "forslag_till_beslut" in kinds and "arendebeskrivning" in kinds
    heading = next(s for s in doc.spans["sections"] if s.label_ == "arendebeskrivning")
    assert heading.text.startswith("Ärendebeskrivning")
    assert doc.cats == {"doc_type:utlatande": 1.0, "outcome:besvarad": 1.0}
    [evidence] = doc.spans["evidence"]
    assert evidence.label_ == "besvarad" and evidence.text.endswith("besvarad.")
    assert doc._.motioner["parties"] == ["M"]


def test_markdown_headings_map_back_to_the_original_text(corpus: Path):
    nlp = spacy.blank("sv")
    nlp.add_pipe("motioner")
    doc = nlp("# Beslut\n\nMotionen **avslås**.\n\n## Beslutsunderlag\n\nMotion (V).\n")
    spans = {s.label_: s.text for s in doc.spans["sections"]}
    assert spans["beslut"].startswith("Beslut") and spans["beslutsunderlag"].startswith(
        "Beslutsunderlag"
    )


def test_to_spacy_keeps_a_pdf_records_items(corpus: Path):
    [path] = corpus.glob("alingsas/kommunstyrelsen/*/bilagor/ss74-ksau*.pdf")
    sdoc = to_spacy(nlp_motioner.tag(path))
    assert [s.label_ for s in sdoc.spans["items"]] == ["§74"]
    assert sdoc.cats["outcome:besvarad"] == 1.0
    assert sdoc.spans["evidence"][0].text.startswith("Förslag till beslut i kommunfullmäktige")


def test_unreadable_text_gives_an_error_record_and_no_spans():
    nlp = spacy.blank("sv")
    nlp.add_pipe("motioner")
    doc = nlp("   ")
    assert doc._.motioner["error"] == "empty file"
    assert list(doc.spans["sections"]) == [] and doc.cats == {}
