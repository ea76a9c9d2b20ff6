"""A small hand-made case file: one motion's whole life, and papers that must stay apart.

The case "2024.100 KS" (a motion about playgrounds):
- the motion itself, filed before it had a number;
- KF's § 10 of 2024-02-01 sending it to kommunstyrelsen and asking tekniska nämnden;
- tekniska nämnden's opinion, § 31 under its own number "2024.555 TEN", whose text cites
  "kommunfullmäktige den 1 februari 2024, § 10";
- barn- och ungdomsnämnden's opinion under "BUN 2024/77", whose text names "KS 2024/0100";
- the officials' reply (tjänsteskrivelse) proposing avslag;
- kommunstyrelsen's decision, § 50 of 2024-06-03, avslag, with a reservation by V.
Papers that must not join it: "2024.100 TEN" (the same digits in another register), a
text that mentions § 10 far from that date, and two other cases about swimming and roads.
"""

from __future__ import annotations

from nlp_motioner.record import Document, Item, Tags

CASE = "2024.100 KS"

_LEKPLATS = "lekplatser i centrum med gungor, klätterställningar och sandlådor för barnfamiljer"


def _doc(source, text, tags, paragraph=None):
    items = []
    if paragraph is not None:
        items = [
            Item(
                paragraph,
                list(tags.diarienummer),
                tags.title or "",
                0,
                len(text),
                1,
                tags=tags,
            )
        ]
    return Document(source=source, file_kind="text", text=text, items=items, tags=tags)


def _extract(source, paragraph, case, title, body, date, outcome, **more):
    """A protocol extract: "§ N <case>", the item's title, then its text; a decision."""
    tags = Tags(
        doc_type="protokollsutdrag",
        title=title,
        date=date,
        diarienummer=[case],
        outcome=outcome,
        outcome_stage="decision",
        **more,
    )
    return _doc(source, f"§ {paragraph} {case}\n{title}\n{body}", tags, paragraph=paragraph)


def _paper(source, text, doc_type, title, date, **more):
    """A paper outside minutes: its text and the tags the tag stage would give it."""
    return _doc(source, text, Tags(doc_type=doc_type, title=title, date=date, **more))


def case_documents() -> list[Document]:
    return [
        _doc(
            "case/motion.txt",
            f"Motion om fler lekplatser för barnfamiljer i centrum\nVi föreslår {_LEKPLATS}. "
            "Lekplatser gör staden trygg för barn.",
            Tags(
                doc_type="motion",
                title="Motion om fler lekplatser för barnfamiljer i centrum",
                parties=["V"],
                date="2024-01-10",
            ),
        ),
        _extract(
            "case/kf-10.txt",
            10,
            "2024.100 KS",
            "Motion om fler lekplatser för barnfamiljer i centrum",
            "Beslut\nMotionen remitteras till kommunstyrelsen för beredning. Tekniska nämnden "
            f"ges tillfälle att yttra sig om {_LEKPLATS}.",
            "2024-02-01",
            "remitterad",
            referral_bodies=["Tekniska nämnden"],
            parties=["V"],
        ),
        _extract(
            "case/ten-31.txt",
            31,
            "2024.555 TEN",
            "Yttrande över motion om lekplatser",
            "Kommunfullmäktige remitterade den 1 februari 2024, § 10, motionen till nämnden. "
            f"Nämnden anser att {_LEKPLATS} kostar för mycket.\nBeslut\nNämnden avstyrker motionen.",
            "2024-03-15",
            "avstyrker",
        ),
        _paper(
            "case/bun-yttrande.txt",
            "Yttrande\nBarn- och ungdomsnämnden har fått motionen (KS 2024/0100) på remiss. "
            f"Nämnden ser gärna {_LEKPLATS} och tillstyrker.",
            "yttrande",
            "Yttrande om lekplatser",
            "2024-03-20",
            diarienummer=["BUN 2024/77"],
            outcome="tillstyrker",
            outcome_stage="decision",
        ),
        _paper(
            "case/tjansteskrivelse.txt",
            "Tjänsteskrivelse 2024.100 KS\nSvar på motion om fler lekplatser för barnfamiljer i centrum\n"
            f"Förvaltningen föreslår avslag, eftersom {_LEKPLATS} saknar budget.",
            "tjansteskrivelse",
            "Svar på motion om fler lekplatser för barnfamiljer i centrum",
            "2024-05-02",
            diarienummer=["2024.100 KS"],
            outcome="avslag",
            outcome_stage="proposal",
        ),
        _extract(
            "case/ks-50.txt",
            50,
            "2024.100 KS",
            "Svar på motion om fler lekplatser för barnfamiljer i centrum",
            "Beslut\nMotionen avslås.\nReservation\nVänsterpartiet reserverar sig.",
            "2024-06-03",
            "avslag",
            reservations=["V"],
        ),
        # Not of the case:
        _extract(
            "other/ten-2024-100.txt",
            12,
            "2024.100 TEN",
            "Avgifter för parkering",
            "Beslut\nTaxan fastställs.",
            "2024-02-20",
            "bifall",
        ),
        _paper(
            "other/far-reference.txt",
            "Protokoll § 10 om budget.\n"
            + "Mellanrum. " * 40
            + "\nMötet hölls den 1 februari 2024 i stadshuset.",
            "rapport",
            "Rapport om budget",
            "2024-02-05",
            diarienummer=["2024.900 KS"],
        ),
        _paper(
            "other/badhus.txt",
            "Motion om ett nytt badhus med simbassäng och bastu för alla åldrar. "
            "Badhuset ska ha simbassäng för skolornas simundervisning.",
            "motion",
            "Motion om ett nytt badhus",
            "2024-01-15",
            parties=["M"],
        ),
        _paper(
            "other/badhus-svar.txt",
            "Svar på motion om ett nytt badhus. Simbassäng och bastu för alla åldrar "
            "kostar mycket; förvaltningen föreslår bifall till simundervisning.",
            "tjansteskrivelse",
            "Svar på motion om ett nytt badhus",
            "2024-04-01",
            diarienummer=["2024.200 KS"],
            outcome="bifall",
            outcome_stage="proposal",
        ),
        _paper(
            "other/vagar.txt",
            "Underhåll av vägar och gator i centrum, med lekplatser vid gångvägarna. "
            "Asfalt och belysning på gator och vägar.",
            "tjansteskrivelse",
            "Underhåll av gator och vägar",
            "2024-04-10",
            diarienummer=["2024.300 KS"],
            outcome="bifall",
            outcome_stage="proposal",
        ),
    ]


IN_CASE = {
    "case/motion.txt",
    "case/kf-10.txt",
    "case/ten-31.txt",
    "case/bun-yttrande.txt",
    "case/tjansteskrivelse.txt",
    "case/ks-50.txt",
}
