"""HTML for the web view: every value escaped, snippets' «marks» as <mark>."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from importlib import resources
from string import Template
from typing import Any
from urllib.parse import quote, urlencode

from nlp_motioner.search.snippet import MARK_CLOSE, MARK_OPEN

# Facets of the search page: the name in the URL, its heading, and the row's values.
FACETS = [
    ("party", "Parti", lambda r: r.get("parties") or []),
    ("outcome", "Utfall", lambda r: [r.get("case_outcome") or r.get("outcome")]),
    ("body", "Remissinstans", lambda r: r.get("referral_bodies") or []),
    ("committee", "Diarium (nämnd)", lambda r: r.get("committee") or []),
    ("type", "Dokumenttyp", lambda r: [r.get("doc_type")]),
]


@lru_cache(maxsize=1)
def _page() -> Template:
    ref = resources.files("nlp_motioner").joinpath("web/page.html")
    return Template(ref.read_text(encoding="utf-8"))


def page(title: str, body: str, query: str = "") -> str:
    return _page().substitute(title=escape(title), query=escape(query), body=body)


def e(value: Any) -> str:
    return escape("" if value is None else str(value))


def marked(snippet: str) -> str:
    return e(snippet).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")


def case_href(number: str) -> str:
    return "/case/" + quote(number, safe="")


def doc_href(document_id: int) -> str:
    return f"/doc/{int(document_id)}"


def link(params: dict[str, list[str]], name: str, value: str, on: bool) -> str:
    """The search URL with `value` of facet `name` switched on or off."""
    new = {k: list(v) for k, v in params.items()}
    values = new.setdefault(name, [])
    if on:
        values.remove(value)
    else:
        values.append(value)
    return "/?" + urlencode([(k, v) for k, vs in new.items() for v in vs])


def facets(params: dict[str, list[str]], counts: dict[str, dict[str, int]]) -> str:
    out = []
    for name, heading, _ in FACETS:
        values = counts.get(name) or {}
        if not values:
            continue
        out.append(f"<h3>{e(heading)}</h3><ul data-facet='{name}'>")
        chosen = set(params.get(name, []))
        for value, n in sorted(values.items(), key=lambda t: (-t[1], t[0]))[:12]:
            on = value in chosen
            cls = " class='on'" if on else ""
            out.append(
                f"<li><a{cls} href='{e(link(params, name, value, on))}'>"
                f"<span>{e(value)}</span><span>{n}</span></a></li>"
            )
        out.append("</ul>")
    return "<aside>" + "".join(out) + "</aside>"


def _outcome(row: dict[str, Any]) -> str:
    outcome = row.get("case_outcome") or row.get("outcome")
    if not outcome:
        return ""
    when = row.get("case_outcome_stage") or row.get("outcome_stage")
    return f"<span class='outcome'>{e(outcome)}</span>" + (f" ({stage(when)})" if when else "")


def row(r: dict[str, Any]) -> str:
    title = e(r.get("title"))
    href = case_href(r["case"]) if r.get("case") else doc_href(r["document_id"])
    papers = r.get("case_documents") or []
    # An undated paper (a motion) leads with its case's first date.
    first = next((d["date"] for d in papers if d.get("date")), None)
    when = r.get("date") or (f"{first} (ärendet)" if first else "utan datum")
    meta = [e(when)]
    if r.get("committee"):
        meta.append(e("/".join(r["committee"])))
    if r.get("referral_bodies"):
        meta.append(e(", ".join(r["referral_bodies"])))
    if _outcome(r):
        meta.append(_outcome(r))
    if r.get("parties"):
        meta.append(e(", ".join(r["parties"])))
    meta.append(e(r.get("doc_type") or ""))
    case = ""
    if r.get("case"):
        items = ", ".join(
            f"<a href='{doc_href(d['document_id'])}'>{e(_paper(d))}</a>" for d in papers[:8]
        )
        case = (
            f"<div class='papers'>Ärende <a href='{case_href(r['case'])}'>{e(r['case'])}</a>"
            f" · {len(papers)} handlingar: {items}</div>"
        )
    where = f"§ {e(r['paragraph'])} i " if r.get("paragraph") is not None else ""
    return (
        f"<li><a class='title' href='{href}'>{title}</a>"
        f"<div class='meta'>{' · '.join(m for m in meta if m)}</div>{case}"
        f"<div class='snippet'>{marked(r.get('snippet') or '')}</div>"
        f"<div class='muted'>{where}<a href='{doc_href(r['document_id'])}'>källdokument</a>"
        f" {e(r.get('source'))}</div></li>"
    )


def _paper(d: dict[str, Any]) -> str:
    what = d.get("outcome") or d.get("doc_type") or "handling"
    where = f"§{d['paragraph']} " if d.get("paragraph") is not None else ""
    return f"{d.get('date') or 'odaterad'} {where}{what}"


def results(rows: list[dict[str, Any]], notes: list[str], case_hint: str | None) -> str:
    parts = []
    if case_hint:
        parts.append(
            f"<p class='notes'>Ärendets historik: <a href='{case_href(case_hint)}'>"
            f"{e(case_hint)}</a></p>"
        )
    for note in notes:
        parts.append(f"<p class='notes'>{e(note)}</p>")
    if rows:
        parts.append("<ol class='rows'>" + "".join(row(r) for r in rows) + "</ol>")
    else:
        parts.append("<p>Inga träffar.</p>")
    return "<section>" + "".join(parts) + "</section>"


_STEPS = {
    "motion": "motion",
    "referral": "remiss",
    "opinion": "yttrande",
    "proposal": "förslag",
    "decision": "beslut",
    "paper": "handling",
}
_VIA = {"diarienummer": "diarienummer", "reference": "hänvisning", "title": "titel"}
_STAGE = {"proposal": "förslag", "decision": "beslut"}


def stage(value: str | None) -> str:
    return e(_STAGE.get(value or "", value or ""))


def case_page(number: str, records: list[dict[str, Any]], summary: dict[str, Any]) -> str:
    dl = [
        ("Slutligt utfall", _final(summary)),
        ("Dagar från motion till beslut", e(summary.get("days_to_decision") or "–")),
        ("Remitterad till", e(", ".join(summary.get("referral_bodies") or []) or "–")),
        (
            "Yttranden",
            e(", ".join(o["position"] for o in summary.get("opinions") or []) or "–"),
        ),
        ("Reservationer", e(", ".join(summary.get("reservations") or []) or "–")),
    ]
    rows = []
    for r in records:
        rows.append(
            "<tr>"
            f"<td>{e(r.get('date') or '')}</td><td>{e(_STEPS.get(r.get('step'), ''))}</td>"
            f"<td>{e(r.get('doc_type'))}</td>"
            f"<td>{'§' + e(r['paragraph']) if r.get('paragraph') is not None else ''}</td>"
            f"<td>{e(r.get('outcome') or '')}"
            f"{' (' + stage(r['outcome_stage']) + ')' if r.get('outcome_stage') else ''}</td>"
            f"<td>{e(', '.join(r.get('referral_bodies') or []))}</td>"
            f"<td>{e(', '.join(r.get('reservations') or []))}</td>"
            f"<td><a href='{doc_href(r['document_id'])}'>{e(r.get('title'))}</a></td>"
            f"<td>{e(_VIA.get(r.get('linked_by'), ''))}</td></tr>"
        )
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "Datum",
            "Steg",
            "Typ",
            "§",
            "Utfall",
            "Remissinstanser",
            "Reservation",
            "Handling",
            "Kopplad via",
        )
    )
    return (
        f"<section><h1>Ärende {e(number)}</h1><dl class='summary'>"
        + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in dl)
        + f"</dl><table id='history'><thead><tr>{head}</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></section>"
    )


def _final(summary: dict[str, Any]) -> str:
    if not summary.get("final_outcome"):
        return "inget beslut bland handlingarna"
    text = f"{e(summary['final_outcome'])} ({stage(summary.get('final_stage'))})"
    if summary.get("decided"):
        text += f", beslutat {e(summary['decided'])}"
    return text


def document_page(doc: dict[str, Any], text: str, original: bool) -> str:
    numbers = doc.get("numbers") or []
    cases = ", ".join(f"<a href='{case_href(n)}'>{e(n)}</a>" for n in numbers)
    link_original = (
        f"<p><a href='{doc_href(doc['id'])}/file'>Öppna originalfilen</a></p>"
        if original
        else "<p class='muted'>Texten visas med personnummer maskerade; originalfilen öppnas "
        "när webbvyn startats med --keep-personal-data.</p>"
    )
    return (
        f"<section><h1>{e(doc.get('title') or doc.get('source'))}</h1>"
        f"<p class='meta'>{e(doc.get('doc_type') or '')} · {e(doc.get('date') or 'utan datum')}"
        f"{' · ärende ' + cases if cases else ''}</p>"
        f"<p class='muted'>{e(doc.get('source'))}</p>{link_original}<pre>{e(text)}</pre></section>"
    )


def home(counts: dict[str, int]) -> str:
    return (
        "<section><h1>Sök i ärendena</h1><p>Skriv ord ur en titel, ett stycke text eller ett "
        "diarienummer (till exempel <code>KS 2025.446</code>). Träffarna visas ett ärende per "
        "rad, med ärendets handlingar och slutliga utfall.</p>"
        f"<p class='muted'>{counts.get('documents', 0)} dokument, {counts.get('items', 0)} "
        f"§-punkter, {counts.get('cases', 0)} diarienummer.</p></section>"
    )
