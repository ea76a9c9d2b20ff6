"""A document's title, read off its cover page.

With layout (PDF), the title is the run of consecutive lines set in the largest type on
the first page, before the case description starts: a wrapped title is joined, and
letterheads, template labels ("Handläggare:", "Diarienr:"), web addresses and a body's
name alone are skipped. A cover that prints only its genre large ("SAMRÅDSREDOGÖRELSE")
takes the subject printed below it too. Without layout, the first title-like line is
taken, with the lines that continue it. Letter-spaced text ("R A P P O R T") is repaired.
The skip lists are profile data (`titles` table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp_motioner.profile import Profile, default_profile
from nlp_motioner.record import Document, Line
from nlp_motioner.structure.sections import body_size
from nlp_motioner.taggers._text import cut, flat
from nlp_motioner.taggers.doctype import front_matter_value, opening_lines

__all__ = ["find_title", "repair_spacing"]

# Section kinds that open a document's running text: the cover ends there.
_TEXT_KINDS = frozenset(
    {
        "arendebeskrivning",
        "sammanfattning",
        "bakgrund",
        "beslut",
        "forslag_till_beslut",
        "beredning",
    }
)
_COVER_LINES = 40
_CONTINUES = re.compile(r"^[a-zåäö(–-]")
# A title line that ends in a preposition or a conjunction goes on ("... från" / "2023").
_OPEN_END = re.compile(
    r"\b(?:mellan|och|för|av|i|om|till|med|över|på|samt|gällande|inom|från|under|efter|"
    r"mot|vid|enligt|inför|kring|utan|hos|genom|avseende|angående|rörande)$|[,–-]$"
)
# A line that is a year or a period ("2023", "2027–2030") carries on the title above it in
# the same type ("Reglemente för ersättningar till förtroendevalda" / "2027–2030").
_PERIOD_LINE = re.compile(r"^(?:19|20)\d{2}(?:\s?[–-]\s?(?:19|20)\d{2})?$")
_DATE_ONLY = re.compile(r"^(?:\d{1,2} \w+ \d{4}|\d{4}-\d{2}-\d{2}|\d{4} ?- ?\d{2} ?- ?\d{2})$")
_BYLINE = re.compile(r"^(?:av|från)\s+[A-ZÅÄÖ]")
# "Ärende: SV: Grundläggande granskning" in an e-mail or a form: the value is the title.
_SUBJECT_LABEL = re.compile(
    r"^(?:ärende(?: \d{1,3})?|ämne|angående|rubrik|avser)\s*:\s*(?P<value>.{6,})$", re.I
)


@dataclass
class _Rules:
    skip: re.Pattern[str]
    noise: re.Pattern[str]
    organ_only: re.Pattern[str]
    genre_only: re.Pattern[str]


def _build(profile: Profile) -> _Rules:
    t = profile.table("titles")
    return _Rules(
        re.compile("^(?:" + "|".join(t["skip"]) + ")", re.IGNORECASE),
        re.compile("|".join(t["noise"]), re.IGNORECASE),
        re.compile(t["organ_only"], re.IGNORECASE),
        # The genre alone, or with its addressee ("Initiativ i kommunstyrelsen") or its
        # register number ("Utlåtande 2019:45 RI (Dnr KS 2019/1234)", "Handling 2019 nr 123").
        re.compile(
            r"^(?:" + "|".join(t["genre_only"]) + r")"
            r"(?:\s+(?:till|i|över)\s+\S+(?:\s\S+)?|\s+\d[\d:./-]*(?:\s.{0,60})?)?$",
            re.I,
        ),
    )


def _rules(profile: Profile | None) -> _Rules:
    return (profile or default_profile()).compiled("tag.titles", _build)


def repair_spacing(text: str) -> str:
    """Undo letter-spacing from a text layer: "R A P P O R T  2 0 2 6" -> "RAPPORT 2026"."""
    tokens = text.split(" ")
    letters = [t for t in tokens if t]
    if len(letters) < 4 or sum(len(t) == 1 for t in letters) < 0.7 * len(letters):
        return text
    words = re.split(r"\s{2,}", text.strip())
    return " ".join(w.replace(" ", "") for w in words)


def _sentence_case(text: str) -> str:
    """A title set in capitals reads as a sentence: "RAPPORT BORGENSAVGIFTER" -> "Rapport borgensavgifter"."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) > 5 and all(c.isupper() for c in letters):
        lowered = text.lower()
        return lowered[:1].upper() + lowered[1:]
    return text


