"""Stage 3: tags for a structured Document (type, parties, bodies, outcome, dates, case numbers).

Public surface: `tag(doc)` fills `doc.tags` and each item's `tags`, and returns doc.
"""

from __future__ import annotations

from nlp_motioner.record import Document, Tags

__all__ = ["tag"]


def tag(doc: Document) -> Document:
    if doc.error:
        return doc
    doc.tags = doc.tags or Tags()
    return doc
