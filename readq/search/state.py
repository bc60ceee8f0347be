"""`SearchState`: everything one search reads, built together and replaced wholesale.

The text-derived part (`text`, `title_order`, `suffix_docs`) can come from a saved index
(`readq.search.persist`); per-paper predicate columns are numpy arrays so a predicate is one
vectorised comparison; what the first search does not need (ids dict, `digest:`, `arxiv:`,
`has:abstract` data, the text columns of a loaded index) is computed on first use.

Thread-safety: a search takes one reference to the current state and uses only it. `set_fields`
writes single elements of the arrays and list (atomic under the GIL), so a concurrent search sees
the old or the new value of that paper, never a torn structure.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from itertools import repeat
from operator import attrgetter

import numpy as np

from readq.model import Paper, Status
from readq.search import rank
from readq.search.textindex import TextIndex

STATUS_CODE = {s: i for i, s in enumerate(Status)}
# per-paper columns that change only with a catalogue write (saved with the index, see `SearchState`)
CATALOG_COLUMNS = ("recency", "year", "upvotes", "authors", "seen", "has_links", "org_code")


class SearchState:
    """Everything one search needs, built together; replaced wholesale by `replace_all`.

    The text-derived part (`text`, `title_order`, `suffix_docs`) can come from a saved index
    (`readq.search.persist`); everything that can change without an import (status, stars, upvotes,
    dates...) is always read from `papers`.
    """

    def __init__(self, papers: Sequence[Paper], *, text: TextIndex | None = None,
                 title_order: np.ndarray | None = None, suffix_docs: np.ndarray | None = None,
                 columns: tuple[list[str], list[str], list[str]] | None = None,
                 saved: dict[str, object] | None = None,
                 state_columns: tuple[list[str], np.ndarray, np.ndarray] | None = None) -> None:
        """`saved`: the catalogue columns (`CATALOG_COLUMNS`, `orgs`) saved with the index, for
        papers the caller vouches are that same catalogue (`cache.load_or_build(catalog=True)`):
        then no per-paper pass is made but status and starred (reading columns from 100k
        scattered Paper objects is the slow part of a start)."""
        t0 = time.perf_counter()
        # `state_columns` (ids, status codes, starred flags) come from a caller that has them
        # without decoding every paper (the store's catalogue view): `papers` is then kept as it
        # is, a lazy sequence, so `readq list --query` decodes only the papers it prints.
        self.papers: list[Paper] = papers if state_columns is not None else list(papers)  # type: ignore[assignment]
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
        if state_columns is not None:
            _ids, self.status, self.starred = state_columns
        else:
            code = STATUS_CODE.get
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

    def set_fields(self, i: int, p: Paper) -> None:
        """Predicate columns for one paper: element writes only, so `update` is O(1) and atomic."""
        self.status[i] = STATUS_CODE.get(p.status, 0)
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


def text_columns(papers: Sequence[Paper]) -> tuple[list[str], list[str], list[str]]:
    """(ids, titles, abstracts) of `papers`, in order: what the text index is built from."""
    return (list(map(_ID, papers)), list(map(_TITLE, papers)), list(map(_ABSTRACT, papers)))


def _release_freed_memory() -> None:
    """Hand the build's transient buffers back to the OS (glibc would keep them as resident memory)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass
