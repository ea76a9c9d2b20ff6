"""The one per-file function: path -> Document (tags filled, or `error` set).

The CLI, the process pool, Dask and the indexer all call `process`, so one file is
handled the same way on a laptop and on a cluster.
"""

from __future__ import annotations

import os

from nlp_motioner.read import DEFAULT_MAX_PAGES, read_file
from nlp_motioner.record import Document
from nlp_motioner.structure import structure
from nlp_motioner.tag import tag


def process(
    path: str | os.PathLike[str],
    *,
    ocr: bool = False,
    max_pages: int | None = DEFAULT_MAX_PAGES,
    do_tag: bool = True,
    do_topics: bool = True,
) -> Document:
    doc = read_file(path, ocr=ocr, max_pages=max_pages)
    if doc.error:
        return doc
    structure(doc)
    if do_tag:
        tag(doc)
        if do_topics:
            # The analyse stage's per-unit part: CAP topic and procedural flag per document
            # and § item (imported here so that `read` does not load scikit-learn).
            from nlp_motioner.topics import annotate

            annotate(doc)
    return doc
