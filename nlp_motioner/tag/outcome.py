"""Decision outcome and stage of a matter, from its Beslut / Förslag till beslut text.

The decisive text is found by structure (section kinds), then read with the ordered
phrase rules in lexicons/outcomes.toml. A proposal to kommunfullmäktige that follows a
body's own Beslut ("Beslut" + "Förslag till beslut i kommunfullmäktige") is what the
matter's outcome is about, so it wins over the body's procedural decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp_motioner._data import load_toml
from nlp_motioner.record import Document, Section
from nlp_motioner.tag._text import cut, flat, sentences

__all__ = ["Outcome", "decide", "classify_text", "OUTCOMES"]

OUTCOMES = (
    "bifall",
    "delvis_bifall",
    "avslag",
    "besvarad",
    "aterremiss",
    "bordlagd",
    "remitterad",
    "aterkallad",
    "tillstyrker",
    "avstyrker",
)
_LEX = load_toml("tag/lexicons/outcomes.toml")
_RULES = [
    (rule["outcome"], [re.compile(p, re.IGNORECASE) for p in rule["patterns"]])
    for rule in _LEX["rule"]
]
_FALLBACK = _LEX["fallback"]["outcome"]
_MIN_LETTERS = int(_LEX["fallback"]["min_letters"])
_LETTER = re.compile(r"[^\W\d_]")
# How far into a decisive text outcome words are looked for: a Beslut may go on with
# conditions and appeal instructions that use the same words.
_WINDOW = 600

# Headings and lines that open a proposal to the council.
_TO_COUNCIL = re.compile(
    r"(?:förslag (?:till (?:beslut )?)?i (?:kommun)?fullmäktige|"
    r"förslag till (?:beslut i )?(?:kommun)?fullmäktige|föreslår (?:kommun)?fullmäktige|"
    r"förslag till (?:beslut i )?regionfullmäktige)",
    re.IGNORECASE,
)
_PROPOSAL_LINE = re.compile(
    r"(?im)^[^\n]{0,40}förslag (?:till (?:beslut|kommunfullmäktige|fullmäktige)|i (?:kommun)?fullmäktige)[^\n]*$"
)
# "Vård- och omsorgsnämndens förslag till beslut i kommunstyrelsen": a proposal heading
# that the heading vocabulary cannot list (it names the body).
_PROPOSAL_HEADING = re.compile(r"^[\w\s,-]{0,60}förslag till (?:beslut|kommunfullmäktige)", re.I)
_NOT_DECISION = re.compile(
    r"^beslutet (?:ska )?(?:skickas|expedieras|delges)|^beslutsunderlag|^beslut(?:et)? skickas",
    re.IGNORECASE,
)
_PROPOSES = re.compile(
    r"föreslår (?:kommunfullmäktige|fullmäktige|kommunstyrelsen|nämnden)|"
    r"arbetsutskottets förslag|förslag till beslut",
    re.IGNORECASE,
)
_REMISS_TEXT = re.compile(r"[^.\n]*överlämna[rs]? [^.]{0,80}för yttrande[^.:]*[.:]?", re.IGNORECASE)


@dataclass
class Outcome:
    outcome: str | None = None
    stage: str | None = None
    evidence: str | None = None


def classify_text(text: str, *, strict: bool = False) -> str | None:
    """Outcome label of a decisive text: one of OUTCOMES, "election", "procedural", "information" or None.

    With `strict`, only explicit outcome words count (no generic approval verbs and no
    fallback): used where the document type does not say that a body decided a matter.
    """
    norm = flat(text)
    if not norm:
        return None
    mixed = _mixed_points(norm)
    if mixed:
        return mixed
    specific, generic = _RULES[:-1], _RULES[-1:]
    # Explicit outcome words first, in the first sentence and then anywhere ("Yttrandet
    # antas som kommunstyrelsens eget. Förslag i kommunfullmäktige: Motionen anses
    # besvarad."); generic approval verbs only after that.
    first = _first_point(norm)
    head = norm[:_WINDOW]
    passes = [(specific, first), (specific, head)]
    if not strict:
        passes += [(generic, first), (generic, head)]
    for rules, window in passes:
        for label, patterns in rules:
            if any(p.search(window) for p in patterns):
                return label
    if not strict and len(_LETTER.findall(norm)) >= _MIN_LETTERS:
        return _FALLBACK
    return None


_POINT = re.compile(r"(?:punkt|attsats|att-sats)", re.IGNORECASE)
_DECISIVE = {"bifall", "avslag", "besvarad", "tillstyrker", "avstyrker"}


def _mixed_points(norm: str) -> str | None:
    """Different outcomes for a motion's numbered points ("Punkt 1 anses besvarad. Punkt 2
    avslås.") make a partial outcome: delvis_bifall."""
    if not _POINT.search(norm):
        return None
    labels = set()
    for sent in sentences(norm):
        for label, patterns in _RULES[:-1]:
            if any(p.search(sent) for p in patterns):
                labels.add(label)
                break
    labels &= _DECISIVE
    return "delvis_bifall" if len(labels) >= 2 else None


def _first_point(norm: str) -> str:
    sents = sentences(norm)
    return sents[0] if sents else norm


