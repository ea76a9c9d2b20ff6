"""Documents in the house styles of other municipalities and regions (made-up short texts).

They check that the rules read Swedish administrative language, not one archive's
templates: letterheads are no titles, case numbers come in many shapes, and a proposal
to any higher body is a proposal.
"""

from __future__ import annotations

import pytest

from nlp_motioner.readers import read_bytes
from nlp_motioner.structure import structure
from nlp_motioner.taggers import tag


def _tagged(text: str, name: str = "doc.txt"):
    return tag(structure(read_bytes(text.encode("utf-8"), name))).tags


CITY_REPLY = """Stockholms stad
Stadsledningskontoret
Tjänsteutlåtande
Dnr KS 2019/1234
Sida 1 (3)
2019-05-06

Svar på motion om fler simhallar

Ärendet
Anna Berg (V) har i en motion föreslagit att staden bygger fler simhallar.

Förslag till beslut
Kommunfullmäktige föreslås besluta att avslå motionen.
"""


def test_city_reply_letterhead_is_no_title_and_the_proposal_is_read():
    tags = _tagged(CITY_REPLY)
    assert tags.doc_type == "tjansteskrivelse"
    assert tags.title == "Svar på motion om fler simhallar"
    assert tags.diarienummer == ["KS 2019/1234"]
    assert tags.date == "2019-05-06"
    assert tags.parties == ["V"]
    assert (tags.outcome, tags.outcome_stage) == ("avslag", "proposal")


REGION = """Region Exempel
Regionstyrelsen
Protokollsutdrag
2019-03-12
RS 2019-0123

§ 45 RS 2019-0123
Svar på motion om avgiftsfri kollektivtrafik för unga

Beslut
Regionstyrelsen föreslår regionfullmäktige att anse motionen besvarad.
"""


def test_region_extract_proposes_to_the_regional_council():
    tags = _tagged(REGION)
    assert tags.doc_type == "protokollsutdrag"
    assert tags.diarienummer == ["RS 2019-0123"]
    assert (tags.outcome, tags.outcome_stage) == ("besvarad", "proposal")


SERVICE_NOTE = """Malmö stad
Stadskontoret
Tjänsteskrivelse
Datum 2019-10-01
Vår referens
Eva Lund
Diarienummer
STK-2019-1234

Medborgarförslag om hundrastgård i Limhamn

Förslag till beslut
Kommunstyrelsen föreslås besluta att medborgarförslaget ska inte genomföras.
"""


def test_case_number_after_a_label_line_and_a_negated_proposal():
    tags = _tagged(SERVICE_NOTE)
    assert tags.diarienummer == ["STK-2019-1234"]
    assert tags.title == "Medborgarförslag om hundrastgård i Limhamn"
    assert (tags.outcome, tags.outcome_stage) == ("avslag", "proposal")


def test_statute_and_report_numbers_are_no_case_numbers():
    text = (
        "Tjänsteskrivelse\nDnr 2024/15\nÄrendebeskrivning\nEnligt socialtjänstlagen "
        "(SFS 2025:400) och betänkandet SOU 2024:50 ska kommunen ...\nFörslag till beslut\nNämnden godkänner rapporten.\n"
    )
    assert _tagged(text).diarienummer == ["2024/15"]


MOTION_NO_DECISION = """Motion till kommunfullmäktige
Inför gratis busskort för pensionärer

Många pensionärer har låg inkomst. Vi föreslår därför att kommunfullmäktige beslutar
att införa gratis busskort för alla pensionärer.

Göteborg den 3 maj 2020
Anna Berg (V)
Per Holm (V)
"""


def test_a_motion_states_no_outcome():
    tags = _tagged(MOTION_NO_DECISION)
    assert tags.doc_type == "motion"
    assert tags.parties == ["V"]
    assert tags.outcome is None and tags.outcome_stage is None


