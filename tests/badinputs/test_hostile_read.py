"""Round two of hostile inputs for the reader: decoding, normalization, HTML, sniffing,
Office formats and malformed Riksdagen records. Every input is built here."""

from __future__ import annotations

import io
import json
import unicodedata
import zipfile

import pytest
from generate import BODY, TEXT

from nlp_motioner.readers import read_bytes
from nlp_motioner.readers.text import INVISIBLE


def _lines_index_text(doc) -> None:
    for ln in doc.lines:
        assert doc.text[ln.start : ln.end] == ln.text
    for page in doc.pages:
        assert 0 <= page.start <= page.end <= len(doc.text) + 1


# --- decoding -------------------------------------------------------------------------


def test_one_stray_cp1252_byte_costs_at_most_one_character():
    good = "Utlåtande över motion om förskolor i Ödeborg\nMotionen anses besvarad.\n"
    data = good.encode("utf-8").replace(b"om ", b"om \x96 ", 1)  # a cp1252 en dash
    doc = read_bytes(data, "x.txt")
    assert doc.error is None
    assert doc.text.rstrip("\n") == good.replace("om ", "om \u2013 ", 1).rstrip("\n")
    assert "Ã" not in doc.text
    assert doc.metadata["encoding"] == "utf-8+cp1252"


def test_binary_in_the_middle_of_a_utf8_file_keeps_the_rest():
    good = "Yttrande över motion om våld i nära relationer\n"
    data = good.encode() + bytes(range(0x80, 0xA0)) + b"\x01\x02\x03\n" + good.encode()
    doc = read_bytes(data, "x.txt")
    assert doc.text.count("våld i nära relationer") == 2
    assert not any(ch in doc.text for ch in "\x01\x02\x03")


def test_whole_cp1252_file_still_decodes():
    doc = read_bytes(TEXT.encode("cp1252"), "x.txt")
    assert "cykelvägnätet" in doc.text and doc.metadata["encoding"] == "cp1252"


def test_decomposed_letters_are_composed():
    nfd = unicodedata.normalize("NFD", "Ärendet om våld återremitteras till Socialnämnden")
    assert len(nfd) > len(unicodedata.normalize("NFC", nfd))
    doc = read_bytes(nfd.encode("utf-8"), "x.txt")
    assert "våld" in doc.text and "Socialnämnden" in doc.text
    _lines_index_text(doc)


@pytest.mark.parametrize("ch", list(INVISIBLE))
def test_invisible_characters_are_removed_and_offsets_hold(ch):
    text = f"Rubrik\nKommunfullmäktige be{ch}slutar att av{ch}slå motionen.\nSlut"
    doc = read_bytes(text.encode("utf-8"), "x.txt")
    assert "beslutar att avslå motionen" in doc.text
    assert ch not in doc.text
    _lines_index_text(doc)


def test_utf16_html_and_json_are_recognized():
    page = "<!DOCTYPE html><html><head><title>Motion</title></head><body><h1>Motion om lekplatser</h1><p>Vi föreslår fler lekplatser.</p></body></html>"
    for data in (page.encode("utf-16"), page.encode("utf-16-le")):
        doc = read_bytes(data, "x.html")
        assert doc.file_kind == "html" and "Vi föreslår fler lekplatser." in doc.text
    js = json.dumps({"rows": [1, 2]}).encode("utf-16")
    assert "JSON data" in read_bytes(js, "x.json").error


# --- sniffing by structure ------------------------------------------------------------


@pytest.mark.parametrize("start", ["[1] Inledning", "[2025-03-03] Protokoll", "{Utkast} Motion"])
def test_text_in_brackets_is_not_json(start):
    doc = read_bytes((start + "\n" + TEXT).encode(), "x.txt")
    assert doc.error is None and doc.file_kind == "text"


def test_text_that_mentions_a_pdf_header_is_text():
    doc = read_bytes(("Filen börjar med %PDF-1.7 enligt standarden.\n" + TEXT).encode(), "x")
    assert doc.error is None and doc.file_kind == "text"


