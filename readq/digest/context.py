"""Per-file parsing state shared by the layout parsers: warnings, dates, and paper drafts.

A `Draft` is a paper being assembled line by line; `Context.finish` turns it into an `Entry`
so every layout applies the same rules (whitespace collapsing, link extraction, no-abstract
warning) in one place.
"""

from __future__ import annotations

import datetime as _dt
import dataclasses
from dataclasses import dataclass, field
from pathlib import PurePath, PureWindowsPath

from readq.dedup import title_key
from readq.digest import dates
from readq.digest.errors import ParseWarning
from readq.digest.links import find_urls, merge_links, strip_version
from readq.digest.prose import collapse
from readq.model import Entry, Source, new_entry
from readq.textclean import clean, is_web_url


def base_name(source: str) -> str:
    """`Source.file` is the base name: `dir/000_x.txt` and `dir\\000_x.txt` -> `000_x.txt`."""
    name = PureWindowsPath(PurePath(source).name).name if source else ""
    return name or source or "<unknown>"


@dataclass
class Draft:
    """A paper under construction; `abstract` holds paragraphs, joined by one space at the end."""

    title: str
    line: int
    abstract: list[str] = field(default_factory=list)
    authors: tuple[str, ...] = ()
    authors_count: int | None = None
    org: str | None = None
    published: str | None = None
    upvotes: int | None = None
    links: list[str] = field(default_factory=list)
    arxiv_id: str | None = None
    has_meta: bool = False
    listed_links: bool = False  # a code/project link on a line of its own, as listings print them
    collapsed: bool = False  # title and paragraphs already collapsed: `finish` skips re-scanning them

    @property
    def has_abstract(self) -> bool:
        return any(p.strip() for p in self.abstract)


class Context:
    """One file's parse: its names, reference day, digest date and warnings."""

    def __init__(self, source: str, today: _dt.date) -> None:
        self.source = source
        self.file = base_name(source)
        self.today = today
        self.digest_date: str | None = None
        self.warnings: list[ParseWarning] = []
        self.warn_abstracts = True  # layouts without abstracts (listing pages) turn this off
        self.notes: list[str] = []  # capture quirks recognised, shown by `import --dry-run`
        self._source: Source | None = None

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ParseWarning(self.source, line, message))

    @property
    def ref(self) -> _dt.date:
        """The day year-less dates count back from: the digest's own date, else today."""
        return dates.from_iso(self.digest_date) or self.today

    def set_digest_date(self, value: str | None) -> None:
        if value and not self.digest_date:
            self.digest_date = value

    def finish_all(self, drafts: list[Draft], what: str = "digest") -> list[Entry]:
        """Entries for `drafts`; a listing with no abstracts at all gets one warning, not one each."""
        missing = sum(1 for d in drafts if not d.has_abstract)
        if len(drafts) > 1 and missing * 2 > len(drafts):  # a listing that shows no abstracts
            self.warn(
                drafts[0].line,
                f"abstracts are missing for {missing} of {len(drafts)} papers in this {what} (kept with the "
                "titles and metadata it shows; `readq resolve` can fill them in)",
            )
            self.warn_abstracts = False
        entries = [self.finish(d) for d in drafts]
        kept = _collapse_repeats(entries)
        if len(kept) < len(entries):
            self.note(f"{len(entries) - len(kept)} paper(s) printed twice, kept once")
        if len(drafts) > 1 and not self.warn_abstracts:
            self.note("cards without abstracts (titles and metadata only)")
        return kept

    @property
    def source_record(self) -> Source:
        """One shared (frozen) `Source` per file rather than one per entry."""
        src = self._source
        if src is None or src.digest_date != self.digest_date:
            src = self._source = Source(file=self.file, digest_date=self.digest_date)
        return src

    def finish(self, draft: Draft) -> Entry:
        if draft.collapsed:  # joining collapsed, non-empty paragraphs with one space keeps them so
            title, abstract = draft.title, " ".join(draft.abstract)
        else:
            title, abstract = collapse(draft.title), collapse(" ".join(draft.abstract))
        if not abstract and self.warn_abstracts:
            self.warn(draft.line, f"title with no abstract: {title[:80]!r}")
        return new_entry(  # `Entry(...)`, faster: one per paper
            title,
            abstract,
            tuple(a for a in (collapse(x) for x in draft.authors) if a) if draft.authors else (),
            draft.authors_count,
            clean(draft.org) if draft.org else draft.org,
            draft.published,
            draft.upvotes,
            # The abstract is clean (collapsed); link targets from markup are checked here.
            merge_links(find_urls(abstract), [clean(u) for u in draft.links if is_web_url(u)])
            if draft.links else tuple(find_urls(abstract)),
            strip_version(draft.arxiv_id) if draft.arxiv_id else None,
            self.source_record,
            draft.line,
        )


def _collapse_repeats(entries: list[Entry]) -> list[Entry]:
    """A paper the page prints twice (cards repeated by the page or the clipper) is one entry:
    the first sighting, with fields only a later one has filled in."""
    if len(entries) < 2:
        return entries
    seen: dict[str, int] = {}
    out: list[Entry] = []
    for entry in entries:
        key = title_key(entry.title)
        k = seen.get(key)
        if k is None:
            seen[key] = len(out)
            out.append(entry)
            continue
        first = out[k]
        fill = {
            name: getattr(entry, name)
            for name in ("abstract", "authors", "authors_count", "org", "published", "upvotes", "arxiv_id")
            if not getattr(first, name) and getattr(entry, name)
        }
        if entry.links and set(entry.links) - set(first.links):
            fill["links"] = merge_links(first.links, entry.links)
        if fill:
            out[k] = dataclasses.replace(first, **fill)
    return out
