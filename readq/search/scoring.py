"""Scores of one text term over a `SearchState`: postings unions, forward scans, verification.

Per term a vocabulary scan plus a postings union, cached per term on the state (typing `video t`
-> `video te` recomputes only the last term). Nothing scans the abstracts except the verify step
of case-sensitive terms and phrases, which only visits candidates and can be cancelled between
batches. See `textindex` for the index design, `rank` for scoring rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from readq.search import rank
from readq.search.query import Kind, Term
from readq.search.state import SearchState
from readq.search.textindex import FieldPostings, is_token_term, is_word_term

_CACHE_TERMS = 48
_VERIFY_BATCH = 4096
_FORWARD_SHARE = 6  # forward scan when a term's postings exceed 1/6 of the field's pairs
_EDGE_PUNCT = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum())


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


def substring_scores(st: SearchState, key: str, stopped: Callable[[], bool]) -> np.ndarray | None:
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
        s = _cached(st, ("sub", piece), lambda p=piece: substring_scores(st, p, stopped))
        if s is None:
            return None
        cand = s > 0 if cand is None else cand & (s > 0)
    idx = np.flatnonzero(cand) if cand is not None else np.arange(n)
    return _verify(st, idx, key, str.lower, stopped)


def _verify(st: SearchState, idx: np.ndarray, needle: str, fold: Callable[[str], str],
            stopped: Callable[[], bool]) -> np.ndarray | None:
    """Exact check of candidates only: title hit scores as a title prefix, abstract as inside.

    Batches of list comprehensions (`needle in text`, no per-document numpy writes, no call when
    `fold` is the identity) then vectorised scoring, rather than a per-document loop.
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


def _compute(st: SearchState, term: Term, stopped: Callable[[], bool]) -> np.ndarray | None:
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
    sub = _cached(st, ("sub", low), lambda: substring_scores(st, low, stopped))
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


def _cached(st: SearchState, key: tuple, make: Callable[[], np.ndarray | None]) -> np.ndarray | None:
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


def text_scores(st: SearchState, term: Term, stopped: Callable[[], bool]) -> np.ndarray | None:
    kind = Kind.EXACT if term.negate and term.kind is Kind.FUZZY else term.kind
    key = ("term", kind, term.text if term.case_sensitive else term.text.lower(), term.case_sensitive)
    return _cached(st, key, lambda: _compute(st, Term(kind, term.text, False, term.case_sensitive), stopped))
