"""§ items in every common layout of Swedish minutes, written from the forms themselves.

Each text is a short, made-up piece of minutes in one house style; the expectations are
what a reader of the text would say (which § items there are, their case numbers and
titles, their outcome and stage), not what the code happens to give.
"""

from __future__ import annotations

import pytest

from nlp_motioner.readers import read_bytes
from nlp_motioner.structure import structure
from nlp_motioner.taggers import tag


def _tagged(text: str, name: str = "minutes.txt"):
    doc = read_bytes(text.encode("utf-8"), name)
    return tag(structure(doc))


def _cases(doc):
    """(paragraph, case numbers) of each item, in order."""
    return [(it.paragraph, it.diarienummer) for it in doc.items]


def _titles(doc):
    return [(it.paragraph, it.title) for it in doc.items]


def _items(doc):
    return [(it.paragraph, it.diarienummer, it.title) for it in doc.items]


# A municipality that prints the body's code before "§" and the case number after "DNR:".
CODE_BEFORE_SIGN = """SAMMANTRÄDESPROTOKOLL
Kommunstyrelsen
Sammanträdesdatum 2007-02-05

Plats och tid Kommunhuset kl 13.00-15.30
Beslutande Anna Berg (S), ordförande
Olle Ek (M)
Eva Lund (C)

KS § 1 DNR:KU/2007.9
Val av justerare

Kommunstyrelsen utser Olle Ek att jämte ordföranden justera dagens protokoll.

KS § 2 DNR:KS/2006.412
Motion om gång- och cykelväg till skolan

Ärendebeskrivning
Eva Lund (C) har i en motion föreslagit att kommunen bygger en gång- och cykelväg.

Kommunstyrelsens förslag till kommunfullmäktige
Motionen bifalls.

KS § 3 DNR:KS/2007.15
Taxa för bygglov

Beslut
Kommunstyrelsen fastställer taxan enligt bilaga.
"""


def test_code_before_the_sign_and_dnr_with_colon():
    doc = _tagged(CODE_BEFORE_SIGN)
    assert doc.tags.doc_type == "protokoll"
    second, third = doc.items[1].tags, doc.items[2].tags
    assert second.title == "Motion om gång- och cykelväg till skolan"
    assert (second.outcome, second.outcome_stage, second.parties) == ("bifall", "proposal", ["C"])
    assert (third.outcome, third.outcome_stage) == ("bifall", "decision")
    # An election is a decision without an outcome value.
    assert doc.items[0].tags.outcome is None


# "§ 12" alone on its line, the case number on the next line, then the title.
CASE_ON_NEXT_LINE = """Protokoll
Barn- och utbildningsnämnden
2024-03-14

Justerandes sign

§ 12
Dnr BUN 2024/0012
Skolskjuts vid växelvis boende

Beslut
Barn- och utbildningsnämnden avslår ansökan om skolskjuts.

§ 13
Dnr BUN 2024/0040
Motion om läxhjälp – svar till kommunstyrelsen

Beslut
Motionen anses besvarad.
"""


def test_case_number_on_the_line_after_the_sign():
    doc = _tagged(CASE_ON_NEXT_LINE)
    assert _items(doc) == [
        (12, ["BUN 2024/0012"], "Skolskjuts vid växelvis boende"),
        (13, ["BUN 2024/0040"], "Motion om läxhjälp – svar till kommunstyrelsen"),
    ]
    assert [it.tags.outcome for it in doc.items] == ["avslag", "besvarad"]


# The table of contents lists every § with its case number, exactly like the items do;
# what follows each line (dot leaders and a page number, or a case's headings) tells them apart.
TOC_THEN_BODY = """SAMMANTRÄDESPROTOKOLL
Kommunfullmäktige
Datum 2025-04-24

Beslutande Anna Berg (S)
Olle Ek (M)
Paragrafer § 57-58

Innehåll
§ 57 Dnr KF-2025-00101
Årsredovisning 2024 ......................................... 3
§ 58 Dnr KF-2025-00087
Svar på motion om solceller ................................. 5

§ 57                      Dnr KF-2025-00101
Årsredovisning 2024

Beslut
Kommunfullmäktige godkänner årsredovisningen för 2024.

Beslutsunderlag
Kommunstyrelsen 2025-04-01, § 40

§ 58                      Dnr KF-2025-00087
Svar på motion om solceller

Beslut
Kommunfullmäktige avslår motionen.

Reservation
Eva Lund (MP) och Per Holm (V) reserverar sig mot beslutet till förmån för eget yrkande.
"""


