"""`SearchIndex`: per-keystroke search over a library, with predicates, ranking and cancellation.

Per keystroke the work is: parse (~20 us), per text term a vocabulary scan plus a postings union
(cached per term, so typing `video t` -> `video te` recomputes only the last term), predicate masks
from numpy arrays (never cached: statuses change), an AND/OR of boolean masks, and one stable radix
sort of the survivors' scores over the precomputed newest-first order. Nothing scans the abstracts
except the verify step of case-sensitive terms and phrases, which only visits candidates.
See `textindex` for the index design and the measurements behind it, `rank` for scoring.

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from readq.model import Paper, Status
from readq.search import rank
from readq.search.query import Kind, Query, Term, parse_query
from readq.search.textindex import FieldPostings, TextIndex, is_token_term, is_word_term

_STATUS_CODE = {s: i for i, s in enumerate(Status)}
_CACHE_TERMS = 48
_VERIFY_BATCH = 4096
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
    """Everything one search needs, built together; replaced wholesale by `replace_all`."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        t0 = time.perf_counter()
        self.papers: list[Paper] = list(papers)
        ps = self.papers
        n = self.n = len(ps)
        self.ids = {p.id: i for i, p in enumerate(ps)}
        self.titles = [p.title for p in ps]
        self.abstracts = [p.abstract for p in ps]
        self.text = TextIndex.build(self.titles, self.abstracts)
        low = [t.lower() for t in self.titles]
        order = sorted(range(n), key=low.__getitem__)
        self.prefix_keys = [low[i] for i in order]
        self.prefix_docs = np.asarray(order, dtype=np.int32)
        rev = [t[::-1] for t in low]
        order = sorted(range(n), key=rev.__getitem__)
        self.suffix_keys = [rev[i] for i in order]
        self.suffix_docs = np.asarray(order, dtype=np.int32)
        dates = [p.date or "" for p in ps]
        by_title = sorted(range(n), key=lambda i: (low[i], self.titles[i]))
        by_title.sort(key=dates.__getitem__, reverse=True)  # stable: newest first, then title
        self.recency = np.asarray(by_title, dtype=np.int32)
        self.status = np.zeros(n, dtype=np.int8)
        self.starred = np.zeros(n, dtype=bool)
        self.year = np.zeros(n, dtype=np.int32)
        self.upvotes = np.full(n, -1, dtype=np.int32)
        self.authors = np.full(n, -1, dtype=np.int32)
        self.seen = np.zeros(n, dtype=np.int32)
        self.has_links = np.zeros(n, dtype=bool)
        self.org_code = np.full(n, -1, dtype=np.int32)
        self.orgs: list[str] = []
        self._org_ids: dict[str, int] = {}
        self.file_docs: dict[str, list[int]] = {}
        self.arxiv = [""] * n
        for i, p in enumerate(ps):
            self._set_fields(i, p)
            for s in p.sources:
                self.file_docs.setdefault(s.file.lower(), []).append(i)
        self.arxiv_text = "\n" + "\n".join(self.arxiv) + "\n"
        lens = np.fromiter((len(a) + 1 for a in self.arxiv), dtype=np.int64, count=n)
        self.arxiv_starts = np.concatenate(([1], 1 + np.cumsum(lens)[:-1])) if n else lens
        self._title_words: rank.TitleWords | None = None
        self.cache: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self.lock = threading.Lock()
        _release_freed_memory()
        self.build_s = time.perf_counter() - t0

    def _set_fields(self, i: int, p: Paper) -> None:
        """Predicate columns for one paper: element writes only, so `update` is O(1) and atomic."""
        self.status[i] = _STATUS_CODE.get(p.status, 0)
        self.starred[i] = p.starred
        self.year[i] = p.year or 0
        self.upvotes[i] = -1 if p.upvotes is None else p.upvotes
        count = p.authors_count if p.authors_count is not None else (len(p.authors) or None)
        self.authors[i] = -1 if count is None else count
        self.seen[i] = len(p.sources)
        self.has_links[i] = bool(p.links)
        if p.org:
            key = p.org.lower()
            code = self._org_ids.get(key)
            if code is None:
                code = self._org_ids[key] = len(self.orgs)
                self.orgs.append(key)
            self.org_code[i] = code
        else:
            self.org_code[i] = -1
        self.arxiv[i] = (p.arxiv_id or "").lower()

    @property
    def title_words(self) -> rank.TitleWords:
        if self._title_words is None:
            tp = self.text.title
            v = self.text.vocab
            in_title = np.flatnonzero(np.diff(tp.indptr) > 0)
            words = v.words.ids[np.isin(v.words.ids, in_title)]
            self._title_words = rank.TitleWords(v.tokens, words)
        return self._title_words


