"""One unit test per kind of lexicon entry (taggers/lexicons/*.toml)."""

from __future__ import annotations

import pytest

from nlp_motioner._data import load_toml
from nlp_motioner.record import Document, Section
from nlp_motioner.taggers.bodies import find_bodies, is_body, normalize_body, split_bodies
from nlp_motioner.taggers.doctype import classify
from nlp_motioner.taggers.outcome import classify_text
from nlp_motioner.taggers.parties import KNOWN_CODES, codes_in, names_in, normalize_code


def _doc(text: str, sections: list[Section] | None = None, **kw) -> Document:
    return Document(source="t.txt", file_kind="text", text=text, sections=sections or [], **kw)


# parties.toml ---------------------------------------------------------------------------


def test_party_codes_are_the_eight_national_parties():
    assert KNOWN_CODES == {"S", "M", "SD", "C", "V", "KD", "L", "MP"}


@pytest.mark.parametrize(
    "name,code",
    [
        ("Socialdemokraterna", "S"),
        ("Folkpartiet", "L"),
        ("Miljöpartiet de gröna", "MP"),
        ("vänsterpartiet", "V"),
        ("Sverigedemokraterna", "SD"),
    ],
)
def test_party_names(name, code):
    assert names_in(f"För {name} i Alingsås") == {code}


@pytest.mark.parametrize("raw,code", [("S", "S"), ("Mp", "MP"), ("fp", "L"), ("kd", "KD")])
def test_party_abbreviations(raw, code):
    assert normalize_code(raw) == code


def test_not_parties_are_ignored_even_after_a_name():
    assert codes_in("Inspektionen för vård och omsorg (IVO) och Anna Berg (LSS)") == set()


def test_local_party_keeps_its_abbreviation_only_after_a_persons_name():
    assert codes_in("Anna Berg (AP) och Olle Ek (S)") == {"AP", "S"}
    assert codes_in("Göteborgsregionen (XYZ)") == set()


# outcomes.toml --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,label",
    [
        ("Motionen lämnas till kommunstyrelsen för beredning.", "remitterad"),
        ("Ärendet återremitteras till förvaltningen.", "aterremiss"),
        ("Ärendet bordläggs.", "bordlagd"),
        ("Motionen återkallas.", "aterkallad"),
        ("Motionen anses besvarad.", "besvarad"),
        ("att anse motionen som besvarad.", "besvarad"),
        ("Motionen bifalls delvis.", "delvis_bifall"),
        ("1. Punkt 1 anses besvarad. 2. Punkt 2 avslås.", "delvis_bifall"),
        ("Motionen avslås i sin helhet.", "avslag"),
        ("Motionen avstyrks.", "avstyrker"),
        ("Nämnden tillstyrker motionen.", "tillstyrker"),
        ("Motionen bifalls.", "bifall"),
        ("Anna Berg (S) utses till ledamot i socialnämnden.", "election"),
        ("Nämnden tar del av informationen.", "information"),
        ("Planförslaget antas.", "bifall"),
        ("Årsredovisningen godkänns.", "bifall"),
        ("Räntepåslaget fastställs till 0,46 procent.", "bifall"),
        ("Strandskyddsdispens ges för nybyggnad.", "bifall"),
        ("Habiliteringsersättningen höjs med 89 procent.", "bifall"),
        ("Ärendet hänskjuts till kommunstyrelsens sammanträde den 1 juni 2026.", "procedural"),
        ("Medborgarförslaget anses besvarat.", "besvarad"),
        ("att bifalla motionens första att-sats och avslå den andra", "delvis_bifall"),
        ("Ärendet avförs från dagordningen.", "information"),
        ("Medborgarförslaget överlämnas till tekniska nämnden för beslut.", "remitterad"),
        (
            "Kommunfullmäktige beslutar att bifalla kommunstyrelsens förslag och avslå motionen.",
            "avslag",
        ),
    ],
)
def test_outcome_rules(text, label):
    assert classify_text(text) == label


