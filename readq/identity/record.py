"""`Found`: one paper as a server describes it, and how it updates a library paper.

Both clients (Hugging Face, arXiv) turn their responses into `Found` records, so matching and
merging never look at a provider's JSON or XML. Text from the network is cleaned here of control
and bidirectional-override characters, like digest text at import, so no output can carry them
to a terminal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from readq.model import Paper

__all__ = ["Found", "bare_id", "clean", "updates_for"]

# C0 except tab/newline, DEL, C1, and the bidi embedding/override/isolate controls.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_VERSION = re.compile(r"v\d+$")
_NEW_ID = re.compile(r"^\d{4}\.\d{4,5}$")
_OLD_ID = re.compile(r"^[a-z][a-z.-]*/\d{7}$", re.IGNORECASE)


def clean(text: Any, *, one_line: bool = True) -> str:
    """A string without unsafe characters; whitespace runs folded unless `one_line` is False."""
    if not isinstance(text, str):
        return ""
    text = _UNSAFE.sub("", text)
    return " ".join(text.split()) if one_line else text.strip()


def bare_id(arxiv_id: Any) -> str | None:
    """`http://arxiv.org/abs/1706.03762v7` or `arXiv:1706.03762` -> `1706.03762`; None if not an ID."""
    if not isinstance(arxiv_id, str):
        return None
    text = arxiv_id.strip()
    for prefix in ("http://arxiv.org/abs/", "https://arxiv.org/abs/", "arXiv:", "arxiv:"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    text = _VERSION.sub("", text)
    return text if _NEW_ID.match(text) or _OLD_ID.match(text) else None


@dataclass(frozen=True, slots=True)
class Found:
    """A paper's identity as one server gave it."""

    arxiv_id: str
    title: str
    source: str  # "hf" or "arxiv"
    authors: tuple[str, ...] = ()
    published: str | None = None  # arXiv first-version date, YYYY-MM-DD
    upvotes: int | None = None
    links: tuple[str, ...] = ()  # code repository, project page
    abstract: str = ""
    org: str | None = None
    primary_class: str | None = None
    day: str | None = None  # the Daily Papers day it was listed on, when from a daily list

    def __post_init__(self) -> None:
        """A server's answer is untrusted text too: no control or bidi characters, http(s) links only."""
        from readq.textclean import clean_record

        cleaned = clean_record(self)
        if cleaned is not self:
            for name in ("title", "abstract", "org", "published", "authors", "links"):
                object.__setattr__(self, name, getattr(cleaned, name))

    def resolved_record(self, at: str) -> dict[str, Any]:
        """The contract's `resolved` object (plus the arXiv category when known)."""
        record: dict[str, Any] = {"source": self.source, "at": at, "matched_title": self.title}
        if self.primary_class:
            record["primary_class"] = self.primary_class
        return record


def updates_for(paper: Paper, found: Found, at: str) -> dict[str, Any]:
    """The fields `found` improves on `paper`; empty when it adds nothing.

    Never replaces what the digest or the user gave with something worse: an existing date or
    abstract is kept, links are only added, an author list only replaced by a longer or equal one
    (names as printed, in order), upvotes only raised.
    """
    updates: dict[str, Any] = {}
    if paper.arxiv_id != found.arxiv_id:
        updates["arxiv_id"] = found.arxiv_id
    if found.authors and len(found.authors) >= len(paper.authors) and tuple(paper.authors) != found.authors:
        updates["authors"] = list(found.authors)
        if paper.authors_count is None or paper.authors_count < len(found.authors):
            updates["authors_count"] = len(found.authors)
    if found.published and not paper.published:
        updates["published"] = found.published
    if found.upvotes is not None and (paper.upvotes is None or found.upvotes > paper.upvotes):
        updates["upvotes"] = found.upvotes
    new_links = [url for url in found.links if url not in paper.links]
    if new_links:
        updates["links"] = [*paper.links, *new_links]
    if found.abstract and not paper.abstract.strip():
        updates["abstract"] = found.abstract
    if found.org and not paper.org:
        updates["org"] = found.org
    resolved = getattr(paper, "resolved", None)
    if updates or not resolved or resolved.get("source") is None:
        updates["resolved"] = found.resolved_record(at)
    return updates
