"""Canonical keys and merging: when two digest entries are the same paper, and how they combine.

Two sightings are one paper when their titles fold to the same key (case, punctuation and
whitespace ignored) or their arXiv IDs match. `+` survives folding because "VBench" and
"VBench++" are different papers. IDs hash the key of the first sighting and are stored, so a
paper keeps its ID forever even if a later digest spells the title differently.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import replace

from readq.model import Entry, Paper, Source, new_paper

_FOLD_DROP = re.compile(r"[^\w+]|_", re.UNICODE)
# The same fold for ASCII, where NFKC changes nothing and casefold is lower(): one `translate`
# pass, 4x faster than normalize+casefold+sub (title keys were 10% of a 100k-paper import).
_ASCII_FOLD = {i: (chr(i).lower() if chr(i).isalnum() else None) for i in range(128)} | {ord("+"): "+"}
ID_LENGTH = 10


def title_key(title: str) -> str:
    """Fold a title for identity: NFKC, casefold, keep letters, digits and '+'."""
    if title.isascii():
        return title.translate(_ASCII_FOLD)
    text = unicodedata.normalize("NFKC", title).casefold()
    return _FOLD_DROP.sub("", text)


def make_id(key: str, taken: object = ()) -> str:
    """A short stable ID from a title key; lengthened in the (rare) case of a collision."""
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()
    length = ID_LENGTH
    while digest[:length] in taken:  # type: ignore[operator]
        length += 2
        if length > len(digest):  # pragma: no cover - sha1 collision
            digest = hashlib.sha1(digest.encode()).hexdigest()
            length = ID_LENGTH
    return digest[:length]


def paper_from_entry(entry: Entry, paper_id: str, added: str) -> Paper:
    """The first sighting of a paper becomes the paper."""
    return new_paper(
        paper_id,
        entry.title,
        entry.abstract,
        entry.authors,
        entry.authors_count if entry.authors_count is not None else (len(entry.authors) or None),
        entry.org,
        entry.published,
        entry.upvotes,
        entry.links,
        entry.arxiv_id,
        (entry.source,),
        added,
    )


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    seen = dict.fromkeys(first)
    for item in second:
        seen.setdefault(item)
    return tuple(seen)


def _max(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def merge(paper: Paper, entry: Entry) -> Paper:
    """Fold one more sighting into a paper: every source kept, richest metadata, highest upvotes.

    Returns the same object when nothing changes, so callers can tell a no-op re-import.
    """
    sources = paper.sources
    if entry.source not in sources:
        sources = tuple(sorted((*sources, entry.source), key=_source_order))
    authors = entry.authors if len(entry.authors) > len(paper.authors) else paper.authors
    count = _max(paper.authors_count, entry.authors_count)
    if count is None and authors:
        count = len(authors)
    merged = replace(
        paper,
        abstract=entry.abstract if len(entry.abstract) > len(paper.abstract) else paper.abstract,
        authors=authors,
        authors_count=count,
        org=paper.org or entry.org,
        published=paper.published or entry.published,
        upvotes=_max(paper.upvotes, entry.upvotes),
        links=_union(paper.links, entry.links),
        arxiv_id=paper.arxiv_id or entry.arxiv_id,
        sources=sources,
    )
    return paper if merged == paper else merged


def _source_order(source: Source) -> tuple[str, str]:
    return (source.digest_date or "", source.file)
