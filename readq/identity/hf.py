"""The Hugging Face papers API: daily lists, search and one paper by ID.

Client choice: requests go through `huggingface_hub.get_session()` (the Hub library's own HTTP
session, so its offline mode, proxies and user agent apply) with `build_hf_headers`, and the JSON is
read here rather than through the typed wrappers (`list_daily_papers`, `list_papers`,
`paper_info`), because `PaperInfo` drops what daily and search items nest in `paper` (`githubRepo`,
`projectPage`), turns 0 upvotes into None, and `list_daily_papers` does not follow the
`Link: rel="next"` pages. The server is `HF_ENDPOINT` read at call time (the Hub library reads it
once, at import), and `HF_TOKEN` is sent to it only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import orjson

from readq.identity.http import Limits, ResponseError, Transport
from readq.identity.record import Found, bare_id, clean

__all__ = ["DEFAULT_ENDPOINT", "HfPapers", "found_from_item", "hf_limits"]

DEFAULT_ENDPOINT = "https://huggingface.co"
DAILY_LIMIT = 100  # the API's largest page
MAX_PAGES = 40  # a month of daily papers fits in well under this
QUERY_MAX = 250


def hf_limits() -> Limits:
    """Anonymous quota: 500 API requests per 5-minute window (READQ_HF_QUOTA overrides)."""
    quota = os.environ.get("READQ_HF_QUOTA", "")
    return Limits(window_quota=int(quota) if quota.isdigit() and int(quota) > 0 else 500, window=300.0)


def _date(value: Any) -> str | None:
    text = value[:10] if isinstance(value, str) else ""
    return text if len(text) == 10 and text[4] == "-" and text[7] == "-" else None


def found_from_item(item: Any, day: str | None = None) -> Found | None:
    """A daily, search or paper-page item as `Found`; None when it lacks an ID or title.

    Fields are read from `paper` first and the item's top level second (daily and search items
    nest the paper; `/api/papers/{id}` does not). Hidden authors are skipped.
    """
    if not isinstance(item, dict):
        return None
    paper = item.get("paper") if isinstance(item.get("paper"), dict) else item

    def get(key: str) -> Any:
        value = paper.get(key)
        return item.get(key) if value is None else value

    arxiv_id = bare_id(get("id"))
    title = clean(item.get("title") or paper.get("title"))
    if not arxiv_id or not title:
        return None
    authors = tuple(
        name
        for a in (paper.get("authors") or ())
        if isinstance(a, dict) and not a.get("hidden") and (name := clean(a.get("name")))
    )
    upvotes = get("upvotes")
    links = tuple(
        url for key in ("githubRepo", "projectPage")
        if isinstance(url := get(key), str) and url.startswith(("https://", "http://"))
    )
    org = get("organization")
    daily = _date(paper.get("submittedOnDailyAt")) or day
    return Found(
        arxiv_id=arxiv_id,
        title=title,
        source="hf",
        authors=authors,
        published=_date(paper.get("publishedAt")),
        upvotes=upvotes if isinstance(upvotes, int) and not isinstance(upvotes, bool) else None,
        links=links,
        abstract=clean(get("summary")),
        org=(clean(org.get("fullname") or org.get("name")) or None) if isinstance(org, dict) else None,
        day=daily,
    )


class HfPapers:
    """`/api/daily_papers`, `/api/papers/search` and `/api/papers/{id}` on one endpoint."""

    def __init__(self, endpoint: str | None = None, *, token: str | None = None,
                 limits: Limits | None = None, client: Any = None) -> None:
        self.endpoint = (endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
        token = token if token is not None else os.environ.get("HF_TOKEN") or None
        if client is None:
            from huggingface_hub import get_session

            client = get_session()
        from huggingface_hub.utils import build_hf_headers

        headers = build_hf_headers(token=token or False, library_name="readq")
        self.transport = Transport(f"Hugging Face ({self.endpoint})", client, headers=headers,
                                   limits=limits or hf_limits())
        self.warnings: list[str] = []

    def _json(self, path: str, params: dict[str, Any]) -> tuple[Any, str | None]:
        response = self.transport.get(f"{self.endpoint}{path}", params)
        try:
            data = orjson.loads(response.body)
        except orjson.JSONDecodeError:
            self.transport.refused("malformed JSON")
            raise ResponseError(f"{self.transport.name}: malformed JSON from {path}") from None
        self.transport.accepted()
        return data, response.next_url

    def _items(self, data: Any, what: str) -> list[Any]:
        if not isinstance(data, list):
            raise ResponseError(f"{self.transport.name}: unexpected answer to {what}")
        return data

    def daily(self, *, date: str | None = None, week: str | None = None,
              month: str | None = None, limit: int = DAILY_LIMIT) -> Iterator[Found]:
        """Every paper of a day, week or month (all pages); the latest listing with no argument."""
        params: dict[str, Any] = {"limit": limit}
        for key, value in (("date", date), ("week", week), ("month", month)):
            if value:
                params[key] = value
        for page in range(MAX_PAGES):
            params["p"] = page
            data, next_url = self._json("/api/daily_papers", params)
            items = self._items(data, "a daily list")
            for item in items:
                found = found_from_item(item, date)
                if found is not None:
                    yield found
            # Only the page number is taken from `next`: a link elsewhere is never followed.
            if not next_url or not items or (date is None and week is None and month is None):
                return

    def search(self, title: str, limit: int = 10) -> list[Found]:
        """Hits for a title, best first as the server ranks them (near misses included)."""
        data, _ = self._json("/api/papers/search", {"q": " ".join(title.split())[:QUERY_MAX], "limit": limit})
        return [f for f in map(found_from_item, self._items(data, "a search")) if f is not None]

    def paper(self, arxiv_id: str) -> Found | None:
        """One paper by arXiv ID; None when the Hub has not indexed it (404)."""
        try:
            data, _ = self._json(f"/api/papers/{arxiv_id}", {})
        except ResponseError as exc:
            if exc.status == 404:
                return None
            raise
        return found_from_item(data)
