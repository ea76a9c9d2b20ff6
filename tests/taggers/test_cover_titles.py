"""Titles read off a cover page, from the layout Swedish covers use.

Each cover is written here line by line (text, font size, bold), as a reader would see
it; the expected title is what a person reads as the title.
"""

from __future__ import annotations

import pytest

from nlp_motioner.record import Document, Line
from nlp_motioner.structure import structure
from nlp_motioner.taggers.titles import find_title

BODY = [("Ärendet gäller kommunens arbete under året och hur det följs upp.", 11.0, False)] * 6


def _cover(lines: list[tuple[str, float, bool]]) -> Document:
    text, out, pos = "", [], 0
    for t, size, bold in [*lines, *BODY]:
        out.append(Line(t, 1, pos, pos + len(t), size=size, bold=bold))
        text += t + "\n"
        pos = len(text)
    return structure(Document(source="x.pdf", file_kind="pdf", text=text, lines=out))


@pytest.mark.parametrize(
    "lines,title",
    [
        # a title that ends in a preposition goes on to the year below it
        (
            [
                ("Diarienr: 2026.204 KS", 9.0, False),
                ("Svar på uppföljande granskning av revisionsrapporter från", 16.0, True),
                ("2023", 16.0, True),
            ],
            "Svar på uppföljande granskning av revisionsrapporter från 2023",
        ),
        # a period on a line of its own in the title's type is part of the title
        (
            [
                ("Reglemente för", 40.0, True),
                ("ersättningar till", 40.0, True),
                ("förtroendevalda", 40.0, True),
                ("2027–2030", 40.0, True),
                ("Typ av styrdokument: Reglemente", 9.0, False),
            ],
            "Reglemente för ersättningar till förtroendevalda 2027–2030",
        ),
        # a genre word alone is named with its subject, not with a second genre word
        (
            [
                ("SAMRÅDSREDOGÖRELSE", 30.0, True),
                ("Detaljplan för Erska 1:55 m.fl., Skolgatan i Sollebrunn,", 16.0, True),
                ("Alingsås kommun", 16.0, True),
                ("GRANSKNINGSHANDLING", 20.0, True),
                ("Diarienummer: 2022.236 KS", 9.0, False),
            ],
            "Samrådsredogörelse – Detaljplan för Erska 1:55 m.fl., Skolgatan i Sollebrunn, "
            "Alingsås kommun",
        ),
        # but a date line in small type below the title is not
        (
            [
                ("Budget för kultur och fritid", 18.0, True),
                ("2026-03-01", 9.0, False),
            ],
            "Budget för kultur och fritid",
        ),
    ],
)
def test_a_wrapped_title_is_read_whole(lines, title):
    assert find_title(_cover(lines), "rapport") == title
