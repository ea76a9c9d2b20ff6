"""Every written form of an identity number is masked; look-alikes stay; offsets stay true.

The numbers are synthetic (a date, a serial, a computed Luhn digit)."""

from __future__ import annotations

import pytest

from nlp_motioner.privacy import find_personnummer, luhn_ok, mask, mask_document
from nlp_motioner.record import Document, Item, Line, Page, Section, Tags


def with_check(nine: str) -> str:
    return next(nine + d for d in "0123456789" if luhn_ok(nine + d))


PN = with_check("640823323")
D, T = PN[:6], PN[6:]
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

FORMS = {
    "line break after dash": f"{D}-\n{T}",
    "line break before dash": f"{D}\n-{T}",
    "two table cells (lines)": f"{D}\n{T}",
    "two table cells (markdown)": f"{D} | {T}",
    "em dash": f"{D}\u2014{T}",
    "minus sign": f"{D}\u2212{T}",
    "full-width hyphen": f"{D}\uff0d{T}",
    "small hyphen": f"{D}\ufe63{T}",
    "non-breaking hyphen": f"{D}\u2011{T}",
    "soft hyphen": f"{D}\u00ad{T}",
    "soft hyphen and dash": f"{D}-\u00ad{T}",
    "zero-width space": f"{D}\u200b{T}",
    "zero-width inside the date": f"{D[:2]}\u200b{D[2:]}-{T}",
    "no-break space": f"{D}\u00a0{T}",
    "space dash space": f"{D} - {T}",
    "two spaces": f"{D}  {T}",
    "full-width digits": f"{D}-{T}".translate(FULLWIDTH),
    "glued letters": f"pnr{D}-{T}",
    "glued letters and colon": f"Pnr:{D}{T}",
    "century and em dash": f"19{D}\u2014{T}",
    "tab": f"{D}\t{T}",
}


@pytest.mark.parametrize("written", list(FORMS.values()), ids=list(FORMS))
def test_every_written_form_is_masked(written):
    text = f"Sökande {written} har överklagat."
    masked = mask(text)
    assert "[personnummer]" in masked
    digits = "".join(ch for ch in masked if ch.isdigit())
    assert D not in digits and T not in digits, masked
    (hit,) = find_personnummer(text)
    assert text[hit.start : hit.end].strip() == hit.text.strip()


@pytest.mark.parametrize(
    "text",
    [
        "Ordernummer ABC8507121234X",
        f"Belopp {D}   {T} kr",  # three spaces: two numbers in a layout
        f"Rad {D}\n\n{T}",  # an empty line between: two separate numbers
        f"Kod {D}--{T}",
        "Tel 0322-61 60 00 eller 0322-616000",
        "Sammanträdesdatum 2025-03-19, kl. 13.00",
        f"Inbäddat 12{PN}34",
    ],
)
def test_more_look_alikes_are_left_alone(text):
    assert mask(text) == text


def test_mask_document_keeps_offsets_true():
    text = f"Rubrik\nSökande {D}-\n{T} bor här.\nBeslut\nAvslag för {D}{T}."
    lines, pos = [], 0
    for part in text.split("\n"):
        lines.append(Line(part, 1, pos, pos + len(part)))
        pos += len(part) + 1
    beslut = text.index("Beslut")
    doc = Document(
        source="x",
        file_kind="text",
        text=text,
        lines=lines,
        pages=[Page(1, 0, len(text))],
        sections=[Section("Beslut", "beslut", beslut, len(text), 1)],
        items=[Item(1, [], f"Ärende {PN}", 7, beslut - 1, 1)],
        tags=Tags(title=f"Sökande {D}-{T}", evidence=f"Avslag för {PN}"),
        metadata={"html_title": f"{D}-{T}"},
    )
    out = mask_document(doc)
    assert D not in out.text and out.text.count("[personnummer]") == 2
    for ln in out.lines:
        assert out.text[ln.start : ln.end] == ln.text
    sec = out.sections[0]
    assert out.text[sec.start : sec.end].startswith("Beslut\nAvslag för [personnummer]")
    item = out.items[0]
    assert out.text[item.start : item.end] == "Sökande [personnummer] bor här."
    assert item.title == "Ärende [personnummer]"
    assert out.tags.title == "Sökande [personnummer]" and D not in out.tags.evidence
    assert out.metadata["html_title"] == "[personnummer]"
    assert out.pages[0].end == len(out.text)
    assert doc.text == text  # the input is not changed
