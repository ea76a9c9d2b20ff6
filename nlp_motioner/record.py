"""The one record every stage after `read` consumes: plain dataclasses that round-trip to JSON.

Offsets (`start`, `end`) are character offsets into `Document.text`; `page` is 1-based.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

SCHEMA_VERSION = 1


@dataclass
class Line:
    """One visual line of text with the layout facts the structure stage needs."""

    text: str
    page: int
    start: int
    end: int
    size: float = 0.0  # font size in points; 0 when the source has no layout (plain text)
    bold: bool = False
    heading_level: int = 0  # explicit heading level from markup (markdown '#', HTML <h2>); 0 = none


@dataclass
class Page:
    number: int
    start: int
    end: int


@dataclass
class Section:
    heading: str  # as written; "" for an untitled body section
    role: str  # what the section does, normalized: see nlp_motioner/structure/headings.toml
    start: int
    end: int
    page: int


@dataclass
class Tags:
    """What the tag stage says about a document or a § item. Every field may be empty."""

    doc_type: str | None = None
    title: str | None = None
    date: str | None = None
    diarienummer: list[str] = field(default_factory=list)
    organisation: str | None = None
    parties: list[str] = field(default_factory=list)
    referral_bodies: list[str] = field(default_factory=list)
    outcome: str | None = None
    outcome_stage: str | None = None
    evidence: str | None = None
    # Party codes that entered a reservation against the decision (minutes and extracts).
    reservations: list[str] = field(default_factory=list)
    # CAP major topic (Comparative Agendas Project code, 1-23) and its calibrated probability,
    # from the analyse stage (nlp_motioner.topics); None where the classifier abstains.
    cap_topic: int | None = None
    cap_score: float | None = None
    # True for items without policy content of their own (delegation reports, elections,
    # meeting dates, oral information); None where it was not judged (whole minutes).
    procedural: bool | None = None


@dataclass
class Item:
    """A numbered § item of minutes: one case handled at the meeting."""

    paragraph: int
    diarienummer: list[str]
    title: str
    start: int
    end: int
    page: int
    sections: list[Section] = field(default_factory=list)
    tags: Tags | None = None
    sub: str = ""  # a letter after the number: "§ 3 a"


@dataclass
class Document:
    source: str
    file_kind: str  # what the bytes are: pdf | html | text | riksdagen | unknown
    page_count: int = 0
    text: str = ""
    pages: list[Page] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    tags: Tags | None = None
    sha256: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def page_at(self, offset: int) -> int:
        """The 1-based page that holds character `offset` (1 when the document has no pages)."""
        for page in self.pages:
            if page.start <= offset < page.end:
                return page.number
        return self.pages[-1].number if self.pages else 1

    def to_dict(self, *, include_lines: bool = False, include_text: bool = True) -> dict[str, Any]:
        data = asdict(self)
        if not include_lines:
            data.pop("lines")
        if not include_text:
            data.pop("text")
        data["schema_version"] = SCHEMA_VERSION
        return data

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(**kwargs), ensure_ascii=False)

    def tag_record(self) -> dict[str, Any]:
        """The flat per-document record that `motioner tag` writes (field names are a contract)."""
        rec: dict[str, Any] = {"source": self.source, "file_kind": self.file_kind}
        if self.error:
            # A file that could not be read has no tags at all: no doc_type, no outcome.
            rec.update({f.name: _empty(f.name) for f in fields(Tags) if f.name != "doc_type"})
            rec["error"] = self.error
            rec["sections"] = []
            rec["items"] = []
            return rec
        rec.update(_flat_dict(self.tags or Tags()))
        rec["page_count"] = self.page_count
        rec["profile"] = self.metadata.get("profile")
        rec["sections"] = [_flat_dict(s) for s in self.sections]
        rec["items"] = [
            {
                "paragraph": it.paragraph,
                "sub": it.sub,
                **_flat_dict(it.tags or Tags(title=it.title, diarienummer=list(it.diarienummer))),
                "page": it.page,
                "start": it.start,
                "end": it.end,
                "sections": [_flat_dict(s) for s in it.sections],
            }
            for it in self.items
        ]
        return rec

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        if "kind" in data and "file_kind" not in data:  # a record written before 0.2
            data = {**data, "file_kind": data["kind"]}
        data = {k: v for k, v in data.items() if k in {f.name for f in fields(cls)}}
        data["pages"] = [Page(**p) for p in data.get("pages", [])]
        data["lines"] = [Line(**ln) for ln in data.get("lines", [])]
        data["sections"] = [_section(s) for s in data.get("sections", [])]
        data["items"] = [_item_from_dict(i) for i in data.get("items", [])]
        if data.get("tags") is not None:
            data["tags"] = Tags(**data["tags"])
        return cls(**data)

    @classmethod
    def from_json(cls, text: str) -> Document:
        return cls.from_dict(json.loads(text))


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _flat_dict(obj: Any) -> dict[str, Any]:
    """`asdict` of a dataclass whose fields hold scalars and lists of scalars (Tags,
    Section): the same dict, lists copied, without asdict's recursive deep copy, which
    was most of the cost of a tag record."""
    names = _FIELD_NAMES.get(type(obj))
    if names is None:
        names = _FIELD_NAMES[type(obj)] = tuple(f.name for f in fields(obj))
    out = {}
    for name in names:
        value = getattr(obj, name)
        out[name] = list(value) if isinstance(value, list) else value
    return out


def _empty(name: str) -> Any:
    return [] if name in ("diarienummer", "parties", "referral_bodies", "reservations") else None


def _section(data: dict[str, Any]) -> Section:
    if "kind" in data and "role" not in data:  # a record written before 0.2
        data = {("role" if k == "kind" else k): v for k, v in data.items()}
    return Section(**data)


def _item_from_dict(data: dict[str, Any]) -> Item:
    data = dict(data)
    data["sections"] = [_section(s) for s in data.get("sections", [])]
    if data.get("tags") is not None:
        data["tags"] = Tags(**data["tags"])
    return Item(**data)


class ReadError(Exception):
    """An expected failure to read a file: the message is one line a user can act on."""
