from __future__ import annotations

import pytest

from nlp_motioner import nlp


@pytest.mark.parametrize(
    "word, expected",
    [
        (
            "Kommunstyrelsen",
            "kommunstyrelse",
        ),  # the table is case-sensitive: looked up in lower case
        ("förslaget", "förslag"),  # the table says "förslagen"
        ("beslutet", "beslut"),  # the table says "besluten"
        ("med", "med"),  # the table says "mede"
        ("redan", "redan"),  # the table says "reda"
        ("laddstationer", "laddstation"),  # unknown compound: lemmatized by its head
        ("detaljplanen", "detaljplan"),
        ("detaljplan", "detaljplan"),  # a compound already in base form stays
        ("hot", "hot"),  # not the verb "hota"
        ("skolorna", "skola"),
        ("brottsförebyggande", "brottsförebyggande"),
    ],
)
def test_lemma(word: str, expected: str) -> None:
    assert nlp.lemma(word) == expected


def test_political_words_are_not_stop_words() -> None:
    for word in ("beslut", "vänster", "höger"):
        assert not nlp.is_stop(word)
    for word in ("och", "att", "samt", "som"):
        assert nlp.is_stop(word)


def test_content_lemmas_drop_stop_words_numbers_and_names() -> None:
    out = nlp.content_lemmas(
        "Amanda Andersson (MP) föreslår att kommunen inför 12 laddstationer för cyklister.",
        drop_names=True,
    )
    assert out == ["mp", "föreslå", "kommun", "laddstation", "cyklist"]


def test_shared_pipeline_is_built_once() -> None:
    assert nlp.get_nlp() is nlp.get_nlp()
    assert "lemmatizer" in nlp.get_nlp().pipe_names


def test_many_matches_one() -> None:
    texts = ["Tryggheten i skolorna.", "", "Förslaget om bostäder"]
    assert list(nlp.content_lemmas_many(texts)) == [nlp.content_lemmas(t) for t in texts]