def _body(doc: Document, sec: Section) -> tuple[str, str]:
    """(heading line, body text) of a section."""
    text = doc.text[sec.start : sec.end]
    lines = text.split("\n", 1)
    heading = flat(sec.heading) if sec.heading else ""
    if heading and flat(lines[0]).startswith(heading[: max(1, len(heading) - 2)]):
        body = lines[1] if len(lines) > 1 else ""
    else:
        body = text
    return heading, body


def _council_part(body: str) -> tuple[str | None, str]:
    """When a body holds an inline "Förslag till beslut i kommunfullmäktige" line, the text after it."""
    for m in _PROPOSAL_LINE.finditer(body):
        if _TO_COUNCIL.search(m.group(0)):
            return flat(m.group(0)), body[m.end() :]
    return None, body


def _evidence(heading: str | None, body: str) -> str:
    first = sentences(body)
    sent = first[0] if first else ""
    text = f"{heading} {sent}".strip() if heading else sent
    return cut(text, 200)


def _result(label: str | None, stage: str, heading: str | None, body: str) -> Outcome:
    if label in (None, "information"):
        return Outcome()
    evidence = _evidence(heading, body)
    if label in ("election", "procedural"):
        return Outcome(None, "decision", evidence)
    return Outcome(label, stage, evidence)


def decide(doc: Document, sections: list[Section], doc_type: str) -> Outcome:
    """Outcome of the matter that `sections` (a document's or a § item's) describe."""
    strict = doc_type == "other"
    decisions = [
        s for s in sections if s.kind == "beslut" and not _NOT_DECISION.match(flat(s.heading))
    ]
    proposals = [
        s
        for s in sections
        if s.kind == "forslag_till_beslut"
        or (s.kind == "other" and _PROPOSAL_HEADING.match(flat(s.heading)))
    ]
    for n, sec in enumerate(decisions):
        following = decisions[n + 1].start if n + 1 < len(decisions) else len(doc.text) + 1
        after = [p for p in proposals if sec.start <= p.start < following]
        before = [p for p in proposals if p.start < sec.start]
        result = _from_decision(doc, sec, after, strict, before)
        if result is not None:
            return result
    if proposals:
        chosen = _pick_proposal(doc, proposals)
        if chosen:
            head, text = chosen
            return _result(classify_text(text, strict=strict), "proposal", head, text)
    if doc_type == "remiss":
        m = _REMISS_TEXT.search(doc.text)
        if m:
            return Outcome("remitterad", "decision", cut(flat(m.group(0)), 200))
    return Outcome()


# "Kommunfullmäktige beslutar enligt kommunstyrelsens förslag": the decision adopts a
# proposal printed earlier in the same matter, and that proposal says what was decided.
_BY_REFERENCE = re.compile(
    r"\b(?:enligt|i enlighet med|bifall(?:a|er|s)?(?: till)?)\s+(?:\w+s\s+)*?"
    r"(?:förslag(?:et)?|förslag till beslut)\b",
    re.IGNORECASE,
)


def _from_decision(
    doc: Document,
    sec: Section,
    after: list[Section],
    strict: bool,
    before: list[Section] | None = None,
) -> Outcome | None:
    """Outcome of one Beslut section and the proposals around it; None when it is empty."""
    _, body = _body(doc, sec)
    council_head, council_body = _council_part(body)
    if council_head and flat(council_body):
        label = classify_text(council_body, strict=strict)
        return _result(label, "proposal", council_head, council_body)
    if after:
        chosen = _pick_proposal(doc, after)
        if chosen:
            head, text = chosen
            label = classify_text(text, strict=strict)
            # A nämnd decides "Förvaltningens förslag godkänns" and proposes to the council;
            # the proposal says what happens to the matter.
            if label not in (None, "information"):
                return _result(label, "proposal", head, text)
    if not flat(body):
        return None
    if before and len(flat(body)) < 300 and _BY_REFERENCE.search(flat(body)):
        chosen = _pick_proposal(doc, before[-1:])
        if chosen:
            label = classify_text(chosen[1], strict=strict)
            if label not in (None, "information"):
                return _result(label, "decision", None, body)
    label = classify_text(body, strict=strict)
    if label is None and strict:
        return None
    stage = "proposal" if _PROPOSES.search(flat(body)[:200]) else "decision"
    return _result(label, stage, None, body)


def _pick_proposal(doc: Document, proposals: list[Section]) -> tuple[str, str] | None:
    """The proposal that settles the matter: one to the council first, else the first non-empty."""
    candidates: list[tuple[bool, str, str]] = []
    for sec in proposals:
        heading, body = _body(doc, sec)
        inline_head, inline_body = _council_part(body)
        if inline_head and flat(inline_body):
            candidates.append((True, inline_head, inline_body))
            continue
        body = _strip_signature(body)
        if not flat(body):
            continue
        candidates.append((bool(_TO_COUNCIL.search(heading)), heading, body))
    if not candidates:
        return None
    for to_council, heading, body in candidates:
        if to_council:
            return heading, body
    _, heading, body = candidates[0]
    return heading, body


_SIGNATURE = re.compile(
    r"\n[^\n]*(?:godkännare|förvaltningschef|kommundirektör|enhetschef)[^\n]*", re.I
)


def _strip_signature(body: str) -> str:
    m = _SIGNATURE.search(body)
    return body[: m.start()] if m else body