def _release_freed_memory() -> None:
    """Hand the build's transient buffers back to the OS (glibc keeps them: +110 MB RSS at 100k)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


class SearchIndex:
    """Search a library by the readq query syntax; see the package docstring."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        self._state = _State(papers)

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
                                        st.has_links, st.org_code, st.arxiv_starts))
        strings = sum(len(k) + 49 + 8 for k in st.prefix_keys) * 2 + len(st.arxiv_text)
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
        self._state = _State(papers)

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
            "arxiv": lambda: np.array([bool(a) for a in st.arxiv], dtype=bool),
            "org": lambda: st.org_code >= 0,
            "abstract": lambda: np.array([bool(a) for a in st.abstracts], dtype=bool),
            "upvotes": lambda: st.upvotes >= 0,
            "authors": lambda: st.authors >= 0,
        }[str(v)]()
    mask = np.zeros(st.n, dtype=bool)
    value = str(v)
    if f == "org":
        for code, org in enumerate(list(st.orgs)):
            if value in org:
                mask |= st.org_code == code
    elif f == "digest":
        for name, docs in st.file_docs.items():
            if value in name:
                mask[docs] = True
    elif f == "arxiv":
        value = value.removeprefix("arxiv:").strip()
        pos = [m.start() for m in re.finditer(re.escape(value), st.arxiv_text)] if value else []
        if pos:
            mask[np.searchsorted(st.arxiv_starts, np.asarray(pos), side="right") - 1] = True
    return mask


# --- text terms ----------------------------------------------------------------------------------


def _gather(fp: FieldPostings, ids: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray | None]:
    """(sparse doc ids, dense bool mask or None) of documents containing any of `ids`."""
    starts = fp.indptr[ids]
    lens = fp.indptr[ids + 1] - starts
    total = int(lens.sum())
    if total:
        offsets = np.cumsum(lens) - lens
        docs = fp.docs[np.repeat(starts - offsets, lens) + np.arange(total)]
    else:
        docs = np.zeros(0, dtype=np.int32)
    rows = fp.dense_row[ids]
    rows = rows[rows >= 0]
    dense = None
    if len(rows):
        packed = np.bitwise_or.reduce(fp.bitmaps[rows], axis=0)
        dense = np.unpackbits(packed, count=n).view(bool)
    return docs, dense


def _field_scores(fp: FieldPostings, ids: np.ndarray, quality: np.ndarray, table: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=np.int16)
    for qv in (1, 2, 3):  # ascending, so a better quality overwrites a worse one
        sel = ids[quality == qv]
        if not len(sel):
            continue
        docs, dense = _gather(fp, sel, n)
        out[docs] = table[qv]
        if dense is not None:
            out[dense] = table[qv]
    return out


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
    """Exact check of candidates only: title hit scores as a title prefix, abstract as inside."""
    out = np.zeros(st.n, dtype=np.int16)
    titles, abstracts = st.titles, st.abstracts
    title_val, abs_val = int(rank.TITLE_SCORE[2]), int(rank.ABSTRACT_SCORE[1])
    ids = idx.tolist()
    for lo in range(0, len(ids), _VERIFY_BATCH):
        if lo and stopped():
            return None
        for i in ids[lo : lo + _VERIFY_BATCH]:
            a = needle in fold(abstracts[i])
            if needle in fold(titles[i]):
                out[i] = title_val + (abs_val // 10 if a else 0)
            elif a:
                out[i] = abs_val
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
