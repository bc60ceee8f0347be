"""`SearchIndex`: per-keystroke search over a library, with predicates, ranking and cancellation.

Per keystroke the work is: parse (~20 us), per text term a vocabulary scan plus a postings union
(cached per term, so typing `video t` -> `video te` recomputes only the last term), predicate masks
from numpy arrays (never cached: statuses change), an AND/OR of boolean masks, and one stable radix
sort of the survivors' scores over the precomputed newest-first order. Nothing scans the abstracts
except the verify step of case-sensitive terms and phrases, which only visits candidates.
See `textindex` for the index design and the measurements behind it, `rank` for scoring.

Profile of bench/search_bench.py's typed queries at 100k (cProfile, 169 keystrokes, 2.4 s total):
fuzzy title words 0.9 s (`process.extract` + a regex over all 19k title words + a Python ratio
loop: 13-45 ms per keystroke for terms of >= 4 letters), postings gathers for short terms 0.85 s
(1-character terms 35-100 ms, e.g. "t" in "video t", "!s"; 2-letter terms 5-15 ms), the rest
< 0.3 s. Changes, and the side-by-side result (same process, keystrokes interleaved, identical
result lists): fuzzy narrowed by length/first letter and vectorised (`rank.TitleWords`, 1-3 ms);
short terms scored from a forward index (`textindex`); a warm-up thread (`start_warmup`, ~0.7 s of
background work at 100k) precomputes every 1-character term, the fuzzy word table and the `^`/`$`
keys. Typed-query latency at 100k (two runs): p50 4.7-6.4 -> 2.0-2.7 ms, p95 17-19 -> 6.6-7.0 ms,
max 31-34 -> 9-10 ms; at 10k p95 3.2 -> 1.7 ms; at 1k p95 1.1 -> 0.9 ms. Start-up: `_State` reads the per-paper columns with one C-level pass per column
and leaves what the first search does not need lazy (ids dict, `digest:`, `arxiv:`, `has:abstract`
data), and sorts recency by ranking the few distinct dates (0.8 s -> 0.05 s). Still slow: a
case-sensitive term whose lowercase form is common (`Video`: its lowercase candidates are most of
the library, each verified with `in`) ~100-300 ms at 100k, and a quoted phrase of common words
(`"video te"`) ~150-300 ms; both are cancellable between batches of 4,096 candidates.

Thread-safety: `search` takes one reference to the current immutable-shaped `_State` and uses only
it. `update` writes single elements of the state's numpy arrays and list (atomic under the GIL), so
a concurrent search sees the old or the new status of that paper, never a torn structure.
`replace_all` builds a whole new state and swaps the reference. The per-term cache is keyed by term
and lives on the state (text never changes within a state), guarded by a lock.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from operator import attrgetter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from readq.selection import digest_names
from readq.model import Paper, Status
from readq.search import rank
from readq.search.query import Kind, Query, Term, parse_query
from readq.search.textindex import FieldPostings, TextIndex, is_token_term, is_word_term

_STATUS_CODE = {s: i for i, s in enumerate(Status)}
# per-paper columns that change only with a catalogue write (saved with the index, see `_State`)
CATALOG_COLUMNS = ("recency", "year", "upvotes", "authors", "seen", "has_links", "org_code")
_CACHE_TERMS = 48
_VERIFY_BATCH = 4096
_FORWARD_SHARE = 6  # forward scan when a term's postings exceed 1/6 of the field's pairs
_EDGE_PUNCT = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum())


@dataclass(frozen=True)
class SearchResult:
    """Indices into `SearchIndex.papers`, best first; `total == len(order)`."""

    query: Query
    order: Sequence[int]  # a numpy int32 array
    total: int
    elapsed_ms: float
    cancelled: bool = False


class _State:
    """Everything one search needs, built together; replaced wholesale by `replace_all`.

    The text-derived part (`text`, `title_order`, `suffix_docs`) can come from a saved index
    (`readq.search.persist`); everything that can change without an import (status, stars, upvotes,
    dates...) is always read from `papers`.
    """

    def __init__(self, papers: Sequence[Paper], *, text: TextIndex | None = None,
                 title_order: np.ndarray | None = None, suffix_docs: np.ndarray | None = None,
                 columns: tuple[list[str], list[str], list[str]] | None = None,
                 saved: dict[str, object] | None = None) -> None:
        """`saved`: the catalogue columns (`CATALOG_COLUMNS`, `orgs`) saved with the index, for
        papers the caller vouches are that same catalogue (`persist.load_or_build(catalog=True)`):
        then no per-paper pass is made but status and starred (~30 ms at 100k, instead of ~0.5 s
        for the columns, dates and orgs read from 100k scattered Paper objects)."""
        t0 = time.perf_counter()
        # A lazy catalogue view (`readq.store.CatalogView`) is kept as it is and gives ids and
        # state itself: `readq list --query` then decodes only the papers it prints.
        lazy = getattr(papers, "search_columns", None)
        self.papers: list[Paper] = papers if lazy is not None else list(papers)  # type: ignore[assignment]
        ps = self.papers
        n = self.n = len(ps)
        # per-paper columns via C-level `map(attrgetter)`, one pass per column, and nothing that is
        # not needed for the first search (ids dict, has:abstract, digest:, arxiv: are lazy): this
        # runs at every start, also when the index is loaded. Each pass over 100k scattered Paper
        # objects costs ~10-20 ms on the 2-core VM (cache misses), whatever it computes.
        # `titles`/`abstracts`/`_id_list` are read on first use when the index is loaded.
        self._columns = columns
        self._ids: dict[str, int] | None = None
        self._has_abstract: np.ndarray | None = None
        built = text is None
        self.text = TextIndex.build(self.titles, self.abstracts) if text is None else text
        if title_order is None or suffix_docs is None:
            low = [t.lower() for t in self.titles]
            order = sorted(range(n), key=self.titles.__getitem__)
            order.sort(key=low.__getitem__)  # stable: by lowercase title, then title
            title_order = np.asarray(order, dtype=np.int32)
            rev = [t[::-1] for t in low]
            suffix_docs = np.asarray(sorted(range(n), key=rev.__getitem__), dtype=np.int32)
        self.title_order = title_order  # by (lowercase title, title): also the `^prefix` order
        self.suffix_docs = suffix_docs
        self._prefix_keys: list[str] | None = None
        self._suffix_keys: list[str] | None = None
        if lazy is not None:
            _ids, self.status, self.starred = lazy()
        else:
            code = _STATUS_CODE.get
            self.status = np.fromiter(map(code, map(_STATUS, ps), _zeros(n)), dtype=np.int8, count=n)
            self.starred = np.fromiter(map(_STARRED, ps), dtype=bool, count=n)
        self.orgs: list[str] = []
        self._org_ids: dict[str, int] = {}
        self.from_catalog = saved is not None
        if saved is not None:
            # copies: `update` writes single elements (the saved arrays are read-only file views)
            self.recency = np.array(saved["recency"], dtype=np.int32)
            self.year = np.array(saved["year"], dtype=np.int32)
            self.upvotes = np.array(saved["upvotes"], dtype=np.int32)
            self.authors = np.array(saved["authors"], dtype=np.int32)
            self.seen = np.array(saved["seen"], dtype=np.int32)
            self.has_links = np.array(saved["has_links"], dtype=bool)
            self.org_code = np.array(saved["org_code"], dtype=np.int32)
            self.orgs = list(saved["orgs"])  # type: ignore[call-overload]
            self._org_ids = {org: i for i, org in enumerate(self.orgs)}
        else:
            self._catalog_columns(ps, n, title_order)
        self._file_docs: dict[str, list[int]] | None = None  # lazy: only `digest:` needs them
        self._arxiv: tuple[str, np.ndarray, np.ndarray] | None = None  # lazy: `arxiv:`, `has:arxiv`
        self._title_words: rank.TitleWords | None = None
        self.cache: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self.pinned: dict[str, np.ndarray] = {}  # warm-up results for 1-2 character terms, never evicted
        self.lock = threading.Lock()
        self.retired = False  # set by `replace_all`: a warm-up thread on this state stops
        if built:
            _release_freed_memory()
        self.build_s = time.perf_counter() - t0

    def _catalog_columns(self, ps: list[Paper], n: int, title_order: np.ndarray) -> None:
        """The columns that change only with a catalogue write, read from the papers."""
        dates = list(map(_PUBLISHED, ps))
        for i in [i for i, d in enumerate(dates) if not d]:
            dates[i] = ps[i].date or ""
        # newest first, ties in title order: rank the few distinct dates, one stable numpy sort
        distinct = sorted(set(dates))
        rank_of = dict(zip(distinct, range(len(distinct))))
        dkey = np.fromiter(map(rank_of.__getitem__, dates), dtype=np.int32, count=n)
        neg = (len(distinct) - 1 - dkey[title_order])
        neg = neg.astype(np.int16) if len(distinct) < 32768 else neg  # int16: a radix sort
        self.recency = np.ascontiguousarray(title_order[np.argsort(neg, kind="stable")], dtype=np.int32)
        year_of = np.fromiter((int(d[:4]) if d else 0 for d in distinct), dtype=np.int32, count=len(distinct))
        self.year = year_of[dkey] if n else np.zeros(0, np.int32)
        upv = list(map(_UPVOTES, ps))
        self.upvotes = np.fromiter((-1 if u is None else u for u in upv), dtype=np.int32, count=n)
        counts = list(map(_AUTHORS_COUNT, ps))
        for i in [i for i, c in enumerate(counts) if c is None]:
            counts[i] = _authors(ps[i])
        self.authors = np.asarray(counts, dtype=np.int32) if n else np.zeros(0, np.int32)
        self.seen = np.fromiter(map(len, map(_SOURCES, ps)), dtype=np.int32, count=n)
        self.has_links = np.fromiter(map(bool, map(_LINKS, ps)), dtype=bool, count=n)
        self.org_code = np.full(n, -1, dtype=np.int32)
        for i, org in enumerate(map(_ORG, ps)):
            if org:
                self._set_org(i, org)

    def catalog_columns(self) -> dict[str, np.ndarray]:
        """What `saved` takes (but `orgs`), for `readq.search.persist`."""
        return {name: getattr(self, name) for name in CATALOG_COLUMNS}

    def _text_columns(self) -> tuple[list[str], list[str], list[str]]:
        cols = self._columns
        if cols is None:
            ps = self.papers
            cols = self._columns = (list(map(_ID, ps)), list(map(_TITLE, ps)), list(map(_ABSTRACT, ps)))
        return cols

    @property
    def _id_list(self) -> list[str]:
        return self._text_columns()[0]

    @property
    def titles(self) -> list[str]:
        return self._text_columns()[1]

    @property
    def abstracts(self) -> list[str]:
        return self._text_columns()[2]

    @property
    def ids(self) -> dict[str, int]:
        ids = self._ids
        if ids is None:
            ids = self._ids = dict(zip(self._id_list, range(self.n)))
        return ids

    @property
    def has_abstract(self) -> np.ndarray:
        h = self._has_abstract
        if h is None:
            h = self._has_abstract = np.fromiter(map(bool, self.abstracts), dtype=bool, count=self.n)
        return h

    @property
    def file_docs(self) -> dict[str, list[int]]:
        fd = self._file_docs
        if fd is None:
            fd = {}
            for i, sources in enumerate(map(_SOURCES, self.papers)):
                for s in sources:
                    fd.setdefault(s.file.lower(), []).append(i)
            self._file_docs = fd
        return fd

    @property
    def arxiv(self) -> tuple[str, np.ndarray, np.ndarray]:
        """("\\n"-joined lowercase arxiv ids, start offset of each paper's id, has-an-id mask)."""
        ax = self._arxiv
        if ax is None:
            ids = [(a or "").lower() for a in map(_ARXIV, self.papers)]
            lens = np.fromiter((len(a) + 1 for a in ids), dtype=np.int64, count=len(ids))
            starts = np.concatenate(([1], 1 + np.cumsum(lens)[:-1])) if len(ids) else lens
            ax = self._arxiv = ("\n" + "\n".join(ids) + "\n", starts, lens > 1)
        return ax

    def _set_org(self, i: int, org: str) -> None:
        key = org.lower()
        code = self._org_ids.get(key)
        if code is None:
            code = self._org_ids[key] = len(self.orgs)
            self.orgs.append(key)
        self.org_code[i] = code

    def _set_fields(self, i: int, p: Paper) -> None:
        """Predicate columns for one paper: element writes only, so `update` is O(1) and atomic."""
        self.status[i] = _STATUS_CODE.get(p.status, 0)
        self.starred[i] = p.starred
        self.year[i] = p.year or 0
        self.upvotes[i] = -1 if p.upvotes is None else p.upvotes
        self.authors[i] = _authors(p)
        self.seen[i] = len(p.sources)
        self.has_links[i] = bool(p.links)
        if p.org:
            self._set_org(i, p.org)
        else:
            self.org_code[i] = -1
        self._arxiv = self._file_docs = None  # rebuilt from `papers` on next use

    @property
    def prefix_keys(self) -> list[str]:
        if self._prefix_keys is None:
            titles = self.titles
            self._prefix_keys = [titles[i].lower() for i in self.title_order.tolist()]
        return self._prefix_keys

    @property
    def prefix_docs(self) -> np.ndarray:
        return self.title_order

    @property
    def suffix_keys(self) -> list[str]:
        if self._suffix_keys is None:
            titles = self.titles
            self._suffix_keys = [titles[i].lower()[::-1] for i in self.suffix_docs.tolist()]
        return self._suffix_keys

    @property
    def title_words(self) -> rank.TitleWords:
        if self._title_words is None:
            tp = self.text.title
            v = self.text.vocab
            in_title = np.flatnonzero(np.diff(tp.indptr) > 0)
            words = v.words.ids[np.isin(v.words.ids, in_title)]
            self._title_words = rank.TitleWords(v.tokens, words)
        return self._title_words


_ID, _TITLE, _ABSTRACT = attrgetter("id"), attrgetter("title"), attrgetter("abstract")
_PUBLISHED, _STATUS, _STARRED = attrgetter("published"), attrgetter("status"), attrgetter("starred")
_UPVOTES, _AUTHORS_COUNT = attrgetter("upvotes"), attrgetter("authors_count")
_SOURCES, _LINKS, _ORG, _ARXIV = attrgetter("sources"), attrgetter("links"), attrgetter("org"), attrgetter("arxiv_id")


def _zeros(n: int) -> Iterator[int]:
    return repeat(0, n)


def _authors(p: Paper) -> int:
    count = p.authors_count if p.authors_count is not None else (len(p.authors) or None)
    return -1 if count is None else count


_WARM_CHARS = "etaoinsrlcdhmpugfvbywkxjqz0123456789"  # most frequent first
# Two-letter word starts pinned by the warm-up. The first two letters of a typed word match much
# of the vocabulary, so their scores take the slow forward scan (5-7 ms at 100k papers, up to
# 18 ms on a busy machine): the slowest keystrokes of a typed query. The 48 most common starts in
# the library (weighted by document frequency) cover ~70% of word starts in its text, for
# 0.2 MB each at 100k papers and ~0.25 s of background CPU.
_WARM_BIGRAMS = 48


def _warm_up(st: _State) -> None:
    """Body of the warm-up thread; see `SearchIndex.start_warmup`."""
    try:
        for step in _warm_steps(st):
            if st.retired:
                return
            step()
            time.sleep(0.001)  # let a waiting foreground search take the GIL between steps
    except Exception:  # noqa: BLE001 - warm-up is an optimisation; searches compute on demand
        return


def _warm_steps(st: _State) -> Iterator[Callable[[], object]]:
    """The warm-up's steps, in order; lazy, so the word starts are counted once tables exist."""
    yield lambda: st.title_words
    # `fuzzy` once: its first call pays one-time costs (numpy imports `numpy.ma` on the first
    # `np.unique`: 18 ms, measured on the first 4-letter term typed at 100k papers)
    yield lambda: st.title_words.fuzzy("warm")
    yield lambda: st.ids
    yield lambda: st.prefix_keys
    yield lambda: st.suffix_keys
    for ch in _WARM_CHARS:
        yield lambda ch=ch: _pin(st, ch)
    for start in _common_word_starts(st, _WARM_BIGRAMS):
        yield lambda start=start: _pin(st, start)


def _common_word_starts(st: _State, k: int) -> list[str]:
    """The `k` most common two-character word starts, weighted by documents containing the word."""
    ti = st.text
    tokens, df = ti.vocab.tokens, ti.title.df + ti.abstract.df
    weight: dict[str, int] = {}
    for i, d in zip(ti.vocab.words.ids.tolist(), df[ti.vocab.words.ids].tolist()):
        start = tokens[i][:2]
        if len(start) == 2:
            weight[start] = weight.get(start, 0) + d
    return sorted(weight, key=weight.__getitem__, reverse=True)[:k]


def _pin(st: _State, ch: str) -> None:
    if ch in st.pinned:
        return
    value = _substring_scores(st, ch, lambda: st.retired)
    if value is not None:
        st.pinned[ch] = value


def _release_freed_memory() -> None:
    """Hand the build's transient buffers back to the OS (glibc keeps them: +110 MB RSS at 100k)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


class SearchIndex:
    """Search a library by the readq query syntax; see the package docstring."""

    def __init__(self, papers: Sequence[Paper], *, warm: bool = False) -> None:
        """Build the index (~5 s at 100k; see `readq.search.persist.load_or_build` to reuse one).

        `warm=True` starts `start_warmup()` right away.
        """
        self._state = _State(papers)
        self._warm: threading.Thread | None = None
        if warm:
            self.start_warmup()

    @classmethod
    def _from_state(cls, state: _State) -> SearchIndex:
        self = cls.__new__(cls)
        self._state = state
        self._warm = None
        return self

    def start_warmup(self) -> None:
        """Precompute, in a daemon thread, what the first keystrokes need: the fuzzy title-word
        table, the `^`/`$` title keys and the scores of every 1-character term (the most expensive
        terms: they match most of the vocabulary). Searches never wait for it; each step is short
        (a few ms, mostly numpy that releases the GIL) so a foreground search is not starved.
        A `replace_all` retires the state being warmed and the thread stops.
        """
        if self._warm is not None and self._warm.is_alive():
            return
        self._warm = threading.Thread(target=_warm_up, args=(self._state,), name="readq-search-warmup",
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

        persist.save_index(self, Path(path), key)

    @classmethod
    def load(cls, path: Path | str, papers: Sequence[Paper], *, key: str | None = None) -> SearchIndex:
        """An index over `papers` from a file written by `save`.

        Raises `persist.CacheMismatch` (a ValueError) when the file is damaged, of another format
        version, saved with another `key` (when `key` is given) or for other papers; OSError when
        it cannot be read.
        """
        from readq.search import persist

        return persist.load_index(Path(path), papers, key)

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
        st._set_fields(i, paper)

    def replace_all(self, papers: Sequence[Paper]) -> None:
        old, warm = self._state, self._warm is not None
        self._state = _State(papers)
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
                    m = _predicate(st, term)
                else:
                    scores = _text_scores(st, term, stopped)
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


# --- predicates ---------------------------------------------------------------------------------


def _compare(arr: np.ndarray, term: Term, missing: int) -> np.ndarray:
    op, v = term.op, term.value
    known = arr != missing
    if op == "..":
        lo, hi = v  # type: ignore[misc]
        return known & (arr >= lo) & (arr <= hi)
    ops = {"=": np.equal, ">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal}
    return known & ops.get(op or "=", np.equal)(arr, v)


def _predicate(st: _State, term: Term) -> np.ndarray:
    f, v = term.field, term.value
    if f == "is":
        if v == "starred":
            return st.starred.copy()
        if v == "unstarred":
            return ~st.starred
        if v == "unread":
            return (st.status == _STATUS_CODE[Status.NEW]) | (st.status == _STATUS_CODE[Status.TO_READ])
        return st.status == _STATUS_CODE[Status(v)]
    if f == "year":
        return _compare(st.year, term, 0)
    if f == "upvotes":
        return _compare(st.upvotes, term, -1)
    if f == "authors":
        return _compare(st.authors, term, -1)
    if f == "seen":
        return _compare(st.seen, term, -1)
    if f == "has":
        return {
            "links": lambda: st.has_links.copy(),
            "arxiv": lambda: st.arxiv[2].copy(),
            "org": lambda: st.org_code >= 0,
            "abstract": lambda: st.has_abstract.copy(),
            "upvotes": lambda: st.upvotes >= 0,
            "authors": lambda: st.authors >= 0,
            "tags": lambda: np.fromiter((bool(p.tags) for p in st.papers), dtype=bool, count=st.n),
            "note": lambda: np.fromiter((bool(p.note) for p in st.papers), dtype=bool, count=st.n),
        }[str(v)]()
    if f == "tag":  # the user's own fields are read from the papers: they change without an import
        return np.fromiter((any(t.casefold() == v for t in p.tags) for p in st.papers), dtype=bool, count=st.n)
    if f == "note":
        return np.fromiter((bool(p.note) and v in p.note.casefold() for p in st.papers), dtype=bool,
                           count=st.n)
    mask = np.zeros(st.n, dtype=bool)
    value = str(v)
    if f == "org":
        for code, org in enumerate(list(st.orgs)):
            if value in org:
                mask |= st.org_code == code
    elif f == "digest":
        files = st.file_docs
        for name in digest_names(files, value):
            mask[files[name]] = True
    elif f == "arxiv":
        value = value.removeprefix("arxiv:").strip()
        text, starts, _has = st.arxiv
        pos = [m.start() for m in re.finditer(re.escape(value), text)] if value else []
        if pos:
            mask[np.searchsorted(starts, np.asarray(pos), side="right") - 1] = True
    return mask


# --- text terms ----------------------------------------------------------------------------------


def _gather(fp: FieldPostings, ids: np.ndarray) -> np.ndarray:
    """Sparse doc ids (with repeats) of documents containing any of `ids`."""
    starts = fp.indptr[ids]
    lens = fp.indptr[ids + 1] - starts
    total = int(lens.sum())
    if not total:
        return np.zeros(0, dtype=np.int32)
    offsets = np.cumsum(lens) - lens
    return fp.docs[np.repeat(starts - offsets, lens) + np.arange(total)]


def _dense_levels(fp: FieldPostings, ids: np.ndarray, quality: np.ndarray, level: np.ndarray, n: int) -> None:
    """Raise `level` (int8 per doc) to the best quality among the dense tokens of `ids`."""
    rows = fp.dense_row[ids]
    has = rows >= 0
    if not has.any():
        return
    rows, quality = rows[has], quality[has]
    words = fp.bitmaps.view(np.uint64)
    for qv in (1, 2, 3):
        sel = rows[quality == qv]
        if not len(sel):
            continue
        packed = np.bitwise_or.reduce(words[sel], axis=0) if len(sel) > 1 else words[sel[0]]
        hit = np.unpackbits(packed.view(np.uint8), count=n).view(np.int8)
        np.maximum(level, hit * np.int8(qv), out=level)


def _field_scores(fp: FieldPostings, ids: np.ndarray, quality: np.ndarray, table: np.ndarray, n: int) -> np.ndarray:
    """Score per document: `table[best quality of any of the tokens `ids` in this field]`."""
    level = np.zeros(n, dtype=np.int8)
    lens = fp.indptr[ids + 1] - fp.indptr[ids]
    sparse = int(lens.sum())
    if sparse * _FORWARD_SHARE > len(fp.fwd_tok):
        # a short term matching much of the vocabulary: one pass over the forward index (a gather
        # from a vocabulary-sized table and a per-document max) beats gathering each token's postings
        qtok = np.zeros(len(fp.indptr) - 1, dtype=np.int8)
        qtok[ids] = quality
        per_pair = qtok[fp.fwd_tok]
        counts = np.diff(fp.fwd_indptr)
        nonempty = np.flatnonzero(counts)
        if len(nonempty):
            level[nonempty] = np.maximum.reduceat(per_pair, fp.fwd_indptr[nonempty])
    elif sparse:
        for qv in (1, 2, 3):  # ascending, so a better quality overwrites a worse one
            sel = ids[quality == qv]
            if len(sel):
                level[_gather(fp, sel)] = qv
    _dense_levels(fp, ids, quality, level, n)
    return table[level]


def _substring_scores(st: _State, key: str, stopped: Callable[[], bool]) -> np.ndarray | None:
    """Scores of documents whose title/abstract contain `key` (lowercase), case-insensitively."""
    ti, n = st.text, st.n
    if is_token_term(key):
        scan = ti.vocab.words if is_word_term(key) else ti.vocab.compounds
        ids, quality = scan.find(key)
        t = _field_scores(ti.title, ids, quality, rank.TITLE_SCORE, n)
        a = _field_scores(ti.abstract, ids, quality, rank.ABSTRACT_SCORE, n)
        return np.maximum(t, a) + a // 10
    # a phrase or odd punctuation: intersect the pieces' matches, then verify the candidates
    pieces = [p for p in re.split(r"[^0-9a-z\u0080-\U0010ffff]+", key) if p]
    cand: np.ndarray | None = None
    for piece in pieces:
        s = _cached(st, ("sub", piece), lambda p=piece: _substring_scores(st, p, stopped))
        if s is None:
            return None
        cand = s > 0 if cand is None else cand & (s > 0)
    idx = np.flatnonzero(cand) if cand is not None else np.arange(n)
    return _verify(st, idx, key, str.lower, stopped)


def _verify(st: _State, idx: np.ndarray, needle: str, fold: Callable[[str], str],
            stopped: Callable[[], bool]) -> np.ndarray | None:
    """Exact check of candidates only: title hit scores as a title prefix, abstract as inside.

    Batches of list comprehensions (`needle in text`, no per-document numpy writes, no call when
    `fold` is the identity) then vectorised scoring: ~2-3x faster than a per-document loop.
    """
    out = np.zeros(st.n, dtype=np.int16)
    titles, abstracts = st.titles, st.abstracts
    title_val, abs_val = int(rank.TITLE_SCORE[2]), int(rank.ABSTRACT_SCORE[1])
    same = fold is _same
    for lo in range(0, len(idx), _VERIFY_BATCH):
        if lo and stopped():
            return None
        part = idx[lo : lo + _VERIFY_BATCH]
        ids = part.tolist()
        if same:
            a = [needle in abstracts[i] for i in ids]
            t = [needle in titles[i] for i in ids]
        else:
            a = [needle in fold(abstracts[i]) for i in ids]
            t = [needle in fold(titles[i]) for i in ids]
        a_hit = np.asarray(a, dtype=bool)
        t_hit = np.asarray(t, dtype=bool)
        out[part] = np.where(t_hit, title_val + np.where(a_hit, abs_val // 10, 0), np.where(a_hit, abs_val, 0))
    return out


def _same(s: str) -> str:
    return s


def _title_range(keys: list[str], docs: np.ndarray, key: str) -> np.ndarray:
    import bisect

    lo = bisect.bisect_left(keys, key)
    hi = bisect.bisect_left(keys, key + "\U0010ffff")
    return docs[lo:hi]


def _compute(st: _State, term: Term, stopped: Callable[[], bool]) -> np.ndarray | None:
    low = term.text.lower()
    n = st.n
    if term.kind in (Kind.PREFIX, Kind.SUFFIX, Kind.EQUAL):
        out = np.zeros(n, dtype=np.int16)
        if term.kind is Kind.SUFFIX:
            docs = _title_range(st.suffix_keys, st.suffix_docs, low[::-1])
        else:
            docs = _title_range(st.prefix_keys, st.prefix_docs, low)
        if term.kind is Kind.EQUAL:
            docs = docs[[st.titles[i].lower() == low for i in docs.tolist()]] if len(docs) else docs
        score = {Kind.PREFIX: rank.TITLE_PREFIX_SCORE, Kind.SUFFIX: rank.TITLE_SUFFIX_SCORE,
                 Kind.EQUAL: rank.TITLE_EQUAL_SCORE}[term.kind]
        if term.case_sensitive and len(docs):
            t = term.text
            check = {Kind.PREFIX: lambda s: s.startswith(t), Kind.SUFFIX: lambda s: s.endswith(t),
                     Kind.EQUAL: lambda s: s == t}[term.kind]
            docs = docs[[check(st.titles[i]) for i in docs.tolist()]]
        out[docs] = score
        return out
    if term.kind is Kind.FUZZY:
        # forgiving: edge punctuation of a plain term is ignored ("text-" while typing
        # "text-to-video", "models." at a sentence end); `'exact` and quotes keep it strict
        core = low.strip(_EDGE_PUNCT)
        if core and core != low and is_token_term(core):
            low = core
    sub = _cached(st, ("sub", low), lambda: _substring_scores(st, low, stopped))
    if sub is None:
        return None
    if term.case_sensitive:
        sub = _verify(st, np.flatnonzero(sub), term.text, _same, stopped)
        if sub is None:
            return None
    if term.kind is not Kind.FUZZY or len(low) < rank.MIN_FUZZY_LEN or not is_word_term(low):
        return sub
    ids, scores = st.title_words.fuzzy(low)
    if not len(ids):
        return sub
    fuzzy = np.zeros(n, dtype=np.int16)
    fp = st.text.title
    starts = fp.indptr[ids]
    lens = fp.indptr[ids + 1] - starts
    total = int(lens.sum())
    offsets = np.cumsum(lens) - lens
    docs = fp.docs[np.repeat(starts - offsets, lens) + np.arange(total)]
    np.maximum.at(fuzzy, docs, np.repeat(scores, lens))
    if term.case_sensitive:  # smart case applies to fuzzy matches too: same letters, same case
        pat = re.compile(rank.subsequence_pattern(term.text))
        hit = np.flatnonzero(fuzzy)
        keep = np.array([bool(pat.search(st.titles[i])) for i in hit.tolist()], dtype=bool)
        fuzzy[hit[~keep]] = 0
    return np.maximum(sub, fuzzy)


def _cached(st: _State, key: tuple, make: Callable[[], np.ndarray | None]) -> np.ndarray | None:
    if key[0] == "sub" and len(key[1]) <= 2:
        hit = st.pinned.get(key[1])
        if hit is not None:
            return hit
    with st.lock:
        hit = st.cache.get(key)
        if hit is not None:
            st.cache.move_to_end(key)
            return hit
    value = make()
    if value is not None:
        with st.lock:
            st.cache[key] = value
            while len(st.cache) > _CACHE_TERMS:
                st.cache.popitem(last=False)
    return value


def _text_scores(st: _State, term: Term, stopped: Callable[[], bool]) -> np.ndarray | None:
    kind = Kind.EXACT if term.negate and term.kind is Kind.FUZZY else term.kind
    key = ("term", kind, term.text if term.case_sensitive else term.text.lower(), term.case_sensitive)
    return _cached(st, key, lambda: _compute(st, Term(kind, term.text, False, term.case_sensitive), stopped))