def test_outcome_rules_are_ordered_referral_before_approval():
    # "återremitteras" also contains "remitteras": the more specific rule must win.
    assert classify_text("Ärendet återremitteras till nämnden för beredning.") == "aterremiss"


def test_strict_outcome_ignores_generic_verbs():
    assert classify_text("Beslut om ställföreträdande rektor gäller.", strict=True) is None


def test_outcome_fallback_needs_some_text():
    assert classify_text("1.") is None
    assert classify_text("Nyckelkodsområdena flyttas till ett nytt planeringsområde.") == "bifall"


# bodies.toml ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Socialnämnden",
        "Kultur- och utbildningsnämnden",
        "Tekniska nämnden",
        "säkerhetsenheten",
        "Länsstyrelsen",
        "Trafikverket",
        "Alingsåshem AB",
    ],
)
def test_body_suffixes_known_names_and_companies(name):
    assert is_body(name)


def test_body_enumeration_and_normalization():
    assert split_bodies("Socialnämnden och enheten för Social hållbarhet, Styrning och stöd") == [
        "Socialnämnden",
        "Enheten för social hållbarhet",
    ]
    assert normalize_body("ÄLVSJÖ STADSDELSNÄMND") == "Älvsjö stadsdelsnämnd"


def test_routine_referral_to_kommunstyrelsen_is_not_a_body():
    text = "Kommunfullmäktige beslutade att lämna motionen till kommunstyrelsen för beredning."
    assert find_bodies(_doc(text)) == []


@pytest.mark.parametrize(
    "sentence,body",
    [
        ("Tekniska nämnden fick den 29 september 2025 motionen för beredning.", "Tekniska nämnden"),
        (
            "Kommunledningskontoret har den 19 november begärt yttrande från Alingsåshem AB.",
            "Alingsåshem AB",
        ),
        ("Yttranden över motionen har inkommit från Socialnämnden.", "Socialnämnden"),
        (
            "Kultur- och utbildningsnämnden har behandlat ärendet den 22 april 2026, § 48.",
            "Kultur- och utbildningsnämnden",
        ),
        # Mid-sentence names in lower case, passive and adverb variants.
        ("Motionen har remitterats till tekniska nämnden för yttrande.", "Tekniska nämnden"),
        (
            "Motionen har överlämnats till vård- och omsorgsnämnden för yttrande.",
            "Vård- och omsorgsnämnden",
        ),
        (
            "Yttrande har även inhämtats från kultur- och fritidsnämnden.",
            "Kultur- och fritidsnämnden",
        ),
        ("Barn- och ungdomsnämnden har yttrat sig över motionen.", "Barn- och ungdomsnämnden"),
        ("Förvaltningen har begärt in yttrande från sociala nämnden.", "Sociala nämnden"),
    ],
)
def test_referral_trigger_sentences(sentence, body):
    assert find_bodies(_doc(f"Ärendebeskrivning\n{sentence}\n")) == [body]


def test_referral_list_heading_and_stop():
    text = (
        "Inkomna yttranden\nMyndigheter, nämnder, föreningar m.fl.\n1. Länsstyrelsen\n"
        "2. Svea hovrätt, Mark- och\nmiljööverdomstolen\nSakägare\n3. Brf Karamellen\n"
    )
    assert find_bodies(_doc(text)) == [
        "Länsstyrelsen",
        "Svea hovrätt, Mark- och miljööverdomstolen",
    ]


def test_referral_list_after_intro_sentence_and_column_header():
    # The list opens after a wrapped sentence (whose second line starts with "sakägare",
    # which is no sub-heading) and a column header; dates after the names are dropped.
    text = (
        "Inkomna yttranden\nUnder samrådet inkom 11 skriftliga yttranden från remissinstanser och 2 från\n"
        "sakägare. Yttrandena finns hos planenheten.\nYttrande från Ankomstdatum\nMyndigheter m.fl.\n"
        "1. Polismyndigheten 2025-08-29\n2. Svenska Kraftnät 2025-08-29\n3. Västtrafik AB 2025-09-12\n"
        "Sakägare\n1. Sakägare 1, Erska 2:54 2025-09-21\n"
    )
    assert find_bodies(_doc(text)) == ["Polismyndigheten", "Svenska Kraftnät", "Västtrafik AB"]


