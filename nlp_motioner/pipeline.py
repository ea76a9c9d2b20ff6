"""The one per-file function: path -> Document (tags filled, or `error` set).

The CLI, the process pool, Dask and the indexer all call `process`, so one file is
handled the same way on a laptop and on a cluster.
"""

from __future__ import annotations

import os

from nlp_motioner.profile import choose_profile
from nlp_motioner.readers import DEFAULT_MAX_PAGES, read_file
from nlp_motioner.record import Document
from nlp_motioner.structure import structure
from nlp_motioner.taggers import tag


def process(
    path: str | os.PathLike[str],
    *,
    ocr: bool = False,
    max_pages: int | None = DEFAULT_MAX_PAGES,
    do_tag: bool = True,
    profile: str | None = None,
    do_topics: bool = True,
) -> Document:
    """Read, structure and (unless `do_tag` is false) tag one file.

    `profile` names an organisation profile or a profile file; by default the profile is
    chosen from the document itself (see `nlp_motioner.profile.choose_profile`).
    """
    doc = read_file(path, ocr=ocr, max_pages=max_pages)
    if doc.error:
        return doc
    chosen = choose_profile(doc.text, doc.metadata, explicit=profile)
    doc.metadata["profile"] = chosen.name
    structure(doc, chosen)
    if do_tag:
        tag(doc, chosen)
        if do_topics:
            # The analyse stage's per-unit part: CAP topic and procedural flag per document
            # and § item (imported here so that `read` does not load scikit-learn).
            from nlp_motioner.topics import annotate

            annotate(doc)
    return doc
