"""Incremental indexing: files read, tagged and stored in the corpus database.

This module joins the stages for `motioner index` (batch runs the per-file work, the
store keeps the result), so the store itself never reads or tags a file and the CLI only
parses options and prints. A file whose content hash is already stored is skipped in the
worker before it is read; a changed file replaces its rows in one transaction; every file
is committed as soon as it is done, so an interrupted run resumes where it stopped.

    >>> from nlp_motioner.indexer import Indexer
    >>> from nlp_motioner.store import Store
    >>> with Store("motioner.db") as store:                          # doctest: +SKIP
    ...     counts = Indexer(store, jobs=2).index(["corpus/a.pdf"])
"""

from __future__ import annotations

import base64
import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from nlp_motioner.interrupts import uninterrupted

if TYPE_CHECKING:  # pragma: no cover
    from nlp_motioner.record import Document
    from nlp_motioner.store import Store

__all__ = [
    "Indexer",
    "PersonalDataConflict",
    "index_one",
    "record_personal_data_choice",
    "refit_semantic",
    "surrogate_safe",
]


def surrogate_safe(text: str) -> str:
    """A file name as records and the database show it: bytes that were not UTF-8
    (surrogate escapes) become "\\xNN" (the exact bytes go to `source_base64`)."""
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def index_one(
    path: str,
    *,
    known_sha256: str | None = None,
    keep_personal_data: bool = False,
    **options: Any,
) -> Document:
    """The per-file function of `index`, run in the worker: hash, skip if unchanged, else
    read and tag; identity numbers masked before anything reaches the database."""
    from nlp_motioner.batch import hash_file
    from nlp_motioner.pipeline import process
    from nlp_motioner.privacy import mask_document
    from nlp_motioner.record import Document

    if known_sha256 is not None:
        sha = hash_file(path)
        if sha == known_sha256:
            return Document(
                source=path, file_kind="unknown", sha256=sha, metadata={"unchanged": True}
            )
    doc = process(path, **options)
    doc.lines = []  # the store does not keep layout lines; they need not cross processes
    return doc if keep_personal_data else mask_document(doc)


class PersonalDataConflict(ValueError):
    """The database holds the other kind of text (masked or kept) than this run would add."""


def record_personal_data_choice(store: Store, keep: bool) -> int | None:
    """Record whether the database holds masked text: one database, one choice.

    Raises PersonalDataConflict when it was made with the other choice. A database written
    before the choice was recorded is masked now when masking is wanted; the number of
    documents that changed is returned then (None otherwise).
    """
    have = store.personal_data
    want = "kept" if keep else "masked"
    if have in ("masked", "kept") and have != want:
        if have == "masked":
            raise PersonalDataConflict(
                f"{store.path} holds masked text; --keep-personal-data cannot be added to it "
                "(index into a new database)"
            )
        raise PersonalDataConflict(
            f"{store.path} was indexed with --keep-personal-data; give it again, or index "
            "into a new database to store masked text"
        )
    changed = None
    if have == "unknown" and not keep:
        from nlp_motioner.store.masking import mask_stored

        changed = mask_stored(store)
    store.set_personal_data(keep)
    return changed


