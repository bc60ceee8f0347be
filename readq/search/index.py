"""`SearchIndex`: per-keystroke search over a library, with predicates, ranking and cancellation.

Per keystroke: parse the query, score each text term (`scoring`, cached per term), compute each
predicate's mask (`predicates`), combine the masks with AND/OR, and order the survivors by score
over the precomputed newest-first order (one stable radix sort). `SearchState` (`state`) holds the
columns; `warmup` precomputes the expensive first keystrokes in a background thread;
`persist` saves and loads the text index. Measurements are in bench/README.md.

Thread-safety: `search` takes one reference to the current state and uses only it; `update`
changes single elements; `replace_all` builds a whole new state and swaps the reference.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from readq.model import Paper
from readq.search import rank
from readq.search.predicates import predicate_mask
from readq.search.query import Kind, Query, parse_query
from readq.search.scoring import text_scores
from readq.search.state import SearchState
from readq.search.warmup import warm_up


@dataclass(frozen=True)
class SearchResult:
    """Indices into `SearchIndex.papers`, best first; `total == len(order)`."""

    query: Query
    order: Sequence[int]  # a numpy int32 array
    total: int
    elapsed_ms: float
    cancelled: bool = False


class SearchIndex:
    """Search a library by the readq query syntax; see the package docstring."""

    def __init__(self, papers: Sequence[Paper], *, warm: bool = False) -> None:
        """Build the index (seconds at 100k papers; `readq.search.cache.load_or_build` reuses a saved one).

        `warm=True` starts `start_warmup()` right away.
        """
        self._state = SearchState(papers)
        self._warm: threading.Thread | None = None
        if warm:
            self.start_warmup()

    @classmethod
    def from_state(cls, state: SearchState) -> SearchIndex:
        """An index over a state made elsewhere (a saved index, `readq.search.persist`)."""
        self = cls.__new__(cls)
        self._state = state
        self._warm = None
        return self

    @property
    def state(self) -> SearchState:
        """The current state (replaced wholesale by `replace_all`)."""
        return self._state

    @property
    def from_catalog(self) -> bool:
        """True when the catalogue columns came from the saved index (see `persist`)."""
        return self._state.from_catalog

    def start_warmup(self) -> None:
        """Precompute, in a daemon thread, what the first keystrokes need: the fuzzy title-word
        table, the `^`/`$` title keys and the scores of every 1-character term (the most expensive
        terms: they match most of the vocabulary). Searches never wait for it; each step is short
        (a few ms, mostly numpy that releases the GIL) so a foreground search is not starved.
        A `replace_all` retires the state being warmed and the thread stops.
        """
        if self._warm is not None and self._warm.is_alive():
            return
        self._warm = threading.Thread(target=warm_up, args=(self._state,), name="readq-search-warmup",
                                      daemon=True)
        self._warm.start()

    def wait_warm(self, timeout: float | None = None) -> bool:
        """Block until the warm-up thread (if any) finished; True when it did (for tests/benches)."""
        t = self._warm
        if t is not None:
            t.join(timeout)
            return not t.is_alive()
        return True

    def save(self, path: Path | str, *, key: str = "") -> None:
        """Save the text index to `path` atomically (see `readq.search.persist`)."""
        from readq.search import persist

        persist.save_state(self._state, Path(path), key)

    @classmethod
    def load(cls, path: Path | str, papers: Sequence[Paper], *, key: str | None = None) -> SearchIndex:
        """An index over `papers` from a file written by `save`.

        Raises `persist.CacheMismatch` (a ValueError) when the file is damaged, of another format
        version, saved with another `key` (when `key` is given) or for other papers; OSError when
        it cannot be read.
        """
        from readq.search import persist

        return cls.from_state(persist.load_state(Path(path), papers, key))

    def __len__(self) -> int:
        return self._state.n

    @property
    def papers(self) -> Sequence[Paper]:
        return self._state.papers

    @property
    def build_seconds(self) -> float:
        return self._state.build_s

    def nbytes(self) -> int:
        """Approximate memory of the index structures (not the papers themselves)."""
        st = self._state
        arrays = sum(a.nbytes for a in (st.prefix_docs, st.suffix_docs, st.recency, st.status,
                                        st.starred, st.year, st.upvotes, st.authors, st.seen,
                                        st.has_links, st.org_code))
        strings = sum(
            sum(len(k) + 49 + 8 for k in keys) for keys in (st._prefix_keys, st._suffix_keys) if keys)
        strings += sum(a.nbytes for a in st.pinned.values())
        return st.text.nbytes() + arrays + strings

    def update(self, paper: Paper) -> None:
        """A paper's triage state (or other metadata) changed; text changes need `replace_all`."""
        st = self._state
        i = st.ids.get(paper.id)
        if i is None:
            return
        st.papers[i] = paper
        st.set_fields(i, paper)

    def replace_all(self, papers: Sequence[Paper]) -> None:
        old, warm = self._state, self._warm is not None
        self._state = SearchState(papers)
        old.retired = True
        if warm:
            self.start_warmup()

    def search(self, query: str | Query, *, cancel: Callable[[], bool] | None = None) -> SearchResult:
        t0 = time.perf_counter()
        q = query if isinstance(query, Query) else parse_query(query)
        st = self._state

        def stopped() -> bool:
            return cancel is not None and bool(cancel())

        mask: np.ndarray | None = None
        total: np.ndarray | None = None
        for group in q.groups:
            if stopped():
                return SearchResult(q, np.zeros(0, np.int32), 0, _ms(t0), cancelled=True)
            gmask: np.ndarray | None = None
            gscore: np.ndarray | None = None
            for term in group:
                scores = None
                if term.kind is Kind.FIELD:
                    m = predicate_mask(st, term)
                else:
                    scores = text_scores(st, term, stopped)
                    if scores is None:
                        return SearchResult(q, np.zeros(0, np.int32), 0, _ms(t0), cancelled=True)
                    m = scores > 0
                if term.negate:
                    m, scores = ~m, None
                gmask = m if gmask is None else gmask | m
                if scores is not None:
                    gscore = scores if gscore is None else np.maximum(gscore, scores)
            mask = gmask if mask is None else mask & gmask
            if gscore is not None:
                total = gscore.astype(np.int32) if total is None else total + gscore
        cands = st.recency if mask is None else st.recency[mask[st.recency]]
        order = rank.order_by_score(cands, total) if total is not None else cands
        return SearchResult(q, order, int(len(order)), _ms(t0))


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000
