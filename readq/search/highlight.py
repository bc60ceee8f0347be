"""Character spans to highlight for a query's positive text terms (titles and abstracts).

Substring hits (smart case, like search) are highlighted where they occur; when a plain term has no
substring hit, fuzzy title-word matches highlight the matched characters (subsequence) or the whole
word (typo). Predicates and negated terms highlight nothing.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import OSA

from readq.search.query import Kind, Query, parse_query
from readq.search.rank import MIN_FUZZY_LEN, subsequence_pattern
from readq.search.textindex import is_word_term

_WORD_RE = re.compile(r"[0-9A-Za-z\u0080-\U0010ffff]+")


def highlight_spans(query: str | Query, text: str) -> list[tuple[int, int]]:
    """Merged, sorted (start, end) spans of `text` matched by the query's positive terms."""
    try:
        q = query if isinstance(query, Query) else parse_query(query)
        spans: list[tuple[int, int]] = []
        for term in q.positive_terms:
            spans.extend(_term_spans(term.kind, term.text, term.case_sensitive, text))
        return _merge(spans)
    except Exception:  # noqa: BLE001 - highlighting is cosmetic; never break rendering
        return []


def _term_spans(kind: Kind, key: str, case: bool, text: str) -> list[tuple[int, int]]:
    flags = 0 if case else re.IGNORECASE
    if kind in (Kind.PREFIX, Kind.SUFFIX, Kind.EQUAL):
        m = re.match(re.escape(key), text, flags) if kind is not Kind.SUFFIX else None
        if kind is Kind.PREFIX and m:
            return [m.span()]
        if kind is Kind.EQUAL and m and m.end() == len(text):
            return [m.span()]
        if kind is Kind.SUFFIX:
            m = re.search(re.escape(key) + r"\Z", text, flags)
            return [m.span()] if m else []
        return []
    spans = [m.span() for m in re.finditer(re.escape(key), text, flags)]
    if spans or kind is not Kind.FUZZY or len(key) < MIN_FUZZY_LEN or not is_word_term(key.lower()):
        return spans
    fold = (lambda s: s) if case else str.lower
    k = fold(key)
    for m in re.finditer(subsequence_pattern(key), text, flags):
        pos, j = m.start(), 0
        for i in range(m.start(), m.end()):
            if j < len(k) and fold(text[i]) == k[j]:
                spans.append((i, i + 1))
                j += 1
        del pos
    if spans or case:
        return spans
    cutoff = 1 if len(key) < 8 else 2
    for m in _WORD_RE.finditer(text):
        if OSA.distance(k, m.group().lower(), score_cutoff=cutoff) <= cutoff:
            spans.append(m.span())
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out