class Indexer:
    """One `index` run over a store. `counts` (new, unchanged, replaced, failed, removed)
    stays readable when the run is interrupted: every counted file is committed."""

    def __init__(
        self,
        store: Store,
        *,
        keep_personal_data: bool = False,
        jobs: int = 1,
        timeout: float | None = None,
        scheduler: str | None = None,
        **options: Any,
    ) -> None:
        self.store = store
        self.keep_personal_data = keep_personal_data
        # For batch.run; `options` go on to the pipeline (ocr, max_pages).
        self.run_options = {"jobs": jobs, "timeout": timeout, "scheduler": scheduler, **options}
        self.counts = {"new": 0, "unchanged": 0, "replaced": 0, "failed": 0, "removed": 0}
        self.seen: set[str] = set()

    @property
    def changed(self) -> int:
        return self.counts["new"] + self.counts["replaced"] + self.counts["removed"]

    def index(
        self,
        files: Iterable[str],
        *,
        on_file: Callable[[], None] | None = None,
        skip_failure: Callable[[Document], bool] | None = None,
        on_failure: Callable[[str, str], None] | None = None,
    ) -> dict[str, int]:
        """Store every file of `files` (each once). `on_file` is called once a file is done
        or passed over; a failed file is remembered in the store and handed to `on_failure`
        (source, error) unless `skip_failure(doc)` says it is not a document to count."""
        from nlp_motioner.batch import run

        for doc in run(
            self._todo(files, on_file),
            fn=index_one,
            keep_personal_data=self.keep_personal_data,
            **self.run_options,
        ):
            if on_file is not None:
                on_file()
            raw, doc.source = doc.source, surrogate_safe(doc.source)
            if doc.source != raw:
                doc.metadata["source_base64"] = base64.b64encode(os.fsencode(raw)).decode()
            if doc.metadata.get("unchanged"):
                self.counts["unchanged"] += 1
                continue
            if doc.error:
                if skip_failure is not None and skip_failure(doc):
                    continue
                with uninterrupted:
                    self.store.record_failure(doc.source, doc.error, doc.sha256)
                    self.counts["failed"] += 1
                if on_failure is not None:
                    on_failure(doc.source, doc.error)
                continue
            # Stored and counted together: an interrupt's count is what the database holds.
            with uninterrupted:
                self.counts[self.store.put(doc, source=doc.source)] += 1
        return self.counts

    def _todo(
        self, files: Iterable[str], on_file: Callable[[], None] | None
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        for raw in files:
            source = os.path.normpath(raw)
            shown = surrogate_safe(source)
            if shown in self.seen:
                if on_file is not None:
                    on_file()
                continue
            self.seen.add(shown)
            yield (source, {"known_sha256": self.store.lookup(shown)})

    def prune(self, roots: Iterable[str]) -> int:
        """Delete the rows of files below `roots` that no longer exist (and were not just
        indexed); returns how many files' rows went."""
        roots = [os.path.normpath(r).rstrip(os.sep) + os.sep for r in roots]
        removed = 0
        for source, on_disk in list(self.store.stored_paths()):
            if source in self.seen or os.path.exists(on_disk):
                continue
            if any(source.startswith(r) for r in roots):
                removed += int(self.store.remove(source))
        self.counts["removed"] += removed
        return removed


def refit_semantic(
    store: Store,
    changed: int,
    *,
    progress: Callable[[int, int | None], None] | None = None,
    on_refit: Callable[[Exception], None] | None = None,
) -> dict[str, Any] | None:
    """Bring the LSA model beside the database up to date; None when it already is.

    A model file that cannot be loaded (damaged, another version) is deleted and the model
    refitted from the stored units, after `on_refit(exc)` is told why.
    """
    import inspect

    from nlp_motioner.search import load_model
    from nlp_motioner.search.semantic import update_store

    try:
        loaded = load_model(store)
    except Exception:  # a damaged model file: refit it  # noqa: BLE001
        loaded = None
    stale = loaded is None or loaded[1].get("generation") != store.generation
    if not ((changed or stale) and store.counts()["units"]):
        return None
    # The hook for a progress callback: update_store reports through it once it takes one.
    kwargs: dict[str, Any] = {}
    if progress is not None and "progress" in inspect.signature(update_store).parameters:
        kwargs["progress"] = progress
    try:
        return update_store(store, **kwargs)
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        if on_refit is not None:
            on_refit(exc)
        for suffix in (".lsa.npz", ".lsa.json"):
            with contextlib.suppress(OSError):
                os.unlink(store.path + suffix)
        return update_store(store, **kwargs)