@pytest.mark.parametrize(
    "listing",
    [
        "1) Boverket\n2) Lantmäteriet\n3) Sveriges Kommuner och Regioner\n",
        "- Boverket\n- Lantmäteriet\n- Sveriges Kommuner och Regioner\n",
        "* Boverket\n* Lantmäteriet\n* Sveriges Kommuner och Regioner\n",
        "[1 Boverket](https://example.se/a)\n[2 Lantmäteriet](https://example.se/b)\n"
        "[3 Sveriges Kommuner och Regioner](https://example.se/c)\n",
        "Boverket\nLantmäteriet\nSveriges Kommuner och Regioner\n",
        "1 Boverket\n2 Lantmäteriet\n3 Sveriges Kommuner\noch Regioner\n",
    ],
)
def test_remiss_list_in_any_form(listing):
    text = f"# Remiss av promemorian Bättre planering\n\n## Remissinstanser\n\n{listing}\nSista dag att svara är den 1 juni 2020.\n"
    tags = _tagged(text, "remiss.md")
    assert tags.doc_type == "remiss"
    assert tags.referral_bodies == ["Boverket", "Lantmäteriet", "Sveriges Kommuner och Regioner"]
    assert tags.date is None  # a deadline is not the page's date


FRONT_MATTER = """---
kommun: exempelby
organ: ks
datum: 2024-05-02
typ: protokoll
---

<!-- sida 1 -->

EXEMPELBY KOMMUN          SAMMANTRÄDESPROTOKOLL
Kommunstyrelsen
Datum
2024-05-02

§ 1 Dnr KS-2024-00001
Val av justerare

Beslut
Anna Berg (S) utses att justera protokollet.

Det här dokumentet är digitalt signerat

<!-- sida 2 -->

EXEMPELBY KOMMUN          SAMMANTRÄDESPROTOKOLL          2 (2)
Kommunstyrelsen
Datum
2024-05-02

§ 2 Dnr KS-2024-00002
Delårsrapport

Beslut
Kommunstyrelsen godkänner delårsrapporten.

Det här dokumentet är digitalt signerat
"""


def test_text_export_front_matter_and_page_markers():
    doc = tag(structure(read_bytes(FRONT_MATTER.encode(), "protokoll.md")))
    assert doc.metadata["front_matter"]["organ"] == "ks"
    assert "kommun:" not in doc.text and "<!--" not in doc.text
    assert doc.page_count == 2
    assert [p.number for p in doc.pages] == [1, 2]
    # The running header and the signature footer repeat on every page: furniture.
    assert "digitalt signerat" not in doc.text
    assert doc.tags.date == "2024-05-02"
    assert [it.paragraph for it in doc.items] == [1, 2]
    assert doc.items[1].page == 2


CITY_STATEMENT = """Utlåtande 2019:45 RI (Dnr KS 2019/1234)
Motion om inrättande av en trygghetsrådgivare
Motion (2018:23) av Anna Svensson (V)
Kommunstyrelsen föreslår att kommunfullmäktige beslutar följande
Motionen (2018:23) av Anna Svensson (V) avslås.
Föredragande borgarrådet anför följande.
Ärendet
Motionen har remitterats till stadsledningskontoret och socialnämnden.
"""


def test_statement_whose_proposal_is_a_sentence_without_a_heading():
    tags = _tagged(CITY_STATEMENT)
    assert tags.doc_type == "utlatande"
    assert tags.title == "Motion om inrättande av en trygghetsrådgivare"
    assert tags.parties == ["V"]
    assert (tags.outcome, tags.outcome_stage) == ("avslag", "proposal")
    assert tags.referral_bodies == ["Stadsledningskontoret", "Socialnämnden"]


def test_special_statement_and_reservation_documents():
    statement = _tagged(
        "Särskilt yttrande\nKommunstyrelsen 2020-03-04\nÄrende 7, Dnr KS 2020/77\n"
        "Vi vill understryka vikten av satsningar på skolan.\nEva Lund (C)\n"
    )
    assert (statement.doc_type, statement.parties) == ("sarskilt_uttalande", ["C"])
    assert statement.title != "Kommunstyrelsen 2020-03-04"  # a letterhead with its date
    reservation = _tagged(
        "Reservation\nÄrende 12: Svar på motion om fler lärare\n"
        "Vi reserverar oss mot beslutet till förmån för vårt eget yrkande.\nAnna Berg (S)\nPer Holm (V)\n"
    )
    assert reservation.doc_type == "reservation"
    assert reservation.title == "Svar på motion om fler lärare"
    assert reservation.parties == ["S", "V"]
    assert reservation.outcome is None
