"""Search: fzf-style query syntax with field predicates over the library, fast at 100k papers.

Public API (the TUI and CLI use only this):
    parse_query(text) -> Query              never raises
    SearchIndex(papers)                     .search(q, cancel=...), .update(p), .replace_all(ps), .papers
    SearchResult(query, order, total, elapsed_ms, cancelled=False)
    highlight_spans(query, text) -> [(start, end), ...]
    cache.load_or_build(papers, cache_dir, key, *, warm=True) -> SearchIndex
                                            reuse the index saved for the same key and papers
    SearchIndex(papers, *, warm=False)      .start_warmup(), .save(path, key=), SearchIndex.load(path, papers, key=)

Domain core: no Textual imports here. Syntax: `readq.search.query`; index design and measurements:
`readq.search.textindex`; ranking and the fuzzy rule: `readq.search.rank`.
"""

from __future__ import annotations

from readq.search.highlight import highlight_spans
from readq.search.index import SearchIndex, SearchResult
from readq.search.query import Kind, Query, Term, parse_query

__all__ = ["Kind", "Query", "SearchIndex", "SearchResult", "Term", "highlight_spans", "parse_query"]
