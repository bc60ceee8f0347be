"""Records shared by every layer: a digest `Entry`, a library `Paper`, its `Status` and `Source`.

Records are frozen dataclasses: an edit returns a copy (`dataclasses.replace`), so they are safe
to hand to worker threads and easy to compare in tests. Dates are kept as ISO strings
(`YYYY-MM-DD`) because that is the contract's JSON shape and it sorts correctly as text.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Status(str, enum.Enum):
    """Where a paper stands in the reading queue."""

    NEW = "new"
    TO_READ = "to-read"
    READ = "read"
    SKIPPED = "skipped"

    @classmethod
    def parse(cls, text: str) -> Status:
        """Accept the contract spelling plus forgiving variants (`to_read`, `toread`, `skip`)."""
        key = text.strip().lower().replace("_", "-")
        aliases = {"toread": "to-read", "todo": "to-read", "skip": "skipped", "done": "read"}
        key = aliases.get(key, key)
        try:
            return cls(key)
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown status {text!r} (choose from {choices})") from None

    def __str__(self) -> str:  # so f-strings print "to-read", not "Status.TO_READ"
        return self.value


@dataclass(frozen=True, slots=True)
class Source:
    """One digest a paper was seen in."""

    file: str
    digest_date: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "digest_date": self.digest_date}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Source:
        return cls(file=str(data.get("file", "")), digest_date=data.get("digest_date"))


@dataclass(frozen=True, slots=True)
class Entry:
    """One paper as one digest shows it: the parser's output, before dedup."""

    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    authors_count: int | None = None
    org: str | None = None
    published: str | None = None
    upvotes: int | None = None
    links: tuple[str, ...] = ()
    arxiv_id: str | None = None
    source: Source = field(default_factory=lambda: Source(file="<unknown>"))
    line: int = 0


