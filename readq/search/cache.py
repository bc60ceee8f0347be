"""When to reuse the saved search index and when to build one: `load_or_build`.

The index is saved next to the library (`<library>/cache/`), keyed by the catalogue generation
(every import changes it) and checked against the papers, so a stale or damaged file is rebuilt,
never trusted and never an error.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from readq.model import Paper
from readq.search.index import SearchIndex
from readq.search.persist import index_path, load_state, save_state

log = logging.getLogger(__name__)


def load_or_build(papers: Sequence[Paper], cache_dir: Path | str, key: str, *,
                  warm: bool = True, catalog: bool = False, durable: bool = True) -> SearchIndex:
    """The search index for `papers`: loaded from `cache_dir` when saved for the same `key` and the
    same papers, else built and saved there (a failed save is logged, never raised).

    `warm=True` starts the background warm-up (`SearchIndex.start_warmup`), which an interactive
    session wants and a one-shot CLI query does not.

    `catalog=True`: the caller (`Library.search_index`) vouches that `papers` are the library
    catalogue whose generation is `key`, in its stored order, where only status and starred can
    have changed since it was written. The per-paper columns that change only with a catalogue
    write (dates, upvotes, orgs...) are then saved with the index and loaded from it, and the
    papers are matched by their ids alone (see `persist.load_state`).

    `durable=False` saves without fsync (the file is checked on load, so a crash costs a rebuild).
    """
    path = index_path(cache_dir)
    index: SearchIndex | None = None
    try:
        index = SearchIndex.from_state(load_state(path, papers, key, catalog=catalog))
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - any unusable cache means: rebuild it
        log.info("search index cache %s not used: %s", path, exc)
    if index is None or (catalog and not index.from_catalog):
        if index is None:
            index = SearchIndex(papers)
        try:
            save_state(index.state, path, key, catalog=catalog, durable=durable)
        except Exception as exc:  # noqa: BLE001 - a cache we cannot write only costs time
            log.warning("could not save the search index to %s: %s", path, exc)
    if warm:
        index.start_warmup()
    return index
