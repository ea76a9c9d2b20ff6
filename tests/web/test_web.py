"""The web view's pages, called as a WSGI app: same search as the CLI, escaped, masked."""

from __future__ import annotations

from io import BytesIO

import pytest

from nlp_motioner.record import Tags
from nlp_motioner.search import search
from nlp_motioner.web import make_app
from tests.conftest import one_document_db

PNR = "19121212-1212"


def get(app, path: str, query: str = "", method: str = "GET") -> tuple[str, dict, str]:
    out: dict = {}

    def start(status, headers):
        out["status"] = status
        out["headers"] = dict(headers)

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": query,
        "wsgi.input": BytesIO(b""),
    }
    body = b"".join(app(environ, start)).decode("utf-8")
    return out["status"], out["headers"], body


@pytest.fixture()
def hostile_db(tmp_path):
    return one_document_db(
        tmp_path / "h.db",
        "mem/<b>bad</b>.txt",
        f"<script>alert(1)</script> Motion om lekplatser. Kontakt {PNR}.",
        "<img src=x onerror=alert(1)>",
        Tags(doc_type="motion", title=f"<script>x</script> lekplatser {PNR}"),
    )


def test_search_page_lists_the_same_rows_as_the_cli(web_db):
    app = make_app(str(web_db))
    status, headers, html = get(app, "/", "q=nattvandring")
    assert status.startswith("200") and "text/html" in headers["Content-Type"]
    rows = search(web_db, "nattvandring", limit=25).hits
    positions = [html.index(">" + r["title"].replace("&", "&amp;")) for r in rows[:3]]
    assert positions == sorted(positions)  # the same order as `motioner search`
    assert "/case/2025.319%20KS" in html
    for facet in ("party", "outcome", "committee", "type"):
        assert f"data-facet='{facet}'" in html


def test_a_facet_narrows_the_rows(web_db):
    app = make_app(str(web_db))
    _, _, all_rows = get(app, "/", "q=motion")
    _, _, only_s = get(app, "/", "q=motion&party=S")
    assert only_s.count("<li><a class='title'") < all_rows.count("<li><a class='title'")
    assert "class='on'" in only_s


def test_case_page_has_the_history(web_db):
    status, _, html = get(make_app(str(web_db)), "/case/2025.319 KS")
    assert status.startswith("200")
    assert "id='history'" in html and "remitterad" in html and "remiss" in html
    assert get(make_app(str(web_db)), "/case/1999.999 XX")[0].startswith("404")


def test_everything_is_escaped_and_masked(hostile_db):
    app = make_app(str(hostile_db))
    for path, query in (("/", "q=lekplatser"), ("/doc/1", ""), ("/case/2024.001 KS", "")):
        status, _, html = get(app, path, query)
        assert status.startswith("200"), (path, status)
        assert "<script>" not in html  # the page itself has no script at all
        assert "<img src=x" not in html and "<b>bad</b>" not in html
        assert PNR not in html, path
    _, _, kept = get(make_app(str(hostile_db), mask=False), "/doc/1")
    assert PNR in kept


@pytest.mark.parametrize(
    "path,query",
    [
        ("/doc/99999999999999999999999", ""),
        ("/doc/../../etc/passwd", ""),
        ("/doc/1/file", ""),  # the original file only with --keep-personal-data
        ("/nowhere", ""),
        ("/", "q=%ff%fe&party=%ff"),
        ("/case/%ff%fe", ""),
    ],
)
def test_odd_requests_are_answered_not_crashed(hostile_db, path, query):
    status, _, html = get(make_app(str(hostile_db)), path, query)
    assert status[:3] in ("200", "404"), status
    assert "Traceback" not in html


def test_only_reading_methods(hostile_db):
    assert get(make_app(str(hostile_db)), "/", method="POST")[0].startswith("405")