def test_table_of_contents_is_not_taken_for_the_items():
    doc = _tagged(TOC_THEN_BODY)
    first, second = doc.items
    assert doc.text[first.start :].startswith("§ 57                      Dnr")
    assert (first.tags.outcome, second.tags.outcome) == ("bifall", "avslag")
    assert second.tags.reservations == ["MP", "V"]


# An attendance list that says who took part in which item.
ATTENDANCE_WITH_PARAGRAPHS = """KOMMUNSTYRELSEN
SAMMANTRÄDESPROTOKOLL
2024-09-10

Beslutande
Anna Berg (S), ordförande
§ 164
Olle Ek (M)
Per Holm (V) deltar ej
§ 165

§ 164                Dnr KS-2024-00620
Detaljplan för Norra hamnen

Beslut
Kommunstyrelsen antar detaljplanen.

§ 165                Dnr KS-2024-00621
Motion om fler parkbänkar

Beslut
Kommunstyrelsen remitterar motionen till nämnden för Teknik för beredning.
"""


def test_paragraph_numbers_in_the_attendance_list_are_no_items():
    doc = _tagged(ATTENDANCE_WITH_PARAGRAPHS)
    assert doc.tags.doc_type == "protokoll"
    referral = doc.items[1].tags
    assert referral.outcome == "remitterad"
    assert referral.referral_bodies == ["Nämnden för Teknik"]


# OCR reads "§" as "$".
OCR_DOLLAR = """PROTOKOLL
Kulturnämnden
2024-11-20

$ 114 Dnr KFT-2024-00336
Initiativ om längre öppettider på biblioteket

Beslut
Nämnden bifaller initiativet.

$ 115 Dnr KFT-2024-00340
Information från förvaltningen

Beslut
Nämnden noterar informationen till protokollet.
"""


def test_ocr_dollar_for_the_section_sign():
    doc = _tagged(OCR_DOLLAR)
    assert [it.tags.outcome for it in doc.items] == ["bifall", None]


SUB_ITEMS = """Protokoll
Kommunfullmäktige
2023-06-15

Kf § 57 Dnr 2023/114
Val av revisorer

Beslut
Kommunfullmäktige väljer Anna Berg (S) till revisor.

Kf § 57 a Dnr 2023/115
Fyllnadsval till kommunstyrelsen

Beslut
Kommunfullmäktige väljer Olle Ek (M) till ersättare i kommunstyrelsen.

Kf § 58 Dnr 2023/090
Budget 2024

Beslut
Kommunfullmäktige fastställer budgeten.
"""


def test_lettered_sub_items_and_a_code_in_mixed_case():
    doc = _tagged(SUB_ITEMS)
    assert [(it.paragraph, it.sub) for it in doc.items] == [(57, ""), (57, "a"), (58, "")]
    assert doc.items[2].tags.outcome == "bifall"


# The Riksdag's chamber minutes number their items "1 §".
RIKSDAG_CHAMBER = """Riksdagens protokoll 2019/20:45
Tisdagen den 10 december

Kl. 13.00

1 § Justering av protokoll

Protokollet för den 3 december justerades.

2 § Anmälan om ersättare

Talmannen anmälde att Anna Berg (S) skulle vara ersättare.

3 § Ärenden för hänvisning till utskott

Propositionen hänvisades till finansutskottet.
"""


def test_riksdag_chamber_minutes():
    doc = _tagged(RIKSDAG_CHAMBER)
    assert _titles(doc) == [
        (1, "Justering av protokoll"),
        (2, "Anmälan om ersättare"),
        (3, "Ärenden för hänvisning till utskott"),
    ]
    assert doc.tags.doc_type == "protokoll"


def test_statute_references_are_no_items():
    text = (
        "Tjänsteskrivelse\nÄrendebeskrivning\nEnligt 5 § förvaltningslagen ska ärendet\n"
        "handläggas skyndsamt.\n4 § Kommunallagen\nanger vad som gäller.\n"
    )
    assert _tagged(text).items == []


