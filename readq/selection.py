"""One vocabulary for "which papers, in what order": the `Selection` value object.

The CLI (`list`, `export`, `resolve`), the TUI's queues and the search predicates all speak it, so
each word means one thing everywhere:

* `status`: one of the four statuses; `starred`: only starred papers;
* `digest`: the digest with exactly this name, or else every digest whose name contains it
  (case-insensitive), the same rule as the query predicate `digest:`;
* `tag`: papers carrying this tag (case-insensitive), as `tag:` in a query;
* `query`: the app's filter syntax (`readq.search.query`); `sort`, `reverse`, `limit`.

How a selection is answered (decoding only the records shown, or loading the catalogue) is the
store's business: see `Library.select`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from readq.model import Paper, Status
from readq.vocab import SORTS, STATUS_WORDS

QUEUE_WORDS: tuple[str, ...] = ("all", *STATUS_WORDS, "starred")


def digest_names(names: Iterable[str], value: str) -> set[str]:
    """The digest names `value` selects: the one named exactly so, else all containing it."""
    want = value.strip().casefold()
    names = list(names)
    exact = {n for n in names if n.casefold() == want}
    return exact or {n for n in names if want and want in n.casefold()}


def has_tag(paper: Paper, tag: str) -> bool:
    want = tag.strip().casefold()
    return any(t.casefold() == want for t in paper.tags)


@dataclass(frozen=True, slots=True)
class Selection:
    """Which papers to show and how to order them; immutable, cheap to compare and copy."""

    status: Status | None = None
    starred: bool = False
    digest: str | None = None
    tag: str | None = None
    query: str = ""
    sort: str = "newest"
    reverse: bool = False
    limit: int | None = None

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise ValueError(f"unknown sort {self.sort!r} (choose from {', '.join(SORTS)})")

    @classmethod
    def of(cls, *, status: str | Status | None = None, **fields: Any) -> Selection:
        """Build from loose values (CLI options): statuses are parsed, empty strings dropped."""
        st = Status.parse(status) if isinstance(status, str) and status else (status or None)
        clean = {k: v for k, v in fields.items() if v not in ("", None)}
        return cls(status=st, **clean)

    @classmethod
    def for_queue(cls, queue: str) -> Selection:
        """A TUI sidebar queue id (`all`, a status, `starred`, `digest:NAME`, `tag:NAME`)."""
        if queue == "all":
            return cls()
        if queue == "starred":
            return cls(starred=True)
        if queue.startswith("digest:"):
            return cls(digest=queue.removeprefix("digest:"))
        if queue.startswith("tag:"):
            return cls(tag=queue.removeprefix("tag:"))
        return cls(status=Status(queue))

    def with_(self, **changes: Any) -> Selection:
        return replace(self, **changes)

    @property
    def filters(self) -> bool:
        """True when some paper may be left out by status, star, digest or tag."""
        return bool(self.status or self.starred or self.digest or self.tag)

    def predicate(self, digests: Iterable[str] = ()) -> Callable[[Paper], bool] | None:
        """A test for the status/star/digest/tag part, or None when every paper passes.

        `digests`: the library's digest names, so `digest` can be resolved once (exact name first).
        """
        if not self.filters:
            return None
        status, starred, tag = self.status, self.starred, self.tag
        names = digest_names(digests, self.digest) if self.digest else None

        def keep(p: Paper) -> bool:
            if status is not None and p.status is not status:
                return False
            if starred and not p.starred:
                return False
            if tag is not None and not has_tag(p, tag):
                return False
            return names is None or any(s.file in names for s in p.sources)

        return keep

    def order(self, papers: Sequence[Paper]) -> list[Paper]:
        """Apply the sorts that are plain keys (date, upvotes, title, seen), `reverse` and `limit`.

        "newest" and "relevance" keep the order given (catalogue or search order); "for-you"
        is ordered by the caller that owns the model before this is called.
        """
        out = list(papers)
        key = SORT_KEYS.get(self.sort)
        if key is not None:
            out.sort(key=key, reverse=self.sort != "title")
        if self.reverse:
            out.reverse()
        if self.limit is not None:
            out = out[: max(self.limit, 0)]
        return out


SORT_KEYS: dict[str, Callable[[Paper], Any]] = {
    "date": lambda p: p.date or "",
    "upvotes": lambda p: p.upvotes if p.upvotes is not None else -1,
    "title": lambda p: p.title.casefold(),
    "seen": lambda p: len(p.sources),
}