# "Anna Berg (S)": a signature; "Kommunstyrelsen 2020-03-04": a letterhead with its date.
_SIGNATURE = re.compile(
    r"^[A-ZÅÄÖÉ][a-zåäöéü]+(?:[ -][A-ZÅÄÖÉ][a-zåäöéü]+){1,3}\s*\([A-Za-zÅÄÖåäö]{1,5}\)$"
)
# "Gäller för: Kommunövergripande": a form field with its value (but "SV: Budget" is a subject).
_FIELD = re.compile(r"^[A-ZÅÄÖa-zåäö][\wåäö]{3,}(?: [\wåäö]+){0,2}:\s+\S")
_TRAILING_DATE = re.compile(r"[\s,]+(?:\d{4}-\d{2}-\d{2}|\d{1,2} \w+ \d{4})$")


def _title_ok(line: str, rules: _Rules) -> bool:
    return (
        len(line) > 3
        and not rules.skip.match(line)
        and not rules.noise.search(line)
        and not rules.organ_only.match(_TRAILING_DATE.sub("", line))
        and not _SIGNATURE.match(line)
        and not _BYLINE.match(line)
        and not _FIELD.match(line)
        and not _DATE_ONLY.match(line)
        and not line.endswith(":")
        and sum(c.isdigit() for c in line) < len(line) / 2
        and not (line.endswith(".") and len(line.split()) >= 8)  # a sentence, not a title
    )


def find_title(
    doc: Document, doc_type: str, date: str | None = None, profile: Profile | None = None
) -> str | None:
    """The document's title: the § heading of an extract, the organ and date of minutes,
    else the cover page's title."""
    profile = profile or default_profile()
    if doc.file_kind == "riksdagen":
        title = doc.metadata.get("titel")
        return flat(title) if isinstance(title, str) and title.strip() else None
    if doc.items and doc_type == "protokollsutdrag":
        return flat(doc.items[0].title) or None
    if doc_type == "protokoll":
        return _minutes_title(doc, date, profile)
    rules = _rules(profile)
    title = _layout_title(doc, rules) or _text_title(doc, rules, profile)
    if not title:
        title = front_matter_value(doc, "title", profile)
    return cut(flat(title), 250) if title else None


def _minutes_title(doc: Document, date: str | None, profile: Profile) -> str | None:
    from nlp_motioner.taggers.bodies import organ_of

    organ = organ_of(doc, profile) or ""
    if not organ:
        # A front-matter organ counts when it is a name ("Kommunstyrelsen"), not a code ("ks-au").
        declared = front_matter_value(doc, "organ", profile) or ""
        organ = declared if " " in declared or (declared.isalpha() and len(declared) > 5) else ""
    return flat(f"{organ} protokoll {date or ''}") or None


def _cover(doc: Document) -> list[tuple[int, Line]]:
    """Lines of the first page with text, before the running text starts."""
    stop = next(
        (s.start for s in doc.sections if s.role in _TEXT_KINDS and s.heading), len(doc.text)
    )
    first_page = next((ln.page for ln in doc.lines if ln.text.strip()), 1)
    out = []
    for i, ln in enumerate(doc.lines):
        if ln.start >= stop or ln.page > first_page or len(out) >= _COVER_LINES:
            break
        if ln.text.strip():
            out.append((i, ln))
    return out


