"""When to reuse the saved search index and when to build one: `load_or_build`.

The index is saved next to the library (`<library>/cache/`), keyed by the catalogue generation
(every import changes it) and checked against the papers, so a stale or damaged file is rebuilt,
never trusted and never an error.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from readq.model import Paper
from readq.search.index import SearchIndex
from readq.search.persist import CacheMismatch, index_path, load_state, load_text, save_state
from readq.search.state import SearchState
from readq.search.textindex import TextIndex
from readq.search.textmerge import merge_indexes

log = logging.getLogger(__name__)


#: Above this share of new or changed papers a fresh build is as cheap as extending the old index.
EXTEND_MAX_SHARE = 0.25


@dataclass(frozen=True)
class Previous:
    """The catalogue an import started from: its generation, its ids in stored order, and the
    papers whose title or abstract the import (or a change since that catalogue) touched."""

    key: str
    ids: list[str]
    changed: frozenset[str] = field(default_factory=frozenset)


def load_or_build(papers: Sequence[Paper], cache_dir: Path | str, key: str, *,
                  warm: bool = True, catalog: bool = False, durable: bool = True,
                  previous: Previous | None = None) -> SearchIndex:
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

    `previous` (with `catalog=True`): when there is no index for `key` yet but there is one for
    the previous catalogue, the new index extends it (`extend`) instead of tokenizing every paper.
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
        if index is None and previous is not None and catalog:
            state = extend(papers, path, previous)
            index = SearchIndex.from_state(state) if state is not None else None
        if index is None:
            index = SearchIndex(papers)
        try:
            save_state(index.state, path, key, catalog=catalog, durable=durable)
        except Exception as exc:  # noqa: BLE001 - a cache we cannot write only costs time
            log.warning("could not save the search index to %s: %s", path, exc)
    if warm:
        index.start_warmup()
    return index


def extend(papers: Sequence[Paper], path: Path, previous: Previous) -> SearchState | None:
    """The state for `papers` made from the index saved for `previous` plus a small index of the
    papers it lacks (`readq.search.textmerge`); None when that index is missing or unusable, the
    order of the papers it kept changed, or most papers are new (a full build is then as cheap)."""
    n = len(papers)
    position = {p.id: i for i, p in enumerate(papers)}
    changed = previous.changed
    old_pos = np.fromiter((-1 if pid in changed else position.get(pid, -1) for pid in previous.ids),
                          dtype=np.int64, count=len(previous.ids))
    kept = old_pos[old_pos >= 0]
    if n - len(kept) > EXTEND_MAX_SHARE * n or np.any(np.diff(kept) <= 0):
        return None
    try:
        old = load_text(path, previous.key, previous.ids)
    except (CacheMismatch, OSError) as exc:
        log.info("search index %s not extended: %s", path, exc)
        return None
    is_old = np.zeros(n, dtype=bool)
    is_old[kept] = True
    new_pos = np.flatnonzero(~is_old)
    fresh = [papers[i] for i in new_pos.tolist()]
    new = TextIndex.build([p.title for p in fresh], [p.abstract for p in fresh])
    return SearchState(papers, text=merge_indexes(old, old_pos, new, new_pos, n))
