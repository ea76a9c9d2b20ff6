"""Stage 2: lines -> sections with roles (what each section is for); minutes -> § items with their own sections.

Public surface: `structure(doc, profile)` fills `doc.sections` and `doc.items` in place and
returns doc; `heading_kind` names the role of a heading text; `is_minutes` is the one
minutes detector the tag stage shares.
"""

from __future__ import annotations

from nlp_motioner.profile import Profile, default_profile
from nlp_motioner.record import Document
from nlp_motioner.structure.items import find_items
from nlp_motioner.structure.minutes import has_minutes_cue, is_attendance
from nlp_motioner.structure.sections import heading_kind, split_sections

__all__ = ["structure", "heading_kind", "has_minutes_cue", "is_attendance", "compile_rules"]


def compile_rules(profile: Profile) -> None:
    """Compile this stage's rule tables for `profile` now rather than on the first document."""
    from nlp_motioner.structure.cases import case_finder
    from nlp_motioner.structure.minutes import minutes_rules

    heading_kind("", profile)
    case_finder(profile)
    minutes_rules(profile)


def structure(doc: Document, profile: Profile | None = None) -> Document:
    if doc.error or not doc.lines:
        return doc
    profile = profile or default_profile()
    heads = split_sections(doc, profile)
    items = find_items(doc, heads, profile)
    if items:
        first = items[0].start
        pre = [s for s in doc.sections if s.start < first]
        # Everything before the first § is the meeting's front matter (attendance, list of §).
        if pre:
            pre[0].end = first
            if is_attendance(doc.text[pre[0].start : first], profile):
                pre[0].role = "narvaro"
                pre[0].heading = pre[0].heading or "Närvaro"
        # Doc-level sections stay complete and in order; each item also keeps its own.
        doc.sections = pre[:1] + [s for item in items for s in item.sections]
        doc.items = items
    return doc
