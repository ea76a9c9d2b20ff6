"""Decision outcome and stage of a matter, from its Beslut / Förslag till beslut text.

The decisive text is found by structure (section kinds), then read with the ordered
phrase rules of the profile's `outcomes` table. A proposal to a higher body that
follows a body's own Beslut ("Beslut" + "Förslag till beslut i kommunfullmäktige") is
what the matter's outcome is about, so it wins over the body's procedural decision.

Nothing is assumed: a decisive text that no rule reads gives no outcome, unless the
decision-sentence model (`decision_model`) is confident about it. Negations ("ska inte
genomföras", "beslutar att inte bevilja") turn an approval verb into avslag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp_motioner.profile import Profile
from nlp_motioner.record import Document, Section
from nlp_motioner.taggers import decision_model
from nlp_motioner.taggers._text import cut, flat, sentences
from nlp_motioner.taggers.outcome_rules import (
    OUTCOMES,
    WINDOW,
    OutcomeRules,
    classify_text,
    first_point,
    outcome_rules,
)

__all__ = ["Outcome", "decide", "classify_text", "decisive_text", "OUTCOMES", "Context"]

# Labels the rules give that are no outcome value of a matter.
_NO_VALUE = ("election", "procedural", "information")


@dataclass
class Outcome:
    outcome: str | None = None
    stage: str | None = None
    evidence: str | None = None


@dataclass
class Context:
    """What the stage rule needs to know about the meeting a decision text belongs to."""

    marks_proposals: bool = False  # the minutes head proposals "Förslag till beslut i X"
    organ: str | None = None  # the meeting's own body ("Kommunstyrelsens arbetsutskott")


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


def _higher_part(body: str, rules: OutcomeRules) -> tuple[str | None, str]:
    """When a body holds an inline "Förslag till beslut i kommunfullmäktige" line, the text after it."""
    for m in rules.proposal_line.finditer(body):
        if rules.to_higher.search(m.group(0)):
            return flat(m.group(0)), body[m.end() :]
    return None, body


def _evidence(heading: str | None, body: str) -> str:
    first = sentences(body)
    sent = first[0] if first else ""
    text = f"{heading} {sent}".strip() if heading else sent
    return cut(text, 200)


def _result(label: str | None, stage: str, heading: str | None, body: str) -> Outcome:
    if label is None or label == "information":
        return Outcome()
    evidence = _evidence(heading, body)
    if label in _NO_VALUE:
        return Outcome(None, "decision", evidence)
    return Outcome(label, stage, evidence)


def _label(text: str, strict: bool, profile: Profile | None) -> str | None:
    """The rules' label, else the decision-sentence model's when it is confident."""
    if decision_model.active_mode() == "model":
        return decision_model.predict(text)
    label = classify_text(text, strict=strict, profile=profile)
    if label is None and not strict:
        label = decision_model.predict(text)
    return label


def decide(
    doc: Document,
    sections: list[Section],
    doc_type: str,
    *,
    profile: Profile | None = None,
    context: Context | None = None,
) -> Outcome:
    """Outcome of the matter that `sections` (a document's or a § item's) describe."""
    rules = outcome_rules(profile)
    context = context or Context()
    strict = doc_type == "other"
    decisions = [
        s for s in sections if s.role == "beslut" and not rules.not_decision.match(flat(s.heading))
    ]
    proposals = [
        s
        for s in sections
        if s.role == "forslag_till_beslut"
        or (s.role == "other" and rules.proposal_heading.search(flat(s.heading)))
    ]
    for n, sec in enumerate(decisions):
        following = decisions[n + 1].start if n + 1 < len(decisions) else len(doc.text) + 1
        after = [p for p in proposals if sec.start <= p.start < following]
        before = [p for p in proposals if p.start < sec.start]
        result = _from_decision(doc, sec, after, strict, before, rules, profile, context)
        if result is not None:
            return result
    if proposals:
        chosen = _pick_proposal(doc, proposals, rules)
        if chosen:
            head, text = chosen
            return _result(_label(text, strict, profile), "proposal", head, text)
    if doc_type != "item" and not strict:
        result = _inline_proposal(doc, rules, profile)
        if result is not None:
            return result
    if doc_type == "remiss":
        m = rules.remiss_text.search(doc.text[:20000])
        if m:
            return Outcome("remitterad", "decision", cut(flat(_sentence_around(doc.text, m)), 200))
    return Outcome()


_HEAD_CHARS = 6000


def _inline_proposal(doc: Document, rules: OutcomeRules, profile: Profile | None) -> Outcome | None:
    """A proposal written as a sentence near the head ("Kommunstyrelsen föreslår att
    kommunfullmäktige beslutar följande / Motionen avslås.") when no heading marks it."""
    m = rules.inline_proposal.search(doc.text[:_HEAD_CHARS])
    if not m:
        return None
    following = doc.text[m.end() : m.end() + WINDOW]
    label = _label(following, False, profile)
    if label in (None, "information"):
        return None
    return _result(label, "proposal", flat(m.group(0)), following)


def _sentence_around(text: str, m: re.Match[str]) -> str:
    """The sentence (or line) that holds a match, found by looking out from it."""
    start = max(text.rfind(".", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
    ends = [i for i in (text.find(".", m.end()), text.find("\n", m.end())) if i != -1]
    end = min(ends) + 1 if ends else len(text)
    return text[start:end]


def _from_decision(
    doc: Document,
    sec: Section,
    after: list[Section],
    strict: bool,
    before: list[Section],
    rules: OutcomeRules,
    profile: Profile | None,
    context: Context,
) -> Outcome | None:
    """Outcome of one Beslut section and the proposals around it; None when it is empty."""
    heading, body = _body(doc, sec)
    higher_head, higher_body = _higher_part(body, rules)
    if higher_head and flat(higher_body):
        label = _label(higher_body, strict, profile)
        return _result(label, "proposal", higher_head, higher_body)
    own = _label(body, strict, profile) if flat(body) else None
    decides_itself = own not in (None, "information") and _own_decision(body)
    if after and not decides_itself:
        chosen = _pick_proposal(doc, after, rules)
        if chosen:
            head, text = chosen
            label = _label(text, strict, profile)
            # A nämnd decides "Förvaltningens förslag godkänns" and proposes to the council;
            # the proposal says what happens to the matter.
            if label not in (None, "information"):
                return _result(label, "proposal", head, text)
    if not flat(body):
        return None
    if before and len(flat(body)) < 300 and rules.by_reference.search(flat(body)):
        chosen = _pick_proposal(doc, before[-1:], rules)
        if chosen:
            label = _label(chosen[1], strict, profile)
            if label not in (None, "information"):
                return _result(label, "decision", None, body)
    label = own
    if label is None and strict:
        return None
    stage = _stage(heading, body, rules, context)
    return _result(label, stage, None, body)


_ADOPTS = re.compile(r"förslag|föreslå|yttrande|skrivelse", re.IGNORECASE)


def _own_decision(body: str) -> bool:
    """Whether a Beslut block decides a matter of its own, rather than adopting a proposal or
    a statement ("Förvaltningens förslag godkänns", "Yttrandet antas som nämndens eget") that a
    following proposal block carries on to a higher body."""
    return not _ADOPTS.search(first_point(flat(body)))


def _stage(heading: str, body: str, rules: OutcomeRules, context: Context) -> str:
    """`proposal` when a decision block proposes to a higher body, else `decision`."""
    if heading and rules.to_higher.search(heading):
        return "proposal"
    opening = flat(body)[:200]
    if rules.proposes.search(opening):
        return "proposal"
    if not context.marks_proposals and context.organ and _subject_is_parent(opening, context.organ):
        # An utskott's minutes that print what the parent body does ("Kommunstyrelsen
        # godkänner ...") under a plain "Beslut" heading propose it to that body.
        return "proposal"
    return "decision"


_SUBORDINATE = re.compile(
    r"^(?P<parent>.+?)s\s+(?:arbetsutskott|utskott|beredning|presidium)\b", re.I
)


def _subject_is_parent(opening: str, organ: str) -> bool:
    m = _SUBORDINATE.match(organ.strip())
    if not m:
        return False
    parent = m.group("parent").strip().lower()
    return opening.lower().startswith((parent + " ", "kommunfullmäktige ", "regionfullmäktige "))


def _pick_proposal(
    doc: Document, proposals: list[Section], rules: OutcomeRules
) -> tuple[str, str] | None:
    """The proposal that settles the matter: one to the council (fullmäktige) first, then one
    to another higher body, else the first non-empty."""
    candidates: list[tuple[int, str, str]] = []
    for sec in proposals:
        heading, body = _body(doc, sec)
        inline_head, inline_body = _higher_part(body, rules)
        if inline_head and flat(inline_body):
            candidates.append((_rank(inline_head, rules), inline_head, inline_body))
            continue
        m = rules.signature.search(body)
        body = body[: m.start()] if m else body
        if not flat(body):
            continue
        candidates.append((_rank(heading, rules), heading, body))
    if not candidates:
        return None
    best = min(candidates, key=lambda c: c[0])  # the first of the best rank
    return best[1], best[2]


def _rank(heading: str, rules: OutcomeRules) -> int:
    if rules.to_higher.search(heading):
        return 0 if _COUNCIL.search(heading) else 1
    return 2


_COUNCIL = re.compile(r"fullmäktige", re.IGNORECASE)


def decisive_text(doc: Document, sections: list[Section], profile: Profile | None = None) -> str:
    """The text a reader takes the outcome from: the first non-empty Beslut, else the first
    proposal (for training and inspecting the decision-sentence model)."""
    rules = outcome_rules(profile)
    for kind in ("beslut", "forslag_till_beslut"):
        for sec in sections:
            if sec.role != kind or rules.not_decision.match(flat(sec.heading)):
                continue
            _, body = _body(doc, sec)
            if flat(body):
                return flat(body)[:300]
    return ""
