"""Field predicates (`is:`, `year:`, `tag:`, `digest:` ...) as boolean masks over a `SearchState`.

Never cached: statuses, stars, tags and notes change without an import. The user's own fields
(tags, note) are read from the papers; the rest from the state's numpy columns.
"""

from __future__ import annotations

import re

import numpy as np

from readq.model import Status
from readq.search.query import Term
from readq.search.state import STATUS_CODE, SearchState
from readq.selection import digest_names


def _compare(arr: np.ndarray, term: Term, missing: int) -> np.ndarray:
    op, v = term.op, term.value
    known = arr != missing
    if op == "..":
        lo, hi = v  # type: ignore[misc]
        return known & (arr >= lo) & (arr <= hi)
    ops = {"=": np.equal, ">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal}
    return known & ops.get(op or "=", np.equal)(arr, v)


def predicate_mask(st: SearchState, term: Term) -> np.ndarray:
    f, v = term.field, term.value
    if f == "is":
        if v == "starred":
            return st.starred.copy()
        if v == "unstarred":
            return ~st.starred
        if v == "unread":
            return (st.status == STATUS_CODE[Status.NEW]) | (st.status == STATUS_CODE[Status.TO_READ])
        return st.status == STATUS_CODE[Status(v)]
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
