"""The web view of `motioner serve`: a small WSGI app of our own over the same search code.

Why not Datasette for this: a clerk's search must use the Swedish analyzer, the case rows
and the ranking of `motioner search`, which a table browser's FTS box cannot; a small page
of our own calls `nlp_motioner.search` directly, needs nothing beyond the standard library
(wsgiref) and starts in a fraction of a second. Datasette stays available for browsing the
raw tables (`motioner serve --datasette`).

Pages: `/` search (one row per case; facets for party, outcome, referral body, committee
and type), `/case/NUMBER` a case's history, `/doc/ID` a document's stored text (the
original file at `/doc/ID/file` only when serving with --keep-personal-data).
Every page is read-only; personnummer are masked unless keep_personal_data.
"""

from __future__ import annotations

import mimetypes
import os
import socketserver
import stat
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs, unquote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from nlp_motioner.web import render

__all__ = ["make_app", "serve"]

# Case rows fetched per search: the facets count over these, the page shows the first.
FACET_ROWS = 200
SHOWN_ROWS = 25

Start = Callable[[str, list[tuple[str, str]]], Any]
_HEADERS = [
    ("Content-Security-Policy", "default-src 'self'; style-src 'unsafe-inline'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
]


def make_app(db_path: str, *, mask: bool = True) -> Callable[[dict, Start], Iterable[bytes]]:
    """The WSGI application for the database at `db_path` (opened read-only per request)."""

    def app(environ: dict, start: Start) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            return _send(start, "405 Method Not Allowed", render.page("405", "<p>GET only.</p>"))
        path = _text(environ.get("PATH_INFO") or "/")
        params = {
            k: [_clean(v) for v in vs]
            for k, vs in parse_qs(_text(environ.get("QUERY_STRING") or "")).items()
        }
        from nlp_motioner.store import Store

        with Store(db_path, readonly=True) as store:
            if path == "/":
                return _send(start, "200 OK", _search_page(store, params, mask))
            if path.startswith("/case/"):
                return _case_page(store, start, unquote(path[len("/case/") :]), mask)
            if path.startswith("/doc/"):
                return _doc_page(store, start, path[len("/doc/") :], mask)
        return _send(start, "404 Not Found", render.page("Saknas", "<p>Sidan finns inte.</p>"))

    return app


def _text(raw: str) -> str:
    """WSGI hands over bytes as latin-1 text; read them as UTF-8 (bad bytes as U+FFFD)."""
    return raw.encode("latin-1", "replace").decode("utf-8", "replace")


def _clean(value: str) -> str:
    from nlp_motioner.search.filters import clean_text

    return clean_text(value) or ""


def _send(start: Start, status: str, html: str) -> list[bytes]:
    body = html.encode("utf-8")
    start(
        status,
        [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
        + _HEADERS,
    )
    return [body]


def _search_page(store, params: dict[str, list[str]], mask: bool) -> str:
    from nlp_motioner import casenumber
    from nlp_motioner.search import Filters, search

    query = (params.get("q") or [""])[0].strip()
    if not query:
        counts = store.counts()
        counts["cases"] = store.conn.execute(
            "SELECT COUNT(DISTINCT norm) FROM case_numbers"
        ).fetchone()[0]
        return render.page("Sök", render.home(counts))
    filters = Filters(
        date_from=(params.get("from") or [None])[0], date_to=(params.get("to") or [None])[0]
    )
    result = search(store, query, filters, limit=FACET_ROWS, mask=mask)
    rows = [r for r in result.hits if _passes(r, params)]
    counts: dict[str, dict[str, int]] = {}
    for name, _, values in render.FACETS:
        tally: dict[str, int] = {}
        for r in rows:
            for v in dict.fromkeys(values(r)):
                if v:
                    tally[v] = tally.get(v, 0) + 1
        counts[name] = tally
    hint = query if casenumber.parse(query) else None
    body = render.facets(params, counts) + render.results(rows[:SHOWN_ROWS], result.notes, hint)
    return render.page(query, body, query)


def _passes(row: dict[str, Any], params: dict[str, list[str]]) -> bool:
    """A row passes when, for each facet with chosen values, it has one of them."""
    for name, _, values in render.FACETS:
        chosen = params.get(name)
        if chosen and not set(chosen) & set(values(row)):
            return False
    return True


def _case_page(store, start: Start, number: str, mask: bool) -> list[bytes]:
    from nlp_motioner.search import case_history, case_summary

    number = _clean(number)
    records = case_history(store, number, mask=mask)
    if not records:
        html = render.page(number, f"<p>Inget ärende med diarienummer {render.e(number)}.</p>")
        return _send(start, "404 Not Found", html)
    return _send(
        start,
        "200 OK",
        render.page(number, render.case_page(number, records, case_summary(records)), number),
    )


def _doc_page(store, start: Start, rest: str, mask: bool) -> list[bytes]:
    doc_id, _, tail = rest.partition("/")
    row = None
    if doc_id.isascii() and doc_id.isdigit() and len(doc_id) < 19:
        row = store.conn.execute(
            "SELECT id, source, title, doc_type, date, text FROM documents WHERE id = ?",
            (int(doc_id),),
        ).fetchone()
    if row is None or tail not in ("", "file"):
        return _send(start, "404 Not Found", render.page("Saknas", "<p>Dokumentet finns inte.</p>"))
    source = row["source"]
    original = not mask and _regular_file(source)
    if tail == "file":
        if not original:
            return _send(
                start, "404 Not Found", render.page("Saknas", "<p>Originalfilen visas inte.</p>")
            )
        return _file(start, source)
    text = row["text"]
    title = row["title"]
    if mask:
        from nlp_motioner.privacy import mask as mask_fn

        text, title = mask_fn(text), mask_fn(title) if title else title
    numbers = [
        r[0]
        for r in store.conn.execute(
            "SELECT DISTINCT diarienummer FROM case_numbers WHERE document_id = ? AND item_id IS NULL",
            (row["id"],),
        )
    ]
    doc = {
        "id": row["id"],
        "source": source,
        "title": title,
        "doc_type": row["doc_type"],
        "date": row["date"],
        "numbers": numbers,
    }
    return _send(
        start, "200 OK", render.page(title or source, render.document_page(doc, text, original))
    )


def _regular_file(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _file(start: Start, path: str) -> Iterable[bytes]:
    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if kind != "application/pdf":  # never let an archived page run in this origin
        kind = (
            "text/plain; charset=utf-8" if kind.startswith("text/") else "application/octet-stream"
        )
    size = os.path.getsize(path)
    start("200 OK", [("Content-Type", kind), ("Content-Length", str(size))] + _HEADERS)
    with open(path, "rb") as fh:
        return [fh.read()]


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass


def serve(db_path: str, *, host: str = "127.0.0.1", port: int = 8001, mask: bool = True) -> None:
    """Serve the web view until Ctrl-C."""
    import click

    server = make_server(
        host, port, make_app(db_path, mask=mask), _ThreadingServer, handler_class=_QuietHandler
    )
    click.echo(f"serving {db_path} at http://{host}:{server.server_port}/ (Ctrl-C stops)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