def _zip(members: dict[str, bytes], first: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        if first:
            zf.writestr(first, members.pop(first), compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    "data,name",
    [
        (
            _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
            "Word document (.docx)",
        ),
        (
            _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
            "Excel workbook (.xlsx)",
        ),
        (
            _zip(
                {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"},
                first="mimetype",
            ),
            "OpenDocument text (.odt)",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "WordDocument".encode("utf-16-le"),
            "Word 97-2003 document (.doc)",
        ),
        (b"{\\rtf1\\ansi\\deff0 {\\fonttbl} Motion}", "RTF document (.rtf)"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG image"),
    ],
)
def test_office_and_other_formats_are_named(data, name):
    doc = read_bytes(data, "fil")
    assert doc.error == f"{name}: not read; convert it to PDF or text"


# --- HTML -----------------------------------------------------------------------------


def _page(body: str, title: str = "Protokoll", head_end: str = "</head>") -> bytes:
    return f"<!DOCTYPE html><html><head><title>{title}</title>{head_end}<body>{body}</body></html>".encode()


@pytest.mark.parametrize(
    "sentence",
    [
        "Kommunen beviljar 500 000 kronor till föreningen.",
        "Ärendet har dnr KS 2019/404 och avser lekplatser.",
        "Vid access denied i systemet kontaktas IT.",
        "Tjänsten var not found i katalogen, skriver förvaltningen.",
    ],
)
def test_short_real_pages_are_not_error_pages(sentence):
    doc = read_bytes(_page(f"<h1>Motion om lekplatser</h1><p>{sentence}</p>"), "x.html")
    assert doc.error is None and sentence in doc.text


@pytest.mark.parametrize(
    "title,body",
    [
        ("404 – Sidan kunde inte hittas", "<h1>Sidan kunde inte hittas</h1><p>Försök igen.</p>"),
        ("Kommunen", "<h1>Sidan saknas</h1><p>Dokumentet finns inte längre.</p>"),
        ("Error 500", "<p>Internal Server Error</p>"),
        ("Access denied | Portal", "<p>You do not have access.</p>"),
        ("Kommunen", "<p>Sidan kunde inte hittas</p><p>Gå till startsidan.</p>"),
    ],
)
def test_error_pages_by_their_structure(title, body):
    doc = read_bytes(_page(body, title), "x.html")
    assert doc.error and doc.error.startswith("HTML error page")


def test_a_long_page_with_an_error_word_in_the_title_is_read():
    body = "<h1>Access denied – motion om behörigheter</h1>" + "<p>" + " ".join(BODY * 40) + "</p>"
    doc = read_bytes(_page(body, "Access denied"), "x.html")
    assert doc.error is None


@pytest.mark.parametrize(
    "body,head_end",
    [
        (
            "<form id='aspnetForm'><div><h1>Protokoll</h1><p>Beslut om cykelvägnätet.</p></div></form>",
            "</head>",
        ),
        (
            "<nav><a href='/'>Hem</a><main><h1>Protokoll</h1><p>Beslut om cykelvägnätet.</p></main>",
            "</head>",
        ),
        ("<svg><path d='M0'><h1>Protokoll</h1><p>Beslut om cykelvägnätet.</p>", "</head>"),
        ("<h1>Protokoll</h1><p>Beslut om cykelvägnätet.</p>", ""),
    ],
    ids=["form", "unclosed-nav", "unclosed-svg", "no-head-end"],
)
def test_body_text_survives_broken_markup(body, head_end):
    doc = read_bytes(_page(body, head_end=head_end), "x.html")
    assert doc.error is None, doc.error
    assert "Beslut om cykelvägnätet." in doc.text
    _lines_index_text(doc)


def test_closed_nav_and_scripts_are_still_dropped():
    body = "<nav><a>Hem</a><a>Kontakt</a></nav><script>var x = 1;</script><h1>Motion</h1><p>Text.</p><footer>Kommunen 2025</footer>"
    doc = read_bytes(_page(body), "x.html")
    assert doc.text == "Motion\nText."


def test_html_nested_very_deep_reads_without_recursion():
    body = "<div>" * 5000 + "<p>Beslut om cykelvägnätet.</p>" + "</div>" * 5000
    doc = read_bytes(_page(body), "x.html")
    assert doc.error is None and "cykelvägnätet" in doc.text


# --- Riksdagen records ----------------------------------------------------------------


def _record(**dokument) -> dict:
    base = {
        "dok_id": "H0001",
        "rm": "2024/25",
        "doktyp": "mot",
        "titel": "Bostadsbyggande",
        "datum": "2024-10-01 00:00:00",
        "html": "<p>Riksdagen ställer sig bakom det som anförs i motionen.</p>",
    }
    base.update(dokument)
    return {
        "dokumentstatus": {
            "dokument": base,
            "dokintressent": {
                "intressent": [{"namn": "A B", "partibet": "S", "roll": "undertecknare"}]
            },
        }
    }


def _read_record(rec: dict | str):
    data = rec if isinstance(rec, str) else json.dumps(rec, ensure_ascii=False)
    return read_bytes(data.encode(), "rec.json")


def test_a_good_record_reads():
    doc = _read_record(_record())
    assert doc.error is None and doc.metadata["titel"] == "Bostadsbyggande"
    assert doc.metadata["signers"] == [{"name": "A B", "party": "S"}]


@pytest.mark.parametrize(
    "field,value,says",
    [
        ("titel", ["a", "b"], "dokument.titel is a list"),
        ("titel", 3.5, "dokument.titel is a number"),
        ("titel", True, "dokument.titel is a boolean"),
        ("html", {"p": 1}, "dokument.html is an object"),
    ],
)
def test_record_fields_of_the_wrong_type_are_one_error(field, value, says):
    doc = _read_record(_record(**{field: value}))
    assert doc.error == f"malformed Riksdagen record ({says}, expected text)"


def test_nan_in_a_record_is_refused():
    text = json.dumps(_record()).replace('"Bostadsbyggande"', "NaN")
    doc = _read_record(text)
    assert doc.error and doc.error.startswith("malformed Riksdagen record")


def test_party_as_a_list_is_refused():
    rec = _record()
    rec["dokumentstatus"]["dokintressent"]["intressent"][0]["partibet"] = ["S", "M"]
    doc = _read_record(rec)
    assert "partibet is a list" in doc.error


def test_record_parts_of_the_wrong_shape():
    rec = _record()
    rec["dokumentstatus"]["dokintressent"] = ["x"]
    assert "dokintressent is a list, expected an object" in _read_record(rec).error
    rec = _record()
    rec["dokumentstatus"]["dokument"] = "text"
    assert "dokument is" in _read_record(rec).error