def test_unnumbered_list_of_bodies():
    text = "Till följande nämnder för yttrande:\nKommunstyrelsen\nSocialnämnden\nTill kommunfullmäktige för kännedom\n"
    assert find_bodies(_doc(text)) == ["Kommunstyrelsen", "Socialnämnden"]


def test_lower_case_word_before_a_body_must_look_like_an_adjective():
    # "till nämnden" is no body name; "tekniska nämnden" is.
    assert split_bodies("skickades till nämnden") == []
    assert split_bodies("socialnämnden och tekniska nämnden") == [
        "Socialnämnden",
        "Tekniska nämnden",
    ]


def test_reply_names_the_motion_signers_parties():
    from nlp_motioner.taggers.parties import initiator_parties

    text = (
        "Tjänsteskrivelse\nSvar på motion om gratis kollektivtrafik\nÄrendet\n"
        "Anna Svensson (V) och Lars Ek (V) har i en motion föreslagit gratis kollektivtrafik. "
        "Ordförande Eva Berg (M) föreslår avslag.\n"
    )
    title = "Svar på motion om gratis kollektivtrafik"
    assert initiator_parties(_doc(text), "tjansteskrivelse", title) == ["V"]


def test_self_referral_names_the_writing_body():
    text = "ÄLVSJÖ STADSDELSNÄMND\n2019-08-29\nSvar på remiss till kommunstyrelsen\nText.\n"
    assert find_bodies(_doc(text)) == ["Älvsjö stadsdelsnämnd"]


# doctypes.toml --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head,doc_type",
    [
        ("Särskilt uttalande\nVi anser", "sarskilt_uttalande"),
        ("Utlåtande över motion\nText", "utlatande"),
        ("Interpellation till ordföranden\nText", "interpellation"),
        ("Enkel fråga till kommunstyrelsens ordförande\nText", "fraga"),
        ("Medborgarförslag om lekplats\nText", "medborgarforslag"),
        ("Initiativ i kommunstyrelsen\nText", "initiativarende"),
        ("Remissvar\nText", "remissvar"),
        ("Yttrande över motion\nText", "yttrande"),
        ("MISSIV\nText", "remiss"),
        ("Motion till kommunfullmäktige om cykelbanor\nText", "motion"),
        ("Typ av styrdokument: Riktlinje\nText", "styrdokument"),
        ("Förbundsordning\nGäller fr.o.m. 2026-01-01", "styrdokument"),
        ("Regional utvecklingsstrategi\nför Västra Götaland", "styrdokument"),
        ("Dagordning\nSammanträde", "other"),
        ("Personuppgiftsbiträdesavtal\nText", "avtal"),
        ("Samrådsredogörelse\nText", "rapport"),
        ("Rapport\nBorgensavgifter", "rapport"),
    ],
)
def test_doctype_cues(head, doc_type):
    assert classify(_doc(head)) == doc_type


def test_tjansteskrivelse_cue_needs_a_proposal():
    head = "Datum: 2026-05-11 Kommunstyrelsen\nHandläggare: A B\nDiarienr: 2026.1 KS\nTitel\n"
    with_proposal = head + "Förslag till beslut\nPlanen antas.\n"
    assert classify(_doc(with_proposal)) == "tjansteskrivelse"
    assert classify(_doc(head + "Text utan förslag.\n")) != "tjansteskrivelse"


def test_every_lexicon_file_loads():
    for name in ("parties", "outcomes", "bodies", "doctypes"):
        assert load_toml(f"taggers/lexicons/{name}.toml")


def test_every_list_heading_holds_a_hint_word():
    # Referral lists are looked for only on lines that hold a hint word, so a heading
    # without one would never be tried (see list_hint in bodies.toml).
    lex = load_toml("taggers/lexicons/bodies.toml")
    for pattern in lex["list_headings"]:
        assert any(hint in pattern for hint in lex["list_hint"]), pattern
