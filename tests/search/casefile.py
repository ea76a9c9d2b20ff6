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
        _doc(
            "case/kf-10.txt",
            f"§ 10 2024.100 KS\nMotion om fler lekplatser för barnfamiljer i centrum\nBeslut\nMotionen "
            f"remitteras till kommunstyrelsen för beredning. Tekniska nämnden ges tillfälle "
            f"att yttra sig om {_LEKPLATS}.",
            Tags(
                doc_type="protokollsutdrag",
                title="Motion om fler lekplatser för barnfamiljer i centrum",
                date="2024-02-01",
                diarienummer=["2024.100 KS"],
                outcome="remitterad",
                outcome_stage="decision",
                referral_bodies=["Tekniska nämnden"],
                parties=["V"],
            ),
            paragraph=10,
        ),
        _doc(
            "case/ten-31.txt",
            "§ 31 2024.555 TEN\nYttrande över motion om lekplatser\nKommunfullmäktige "
            "remitterade den 1 februari 2024, § 10, motionen till nämnden. Nämnden anser "
            f"att {_LEKPLATS} kostar för mycket.\nBeslut\nNämnden avstyrker motionen.",
            Tags(
                doc_type="protokollsutdrag",
                title="Yttrande över motion om lekplatser",
                date="2024-03-15",
                diarienummer=["2024.555 TEN"],
                outcome="avstyrker",
                outcome_stage="decision",
            ),
            paragraph=31,
        ),
        _doc(
            "case/bun-yttrande.txt",
            "Yttrande\nBarn- och ungdomsnämnden har fått motionen (KS 2024/0100) på remiss. "
            f"Nämnden ser gärna {_LEKPLATS} och tillstyrker.",
            Tags(
                doc_type="yttrande",
                title="Yttrande om lekplatser",
                date="2024-03-20",
                diarienummer=["BUN 2024/77"],
                outcome="tillstyrker",
                outcome_stage="decision",
            ),
        ),
        _doc(
            "case/tjansteskrivelse.txt",
            "Tjänsteskrivelse 2024.100 KS\nSvar på motion om fler lekplatser för barnfamiljer i centrum\n"
            f"Förvaltningen föreslår avslag, eftersom {_LEKPLATS} saknar budget.",
            Tags(
                doc_type="tjansteskrivelse",
                title="Svar på motion om fler lekplatser för barnfamiljer i centrum",
                date="2024-05-02",
                diarienummer=["2024.100 KS"],
                outcome="avslag",
                outcome_stage="proposal",
            ),
        ),
        _doc(
            "case/ks-50.txt",
            "§ 50 2024.100 KS\nSvar på motion om fler lekplatser för barnfamiljer i centrum\nBeslut\n"
            "Motionen avslås.\nReservation\nVänsterpartiet reserverar sig.",
            Tags(
                doc_type="protokollsutdrag",
                title="Svar på motion om fler lekplatser för barnfamiljer i centrum",
                date="2024-06-03",
                diarienummer=["2024.100 KS"],
                outcome="avslag",
                outcome_stage="decision",
                reservations=["V"],
            ),
            paragraph=50,
        ),
        # Not of the case:
        _doc(
            "other/ten-2024-100.txt",
            "§ 12 2024.100 TEN\nAvgifter för parkering\nBeslut\nTaxan fastställs.",
            Tags(
                doc_type="protokollsutdrag",
                title="Avgifter för parkering",
                date="2024-02-20",
                diarienummer=["2024.100 TEN"],
                outcome="bifall",
                outcome_stage="decision",
            ),
            paragraph=12,
        ),
        _doc(
            "other/far-reference.txt",
            "Protokoll § 10 om budget.\n"
            + "Mellanrum. " * 40
            + "\nMötet hölls den 1 februari 2024 i stadshuset.",
            Tags(
                doc_type="rapport",
                title="Rapport om budget",
                date="2024-02-05",
                diarienummer=["2024.900 KS"],
            ),
        ),
        _doc(
            "other/badhus.txt",
            "Motion om ett nytt badhus med simbassäng och bastu för alla åldrar. "
            "Badhuset ska ha simbassäng för skolornas simundervisning.",
            Tags(
                doc_type="motion",
                title="Motion om ett nytt badhus",
                date="2024-01-15",
                parties=["M"],
            ),
        ),
        _doc(
            "other/badhus-svar.txt",
            "Svar på motion om ett nytt badhus. Simbassäng och bastu för alla åldrar "
            "kostar mycket; förvaltningen föreslår bifall till simundervisning.",
            Tags(
                doc_type="tjansteskrivelse",
                title="Svar på motion om ett nytt badhus",
                date="2024-04-01",
                diarienummer=["2024.200 KS"],
                outcome="bifall",
                outcome_stage="proposal",
            ),
        ),
        _doc(
            "other/vagar.txt",
            "Underhåll av vägar och gator i centrum, med lekplatser vid gångvägarna. "
            "Asfalt och belysning på gator och vägar.",
            Tags(
                doc_type="tjansteskrivelse",
                title="Underhåll av gator och vägar",
                date="2024-04-10",
                diarienummer=["2024.300 KS"],
                outcome="bifall",
                outcome_stage="proposal",
            ),
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
