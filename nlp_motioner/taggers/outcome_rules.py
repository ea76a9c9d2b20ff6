"""The outcome a decisive text states: the ordered phrase rules of the profile's `outcomes`
table read one Beslut or Förslag till beslut text ("Motionen avslås", "Kommunstyrelsen
föreslår fullmäktige att bifalla motionen"). Which text is decisive, and at what stage,
is `outcome.py`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp_motioner.casefold import FoldedPattern
from nlp_motioner.profile import Profile, default_profile
from nlp_motioner.taggers._text import flat, sentences

__all__ = ["OUTCOMES", "OutcomeRules", "outcome_rules", "classify_text", "first_point", "WINDOW"]

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
# How far into a decisive text outcome words are looked for: a Beslut may go on with
# conditions and appeal instructions that use the same words.
WINDOW = 600
# A decision on a motion's points or parts ("Punkt 1 ...", "i den del som avser ...").
_POINT = re.compile(r"punkt|attsats|att-sats|\bi (?:den|de|vissa|övriga) del(?:ar|en)?\b", re.I)
_DECISIVE = {"bifall", "avslag", "besvarad", "tillstyrker", "avstyrker"}
_CLAUSE_START = re.compile(r"[.;:!?]|\b(?:och|samt|men)\b", re.IGNORECASE)


@dataclass
class OutcomeRules:
    specific: list[tuple[str, list[FoldedPattern]]]
    generic: list[tuple[str, list[FoldedPattern]]]
    negation: re.Pattern[str]
    reason: re.Pattern[str]
    to_higher: re.Pattern[str]  # names a proposal to a higher body, in a heading or a line
    proposal_line: re.Pattern[str]
    proposal_heading: re.Pattern[str]
    proposes: re.Pattern[str]
    not_decision: re.Pattern[str]
    by_reference: re.Pattern[str]
    signature: re.Pattern[str]
    remiss_text: re.Pattern[str]
    inline_proposal: re.Pattern[str]


def _build(profile: Profile) -> OutcomeRules:
    lex = profile.table("outcomes")
    specific, generic = [], []
    for rule in lex["rule"]:
        # Searched on the lower-cased window where that finds the same (casefold): dozens
        # of patterns run over the first sentence and the head of every decision.
        compiled = (rule["outcome"], [FoldedPattern(p) for p in rule["patterns"]])
        (generic if rule.get("generic") else specific).append(compiled)
    stage = lex["stage"]

    def join(key: str) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in stage[key]), re.IGNORECASE)

    return OutcomeRules(
        specific,
        generic,
        re.compile(lex["negation"]["pattern"], re.IGNORECASE),
        re.compile(lex["reason"]["pattern"], re.IGNORECASE),
        join("to_higher_body"),
        re.compile(r"(?im)^[^\n]{0,40}(?:" + "|".join(stage["proposal_line"]) + r")[^\n]*$"),
        join("proposal_heading"),
        join("proposes"),
        join("not_decision"),
        join("by_reference"),
        # A signature line is short and ends with the role: "Anna Berg, förvaltningschef".
        re.compile(
            r"\n[^\n.]{0,50}\b(?:" + "|".join(stage["signature"]) + r")\b[^\n.]{0,40}(?=\n|$)",
            re.IGNORECASE,
        ),
        re.compile(stage["remiss_text"], re.IGNORECASE),
        re.compile(stage["inline_proposal"], re.IGNORECASE | re.MULTILINE),
    )


def outcome_rules(profile: Profile | None) -> OutcomeRules:
    return (profile or default_profile()).compiled("tag.outcome", _build)


def _negated(window: str, start: int, end: int, negation: re.Pattern[str]) -> bool:
    """Whether the clause around a verb at window[start:end] denies it ("ska inte genomföras",
    "beslutar att inte bevilja", "genomförs inte")."""
    before = window[max(0, start - 40) : start]
    cuts = list(_CLAUSE_START.finditer(before))
    if cuts:
        before = before[cuts[-1].end() :]
    after = window[end : end + 12]
    return bool(negation.search(before) or negation.match(after.lstrip()))


def classify_text(text: str, *, strict: bool = False, profile: Profile | None = None) -> str | None:
    """Outcome label of a decisive text: one of OUTCOMES, "election", "procedural",
    "information", or None when no rule reads it.

    With `strict`, only explicit outcome words count (no generic approval verbs): used
    where the document type does not say that a body decided a matter.
    """
    rules = outcome_rules(profile)
    norm = rules.reason.sub("", flat(text))
    if not norm.strip():
        return None
    mixed = _mixed_points(norm, rules)
    if mixed:
        return mixed
    # Explicit outcome words first, in the first sentence and then anywhere ("Yttrandet
    # antas som kommunstyrelsens eget. Förslag i kommunfullmäktige: Motionen anses
    # besvarad."); generic approval verbs only after that.
    first = first_point(norm)
    head = norm[:WINDOW]
    for window in (first, head):
        for label, patterns in rules.specific:
            if any(p.search(window) for p in patterns):
                return label
    if strict:
        return None
    for window in (first, head):
        for label, patterns in rules.generic:
            for p in patterns:
                m = p.search(window)
                if m:
                    return (
                        "avslag" if _negated(window, m.start(), m.end(), rules.negation) else label
                    )
    return None


def _mixed_points(norm: str, rules: OutcomeRules) -> str | None:
    """Different outcomes for a motion's numbered points ("Punkt 1 anses besvarad. Punkt 2
    avslås.") make a partial outcome: delvis_bifall."""
    if not _POINT.search(norm):
        return None
    labels = set()
    for sent in sentences(norm):
        for label, patterns in rules.specific:
            if any(p.search(sent) for p in patterns):
                labels.add(label)
                break
    labels &= _DECISIVE
    return "delvis_bifall" if len(labels) >= 2 else None


def first_point(norm: str) -> str:
    sents = sentences(norm)
    return sents[0] if sents else norm