def _layout_title(doc: Document, rules: _Rules) -> str | None:
    body = body_size(doc.lines)
    if not body:
        return None
    runs: list[list[Line]] = []
    last = -2
    for i, ln in _cover(doc):
        text = repair_spacing(flat(ln.text))
        styled = ln.size >= body + 1.5 or (ln.bold and ln.size >= body - 0.5)
        prev = runs[-1][-1] if runs and last == i - 1 else None
        if styled and prev is not None and len(runs[-1]) < 5 and _continues(prev, ln, rules):
            # A wrapped title goes on, even with a line that alone would be no title
            # ("Fördjupad månadsuppföljning 2026" / "tekniska nämnden", "... 2027–2030").
            runs[-1].append(ln)
            last = i
            continue
        if not styled or not _title_ok(text, rules):
            last = -2
            continue
        runs.append([ln])
        last = i
    if not runs:
        return None
    # The largest type wins; of equal sizes, the first.
    order = sorted(range(len(runs)), key=lambda k: (-runs[k][0].size, k))
    best = runs[order[0]]
    title = _join([repair_spacing(flat(ln.text)) for ln in best])
    if rules.genre_only.match(title.lower()):
        # The subject is the largest run printed after the genre word that is not one
        # itself ("SAMRÅDSREDOGÖRELSE" / "Detaljplan för ..." / "GRANSKNINGSHANDLING").
        # Runs are in reading order, so "after" is a higher run number.
        for k in order[1:]:
            if k < order[0]:
                continue
            subject = _join([flat(ln.text) for ln in runs[k]])
            if not rules.genre_only.match(subject.lower()):
                title = f"{_sentence_case(title)} – {subject}"
                break
    return _sentence_case(title)


def _continues(prev: Line, ln: Line, rules: _Rules) -> bool:
    """Whether `ln` carries on the title line `prev` (same style, or an open end)."""
    text = flat(ln.text)
    open_end = bool(_OPEN_END.search(flat(prev.text)))
    if not text or rules.noise.search(text) or text.endswith(":"):
        return False
    if rules.skip.match(text) and not (
        (open_end and len(text) <= 20) or (_PERIOD_LINE.match(text) and prev.size == ln.size)
    ):
        return False  # a label; but "... från" / "2023" goes on
    if prev.bold != ln.bold:
        return False
    if prev.size == ln.size:
        return True
    close = abs(prev.size - ln.size) <= 0.15 * max(prev.size, ln.size)
    return close and (open_end or bool(_CONTINUES.match(text)))


_BROKEN_WORD = re.compile(r"(?:^|\s)[a-zåäö]{3,}-$")


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        if (
            _BROKEN_WORD.search(out)
            and part[:1].islower()
            and not part.startswith(("och ", "eller "))
        ):
            out = out[:-1] + part  # a word broken at the line end ("e-" / "cigaretter" stays)
        elif out.endswith(("-", "–")) and part[:1].isdigit():
            out += part  # "2027–" / "2030"
        else:
            out = f"{out} {part}".strip()
    return out


def _bare_label(line: str, rules: _Rules) -> bool:
    """A template label without its value ("Vår referens", "Handläggare:"): the next line
    is the value, not a title."""
    return bool(rules.skip.match(line)) and len(line.split()) <= 3 and not re.search(r"\d", line)


_PERSON = re.compile(r"^[A-ZÅÄÖÉ][a-zåäöéü]+(?:[ -][A-ZÅÄÖÉ][a-zåäöéü]+){1,2}$")


def _names_a_subject(line: str) -> bool:
    """A line of a few words that is no person's name ("Eva Lund")."""
    return len(line.split()) >= 3 and not _PERSON.match(line)


def _text_title(doc: Document, rules: _Rules, profile: Profile) -> str | None:
    lines = [repair_spacing(line.replace("*", "")) for line in opening_lines(doc, profile)]
    for line in lines:
        m = _SUBJECT_LABEL.match(line)
        if m and _title_ok(m.group("value").strip(), rules):
            return m.group("value").strip()
    candidates = [
        n
        for n, line in enumerate(lines)
        if _title_ok(line, rules)
        and not _BYLINE.match(line)
        and not _FIELD.match(line)
        and not (n and _bare_label(lines[n - 1], rules))
    ]
    for k, n in enumerate(candidates):
        line = lines[n]
        # A genre line ("Initiativ i kommunstyrelsen", "Tjänsteskrivelse") before a subject
        # line: the subject is the title.
        if rules.genre_only.match(line.lower()):
            subject = next((m for m in candidates[k + 1 :] if _names_a_subject(lines[m])), None)
            if subject is not None:
                n, line = subject, lines[subject]
        parts = [line]
        # A title wrapped over several short lines continues in lower case or after an
        # open end ("... för", "... och").
        for nxt in lines[n + 1 : n + 5]:
            if (_CONTINUES.match(nxt) or _OPEN_END.search(parts[-1])) and not rules.noise.search(
                nxt
            ):
                parts.append(nxt)
            else:
                break
        return _join(parts)
    return None
