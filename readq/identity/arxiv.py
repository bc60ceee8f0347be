"""The arXiv API (`/api/query`): papers by ID, batched, and title search.

Client choice: `httpx` for HTTP (timeouts, streaming for the size cap) and the standard library's
`xml.etree.ElementTree` with namespaces for the Atom feed, which reads both the current and the
legacy (2020) response formats. The `arxiv` package was not used: it brings `requests` and
`feedparser` for what is one GET and one namespaced parse here, and its built-in pacing and retries
could not share this project's transport (size cap, unreachable-server detection).

arXiv asks for at most one request every 3 seconds: `READQ_ARXIV_INTERVAL` may only lower that
for tests and benchmarks against a local server. The server is `READQ_ARXIV_API`. The API
sometimes returns an empty page by mistake, so an empty answer is asked again once before a
paper counts as not found.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any

from readq.identity.http import Limits, ResponseError, Transport
from readq.identity.record import Found, bare_id, clean

__all__ = ["DEFAULT_API", "ArxivApi", "arxiv_limits", "parse_feed"]

DEFAULT_API = "https://export.arxiv.org/api/query"
BATCH = 50  # IDs per id_list request
_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "os": "http://a9.com/-/spec/opensearch/1.1/",
}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset({"a", "an", "the", "of", "and", "or", "for", "in", "on", "to", "with", "by", "via", "is", "not"})
MAX_QUERY_WORDS = 12


def arxiv_limits() -> Limits:
    """One request per 3 seconds (`READQ_ARXIV_INTERVAL` seconds when set, for tests)."""
    raw = os.environ.get("READQ_ARXIV_INTERVAL", "")
    try:
        interval = max(0.0, float(raw)) if raw else 3.0
    except ValueError:
        interval = 3.0
    return Limits(min_interval=interval)


def _text(node: ET.Element | None) -> str:
    return clean(node.text) if node is not None and node.text else ""


def parse_feed(body: bytes) -> tuple[list[Found], int | None]:
    """The entries of an Atom answer as `Found`, and its `totalResults` (None if absent).

    Raises ResponseError for a feed that does not parse or an API error entry.
    """
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise ResponseError(f"arXiv: malformed feed ({exc})") from None
    if root.tag != f"{{{_NS['atom']}}}feed":
        raise ResponseError("arXiv: the answer is not an Atom feed")
    total_node = root.find("os:totalResults", _NS)
    total = int(total_node.text) if total_node is not None and (total_node.text or "").strip().isdigit() else None
    found: list[Found] = []
    for entry in root.findall("atom:entry", _NS):
        raw_id = _text(entry.find("atom:id", _NS))
        if "/api/errors" in raw_id:
            raise ResponseError(f"arXiv error: {_text(entry.find('atom:summary', _NS)) or raw_id}")
        arxiv_id = bare_id(raw_id)
        title = _text(entry.find("atom:title", _NS))
        if not arxiv_id or not title:
            continue
        authors = tuple(
            name for a in entry.findall("atom:author", _NS) if (name := _text(a.find("atom:name", _NS)))
        )
        primary = entry.find("arxiv:primary_category", _NS)
        published = _text(entry.find("atom:published", _NS))[:10] or None
        found.append(Found(
            arxiv_id=arxiv_id,
            title=title,
            source="arxiv",
            authors=authors,
            published=published,
            abstract=_text(entry.find("atom:summary", _NS)),
            primary_class=(clean(primary.get("term")) or None) if primary is not None else None,
        ))
    return found, total


def title_query(title: str) -> str:
    """`ti:word AND ti:word …`: forgiving of punctuation and paraphrase, unlike a quoted phrase."""
    words = [w for w in _WORD.findall(title.replace("$", " ")) if w.casefold() not in _STOP]
    return " AND ".join(f"ti:{w}" for w in words[:MAX_QUERY_WORDS])


class ArxivApi:
    """Queries one arXiv API endpoint through a paced transport."""

    def __init__(self, url: str | None = None, *, limits: Limits | None = None, client: Any = None) -> None:
        self.url = url or os.environ.get("READQ_ARXIV_API") or DEFAULT_API
        if client is None:
            import httpx

            client = httpx.Client(follow_redirects=True, headers={"User-Agent": "readq (+arXiv API client)"})
        self.transport = Transport(f"arXiv ({self.url})", client, limits=limits or arxiv_limits())

    def _query(self, params: dict[str, Any]) -> list[Found]:
        """One query; an empty page is asked again once (the API returns them by mistake)."""
        for attempt in range(2):
            body = self.transport.get(self.url, params).body
            try:
                found, _total = parse_feed(body)
            except ResponseError:
                self.transport.refused("not an Atom feed")
                raise
            self.transport.accepted()
            if found or attempt:
                return found
        return []

    def by_ids(self, ids: Iterable[str]) -> dict[str, Found]:
        """Papers by arXiv ID (versions ignored), BATCH per request; missing IDs are left out."""
        wanted = sorted({i for i in map(bare_id, ids) if i})
        out: dict[str, Found] = {}
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start:start + BATCH]
            for found in self._query({"id_list": ",".join(chunk), "max_results": len(chunk)}):
                out.setdefault(found.arxiv_id, found)
        return out

    def search_title(self, title: str, limit: int = 10) -> list[Found]:
        """Hits for a title's words, best first as arXiv ranks them."""
        query = title_query(title)
        if not query:
            return []
        return self._query({"search_query": query, "max_results": limit, "sortBy": "relevance"})