@pytest.mark.parametrize(
    "sentence,outcome",
    [
        ("Motionen avslogs.", "avslag"),
        ("Förslaget ska inte genomföras.", "avslag"),
        ("Kommunfullmäktige beslutar att inte bevilja ansökan.", "avslag"),
        ("Medborgarförslaget lämnas utan åtgärd.", "avslag"),
        ("Motionen anses behandlad.", "besvarad"),
        ("Ärendet avskrivs.", None),
        ("Nämnden noterar informationen till protokollet.", None),
        (
            "Kommunen lämnar besked att den inte avser att pröva åtgärden genom planläggning.",
            "avslag",
        ),
        ("Nämnden har inget att erinra mot förslaget.", "tillstyrker"),
    ],
)
def test_decision_wording_read_for_what_it_says(sentence, outcome):
    text = f"Protokollsutdrag\nSocialnämnden\n2024-01-10\n\n§ 5 Dnr SN 2024/5\nÄrende\n\nBeslut\n{sentence}\n"
    item = _tagged(text).items[0]
    assert item.tags.outcome == outcome


def test_no_outcome_without_a_decision_sentence():
    text = (
        "Protokollsutdrag\nSocialnämnden\n2024-01-10\n\n§ 5 Dnr SN 2024/5\n"
        "Budgetuppföljning\n\nBeslut\nSe bilaga.\n"
    )
    assert _tagged(text).items[0].tags.outcome is None


@pytest.mark.parametrize(
    "heading,text,stage",
    [
        ("Beslut – Förslag till kommunfullmäktige", "Kommunfullmäktige antar planen.", "proposal"),
        ("Förslag till beslut i byggnadsnämnden", "Byggnadsnämnden beviljar bygglov.", "proposal"),
        ("Beslut", "Regionstyrelsen föreslår regionfullmäktige att bifalla motionen.", "proposal"),
        ("Beslut i kommunstyrelsens arbetsutskott", "Arbetsutskottet antar planen.", "decision"),
        ("Beslut", "Kommunfullmäktige antar planen.", "decision"),
    ],
)
def test_stage_of_a_proposal_to_any_higher_body(heading, text, stage):
    minutes = f"Protokoll\nNämnd\n2024-01-10\n\n§ 5 Dnr X 2024/5\nPlanärende\n\n{heading}\n{text}\n"
    assert _tagged(minutes).items[0].tags.outcome_stage == stage


# A table of contents without dot leaders, and short items without headings: the entry is
# followed at once by the next entry, the item by its text.
PLAIN_CONTENTS = """PROTOKOLL
Socialnämnden
2022-02-01

Ärenden
§ 7 Val av justerare
§ 8 Information från förvaltningen
§ 9 Riktlinjer för ekonomiskt bistånd

§ 7 Val av justerare
Anna Berg (S) utses att justera protokollet tillsammans med ordföranden. Justeringen sker
på socialkontoret tisdagen den 8 februari.

§ 8 Information från förvaltningen
Förvaltningschefen informerar om läget i verksamheterna och om arbetet med budgeten.
Nämnden noterar informationen.

§ 9 Riktlinjer för ekonomiskt bistånd
Nämnden antar riktlinjerna för ekonomiskt bistånd enligt förvaltningens förslag, att gälla
från den 1 mars 2022.
"""


def test_contents_without_dot_leaders_and_short_items():
    doc = _tagged(PLAIN_CONTENTS)
    assert [it.paragraph for it in doc.items] == [7, 8, 9]
    assert all(doc.text[it.start :].startswith(f"§ {it.paragraph} ") for it in doc.items)
    assert doc.text.index("§ 7 Val av justerare\nAnna") == doc.items[0].start


# The § items each layout holds, read from the texts above: number and case numbers.
LAYOUT_ITEMS = {
    "code_before_sign": (CODE_BEFORE_SIGN, [1, 2, 3], ["KU/2007.9", "KS/2006.412", "KS/2007.15"]),
    "toc_then_body": (TOC_THEN_BODY, [57, 58], ["KF-2025-00101", "KF-2025-00087"]),
    "attendance": (ATTENDANCE_WITH_PARAGRAPHS, [164, 165], ["KS-2024-00620", "KS-2024-00621"]),
    "ocr_dollar": (OCR_DOLLAR, [114, 115], ["KFT-2024-00336", "KFT-2024-00340"]),
}


@pytest.mark.parametrize("layout", LAYOUT_ITEMS)
def test_items_and_their_case_numbers(layout):
    text, numbers, cases = LAYOUT_ITEMS[layout]
    assert _cases(_tagged(text)) == [(n, [c]) for n, c in zip(numbers, cases)]
