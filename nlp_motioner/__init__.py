"""nlp_motioner: Swedish municipal political documents as structured, searchable data.

Data flows one way: readers -> structure -> taggers -> record -> store -> analyse
(topics, themes, search).

>>> import nlp_motioner
>>> doc = nlp_motioner.parse("corpus/seeds/001_57ee7757e7276fbf.txt")   # doctest: +SKIP
>>> doc.sections[0].role                                                  # doctest: +SKIP
>>> nlp_motioner.tag("corpus/seeds/001_57ee7757e7276fbf.txt").tags.outcome  # doctest: +SKIP

The stages are subpackages with names of their own (`readers`, `structure`, `taggers`),
so no function here shadows a package; they are imported only when used.
"""

from __future__ import annotations

import os
import warnings

__version__ = "0.2.0"

from nlp_motioner.record import Document, Item, Section, Tags  # noqa: E402

__all__ = ["parse", "tag", "read", "Document", "Item", "Section", "Tags", "__version__"]


def parse(path: str | os.PathLike[str], *, ocr: bool = False) -> Document:
    """Read one file and recover its structure (sections, § items), without tags; never
    raises for a bad file (the record's `error` says why)."""
    from nlp_motioner.pipeline import process

    return process(path, ocr=ocr, do_tag=False)


def tag(path: str | os.PathLike[str], *, ocr: bool = False) -> Document:
    """Read, structure and tag one file."""
    from nlp_motioner.pipeline import process

    return process(path, ocr=ocr)


def read(path: str | os.PathLike[str], *, ocr: bool = False) -> Document:
    """The former name of `parse` (it always structured the file too)."""
    warnings.warn("nlp_motioner.read is now nlp_motioner.parse", DeprecationWarning, stacklevel=2)
    return parse(path, ocr=ocr)
