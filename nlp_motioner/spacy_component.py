"""nlp_motioner as a spaCy pipeline component: structure and tags as spans and categories.

For users who already work in spaCy (to train a span categorizer on our sections, say):

    >>> import spacy, nlp_motioner.spacy_component                   # doctest: +SKIP
    >>> nlp = spacy.blank("sv"); nlp.add_pipe("motioner")            # doctest: +SKIP
    >>> doc = nlp(open("motion.txt").read())                          # doctest: +SKIP
    >>> doc.spans["sections"], doc.cats, doc._.motioner["parties"]   # doctest: +SKIP

The component runs the same structure and tag stages as `motioner tag` on the Doc's text
(read as plain text, so PDF layout is not available here; pass a record from
`nlp_motioner.tag(path)` through `to_spacy` to keep it). Annotations:

- `doc.spans["sections"]`: one span per section, labelled with its kind
- `doc.spans["items"]`: one span per § item of minutes, labelled "§N"
- `doc.spans["evidence"]`: the outcome's evidence sentence, labelled with the outcome
- `doc.cats`: 1.0 for the document type and the outcome (prefixed `doc_type:` and `outcome:`)
- `doc._.motioner`: the flat tag record (`Document.tag_record()`)
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc

from nlp_motioner.profile import Profile, choose_profile, load_profile
from nlp_motioner.readers import read_bytes
from nlp_motioner.record import Document
from nlp_motioner.structure import compile_rules as compile_structure_rules
from nlp_motioner.structure import structure
from nlp_motioner.taggers import compile_rules as compile_tag_rules
from nlp_motioner.taggers import tag

__all__ = ["MotionerComponent", "annotate", "to_spacy"]

if not Doc.has_extension("motioner"):
    Doc.set_extension("motioner", default=None)


def _identity(offset: int) -> int:
    return offset


def annotate(sdoc: Doc, record: Document, to_doc: Callable[[int], int] | None = None) -> Doc:
    """Put a tagged record's sections, items, evidence and categories on a spaCy Doc.

    `to_doc` maps an offset in `record.text` to one in the Doc's text when they differ.
    """
    at = to_doc or _identity

    def span(start: int, end: int, label: str):
        return sdoc.char_span(at(start), at(end), label=label, alignment_mode="expand")

    sdoc.spans["sections"] = [
        sp for s in record.sections if (sp := span(s.start, s.end, s.role)) is not None
    ]
    sdoc.spans["items"] = [
        sp for it in record.items if (sp := span(it.start, it.end, f"§{it.paragraph}")) is not None
    ]
    tags = record.tags
    evidence = []
    if tags and tags.evidence and tags.outcome:
        # Evidence is verbatim with line breaks joined by spaces (and may be cut short):
        # match its words with any whitespace between them.
        words = [re.escape(w) for w in tags.evidence.split()]
        m = re.search(r"\s+".join(words), record.text) if words else None
        if m and (sp := span(m.start(), m.end(), tags.outcome)) is not None:
            evidence.append(sp)
    sdoc.spans["evidence"] = evidence
    cats: dict[str, float] = {}
    if tags and tags.doc_type:
        cats[f"doc_type:{tags.doc_type}"] = 1.0
    if tags and tags.outcome:
        cats[f"outcome:{tags.outcome}"] = 1.0
    sdoc.cats = cats
    sdoc._.motioner = record.tag_record()
    return sdoc


def to_spacy(record: Document, nlp: Language | None = None) -> Doc:
    """A spaCy Doc over `record.text` with the record's annotations (layout-aware records too)."""
    if nlp is None:
        from nlp_motioner.nlp import get_nlp

        nlp = get_nlp()
    return annotate(nlp.make_doc(record.text), record)


class MotionerComponent:
    """Structure and tag the Doc's text, then annotate the Doc (see the module docstring).

    `profile` (config key) names an organisation profile or a profile file for every Doc;
    without it the profile is chosen per document. The profile's rule tables are loaded
    and compiled in `initialize` (or on the first Doc, when the pipeline is not initialized).
    """

    def __init__(self, name: str = "motioner", *, profile: str | None = None) -> None:
        self.name = name
        self.profile_name = profile
        self._profile: Profile | None = None
        self._ready = False

    def initialize(self, get_examples=None, *, nlp: Language | None = None, profile=None) -> None:
        if profile is not None:
            self.profile_name = profile
        self._profile = load_profile(self.profile_name) if self.profile_name else None
        if self._profile is not None:
            compile_structure_rules(self._profile)
            compile_tag_rules(self._profile)
        self._ready = True

    def __call__(self, sdoc: Doc) -> Doc:
        if not self._ready:
            self.initialize()
        record = read_bytes(sdoc.text.encode("utf-8"), "<spacy>")
        if record.error:
            sdoc.spans["sections"], sdoc.spans["items"], sdoc.spans["evidence"] = [], [], []
            sdoc.cats = {}
            sdoc._.motioner = record.tag_record()
            return sdoc
        profile = self._profile or choose_profile(record.text, record.metadata)
        record.metadata["profile"] = profile.name
        tag(structure(record, profile), profile)
        mapper = _line_mapper(sdoc.text, record)
        if mapper is None:
            annotate(sdoc, record)
            sdoc.spans["sections"], sdoc.spans["items"], sdoc.spans["evidence"] = [], [], []
            return sdoc
        return annotate(sdoc, record, mapper)


def _line_mapper(original: str, record: Document) -> Callable[[int], int] | None:
    """Map record offsets to the original text line by line.

    The text reader keeps one line per input line but strips markup ("# ", "**") and
    trailing spaces, so a column is shifted by where the kept text starts in its line.
    Returns None (annotations dropped) when the lines cannot be aligned, e.g. CR endings.
    """
    if record.text == original:
        return _identity
    lines = original.split("\n")
    if len(lines) != len(record.lines):
        return None
    starts, pos = [], 0
    for raw, ln in zip(lines, record.lines):
        shift = raw.find(ln.text) if ln.text else 0
        starts.append((ln.start, pos + max(shift, 0)))
        pos += len(raw) + 1

    def to_doc(offset: int) -> int:
        lo, hi = 0, len(starts) - 1
        while lo < hi:  # last line starting at or before offset
            mid = (lo + hi + 1) // 2
            if starts[mid][0] <= offset:
                lo = mid
            else:
                hi = mid - 1
        rec_start, doc_start = starts[lo]
        return min(doc_start + offset - rec_start, len(original))

    return to_doc


@Language.factory("motioner", default_config={"profile": None})
def make_component(nlp: Language, name: str, profile: str | None) -> MotionerComponent:
    return MotionerComponent(name, profile=profile)
