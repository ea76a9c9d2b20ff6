"""nlp_motioner: Swedish municipal political documents as structured, searchable data.

Data flows one way: read -> structure -> tag -> record -> store -> analyse.

>>> import nlp_motioner
>>> doc = nlp_motioner.read("corpus/seeds/001_57ee7757e7276fbf.txt")   # doctest: +SKIP
>>> doc.sections[0].kind                                                 # doctest: +SKIP
"""

from __future__ import annotations

import os
import sys
import types

__version__ = "0.1.0"

from nlp_motioner.record import Document, Item, Section, Tags  # noqa: E402


class _Package(types.ModuleType):
    """The stage subpackages `read` and `tag` share their names with the public functions
    below. Importing a subpackage binds its name on the package; this keeps the functions
    bound instead, so `nlp_motioner.read(path)` is the function while `from
    nlp_motioner.read import read_file` still reaches the subpackage through sys.modules.
    The subpackages are then imported only when used (`motioner search` starts without the
    reading and tagging pipeline)."""

    def __setattr__(self, name: str, value: object) -> None:
        if (
            name in ("read", "tag")
            and isinstance(value, types.ModuleType)
            and name in self.__dict__
        ):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = ["read", "tag", "Document", "Item", "Section", "Tags", "__version__"]


def read(path: str | os.PathLike[str], *, ocr: bool = False) -> Document:
    """Read one file and recover its structure (sections, § items); never raises for bad files."""
    from nlp_motioner.pipeline import process

    return process(path, ocr=ocr, do_tag=False)


def tag(path: str | os.PathLike[str], *, ocr: bool = False) -> Document:
    """Read, structure and tag one file."""
    from nlp_motioner.pipeline import process

    return process(path, ocr=ocr)