@dataclass(frozen=True, slots=True)
class Paper:
    """A deduplicated paper in the library, with the user's triage state."""

    id: str
    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    authors_count: int | None = None
    org: str | None = None
    published: str | None = None
    upvotes: int | None = None
    links: tuple[str, ...] = ()
    arxiv_id: str | None = None
    status: Status = Status.NEW
    starred: bool = False
    sources: tuple[Source, ...] = ()
    added: str | None = None  # ISO timestamp of the first import; not part of the contract
    tags: tuple[str, ...] = ()  # the user's tags, in the order added
    note: str | None = None  # the user's note
    resolved: dict[str, Any] | None = None  # where the identity came from (see `readq resolve`)
    # other devices' versions of the note that lost to a newer edit (`readq sync`), newest first;
    # cleared by the next note edit here
    note_conflicts: tuple[str, ...] = ()

    @property
    def date(self) -> str | None:
        """Best date for sorting "newest first": the paper date, else the latest digest date."""
        if self.published:
            return self.published
        dates = [s.digest_date for s in self.sources if s.digest_date]
        return max(dates) if dates else None

    @property
    def year(self) -> int | None:
        d = self.date
        return int(d[:4]) if d else None

    def as_json(self) -> dict[str, Any]:
        """The contract's JSON shape (plus `added`)."""
        authors_count = self.authors_count
        if authors_count is None and self.authors:
            authors_count = len(self.authors)
        return {
            "id": self.id,
            "title": self.title,
            "abstract": self.abstract,
            "authors": list(self.authors),
            "authors_count": authors_count,
            "org": self.org,
            "published": self.published,
            "upvotes": self.upvotes,
            "links": list(self.links),
            "arxiv_id": self.arxiv_id,
            "status": self.status.value,
            "starred": self.starred,
            "sources": [s.as_json() for s in self.sources],
            "added": self.added,
            "tags": list(self.tags),
            "note": self.note,
            "resolved": self.resolved,
            **({"note_conflicts": list(self.note_conflicts)} if self.note_conflicts else {}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Paper:
        """Build from the JSON shape; hot at load time (100k papers).

        Fills the slots directly instead of calling the frozen dataclass `__init__` (which sets
        each field through `object.__setattr__` after binding keyword arguments), about twice as
        fast. Same checks: `id`/`title` must exist, an unknown status raises ValueError.
        `tests/test_library.py` checks it equals the dataclass constructor field by field.
        """
        get = data.get
        p = _new(cls)
        _set_id(p, data["id"])
        _set_title(p, data["title"])
        _set_abstract(p, get("abstract") or "")
        authors = get("authors")
        _set_authors(p, tuple(authors) if authors else ())
        _set_authors_count(p, get("authors_count"))
        _set_org(p, get("org"))
        _set_published(p, get("published"))
        _set_upvotes(p, get("upvotes"))
        links = get("links")
        _set_links(p, tuple(links) if links else ())
        _set_arxiv_id(p, get("arxiv_id"))
        status = get("status") or "new"
        _set_status(p, _STATUS_BY_VALUE.get(status) or Status(status))
        _set_starred(p, bool(get("starred", False)))
        sources = get("sources")
        _set_sources(p, tuple(map(_source, sources)) if sources else ())
        _set_added(p, get("added"))
        tags = get("tags")
        _set_tags(p, tuple(tags) if tags else ())
        _set_note(p, get("note"))
        _set_resolved(p, get("resolved"))
        conflicts = get("note_conflicts")
        _set_note_conflicts(p, tuple(conflicts) if conflicts else ())
        return p


def new_entry(
    title: str,
    abstract: str,
    authors: tuple[str, ...],
    authors_count: int | None,
    org: str | None,
    published: str | None,
    upvotes: int | None,
    links: tuple[str, ...],
    arxiv_id: str | None,
    source: Source,
    line: int,
) -> Entry:
    """`Entry(title=title, ...)` with every field given; the parser makes one per paper.

    Fills the slots directly, like `Paper.from_json`, instead of the frozen dataclass `__init__`
    (one `object.__setattr__` per field): about 2.5x faster, a tenth of finishing a big digest's
    papers. `tests/test_digest_fastpaths.py` checks it equals the constructor.
    """
    e = _new(Entry)
    _set_e_title(e, title)
    _set_e_abstract(e, abstract)
    _set_e_authors(e, authors)
    _set_e_authors_count(e, authors_count)
    _set_e_org(e, org)
    _set_e_published(e, published)
    _set_e_upvotes(e, upvotes)
    _set_e_links(e, links)
    _set_e_arxiv_id(e, arxiv_id)
    _set_e_source(e, source)
    _set_e_line(e, line)
    return e


def new_paper(
    id: str,  # noqa: A002 - the field's name
    title: str,
    abstract: str,
    authors: tuple[str, ...],
    authors_count: int | None,
    org: str | None,
    published: str | None,
    upvotes: int | None,
    links: tuple[str, ...],
    arxiv_id: str | None,
    sources: tuple[Source, ...],
    added: str | None,
) -> Paper:
    """A new, untriaged `Paper` (status new, no star, tags or note): what an import makes per
    paper. Fills the slots directly like `new_entry`; `tests/test_digest_fastpaths.py` checks it
    equals the constructor."""
    p = _new(Paper)
    _set_id(p, id)
    _set_title(p, title)
    _set_abstract(p, abstract)
    _set_authors(p, authors)
    _set_authors_count(p, authors_count)
    _set_org(p, org)
    _set_published(p, published)
    _set_upvotes(p, upvotes)
    _set_links(p, links)
    _set_arxiv_id(p, arxiv_id)
    _set_status(p, Status.NEW)
    _set_starred(p, False)
    _set_sources(p, sources)
    _set_added(p, added)
    _set_tags(p, ())
    _set_note(p, None)
    _set_resolved(p, None)
    _set_note_conflicts(p, ())
    return p


_new = object.__new__
(_set_e_title, _set_e_abstract, _set_e_authors, _set_e_authors_count, _set_e_org, _set_e_published,
 _set_e_upvotes, _set_e_links, _set_e_arxiv_id, _set_e_source, _set_e_line) = (
    Entry.__dict__[name].__set__ for name in Entry.__slots__)  # unpacking fails if a field is added
(_set_id, _set_title, _set_abstract, _set_authors, _set_authors_count, _set_org, _set_published,
 _set_upvotes, _set_links, _set_arxiv_id, _set_status, _set_starred, _set_sources, _set_added,
 _set_tags, _set_note, _set_resolved, _set_note_conflicts) = (
    Paper.__dict__[name].__set__ for name in Paper.__slots__)  # unpacking fails if a field is added
_STATUS_BY_VALUE = {s.value: s for s in Status}
_SOURCE_CACHE: dict[tuple[str, str | None], Source] = {}


def _source(data: dict[str, Any]) -> Source:
    """Sources repeat across thousands of papers (one per digest): share the instances."""
    key = (str(data.get("file", "")), data.get("digest_date"))
    source = _SOURCE_CACHE.get(key)
    if source is None:
        if len(_SOURCE_CACHE) > 100_000:
            _SOURCE_CACHE.clear()
        source = _SOURCE_CACHE[key] = Source(file=key[0], digest_date=key[1])
    return source
