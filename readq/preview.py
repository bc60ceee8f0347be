"""`readq import --dry-run`: what each input would give, without touching the library.

Per file: the layout the parser recognised (and the capture quirks it handled), each paper it
would import with the fields it found, and its warnings, so a user can see why a file parsed as
it did before anything is written.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from readq.digest import DigestError, ParseResult, iter_inputs, parse_bytes
from readq.model import Entry
from readq.textclean import clean

LAYOUTS = {
    "hf-plain": "Hugging Face page text (papers separated by blank lines)",
    "hf-compact": "Hugging Face page text (\"Subscribe\" glued to the first title)",
    "hf-daily": "Hugging Face page text with per-paper metadata lines",
    "hf-trending": "Hugging Face trending page text",
    "hf-cards": "Hugging Face listing copied as text, cards without abstracts",
    "hf-paper": "one Hugging Face paper page copied as text",
    "hf-items": "a Hugging Face collection, organisation or user page copied as text (\"Paper • ID\" items)",
    "hf-flat": "Hugging Face listing cards flattened to one line each (\"Submitted by USER VOTES TITLE · N authors\")",
    "markdown": "Markdown capture (web clipper, note app or converter)",
    "html": "saved HTML page",
    "arxiv-listing": "arXiv listing (Title:/Authors:/Abstract: fields)",
    "arxiv-email": "arXiv mailing-list digest",
    "hf-api-json": "Hugging Face papers API answer saved as JSON (daily list, search, one paper)",
    "s2-json": "Semantic Scholar API answer saved as JSON",
    "readq-json": "readq's own JSON (export --format json, list --json)",
    "csl-json": "CSL-JSON (readq's export, Zotero, pandoc)",
    "json": "JSON list of papers (objects with a title)",
    "csv": "CSV, TSV or semicolon table of papers (readq's export, Zotero, a spreadsheet)",
    "arxiv-atom": "arXiv API answer (Atom)",
    "rss": "RSS feed of papers (arXiv's RSS feeds, RSS 2.0 and 1.0)",
    "atom": "Atom feed of papers",
    "bibtex": "BibTeX file (readq's export, Zotero, arXiv, Google Scholar, hand-written .bib)",
    "ris": "RIS file (readq's export, Zotero, EndNote, Mendeley)",
    "bylines": "search results or alerts (title, \"Authors - Venue, Year\", snippet; e.g. Google Scholar)",
    "link-list": "a plain list of titles, each with its arXiv or Hugging Face link or arXiv ID",
    "records": "a list of papers with labelled fields (Title:/Authors:/Abstract:/Link:)",
    "unknown": "not recognised as a paper list",
    "empty": "empty file",
    "error": "could not be parsed",
}


@dataclass
class FilePreview:
    """One input's would-be import."""

    name: str
    layout: str = ""
    notes: tuple[str, ...] = ()
    digest_date: str | None = None
    entries: tuple[Entry, ...] = ()
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.name,
            "layout": self.layout,
            "recognised": list(self.notes),
            "digest_date": self.digest_date,
            "error": self.error,
            "papers": [fields_of(e) | {"title": e.title, "line": e.line} for e in self.entries],
            "warnings": self.warnings,
        }


def fields_of(entry: Entry) -> dict[str, Any]:
    """The fields a digest gave for one paper (empty ones left out)."""
    found: dict[str, Any] = {}
    if entry.abstract:
        found["abstract"] = f"{len(entry.abstract)} characters"
    if entry.arxiv_id:
        found["arxiv_id"] = entry.arxiv_id
    if entry.authors:
        found["authors"] = list(entry.authors)
    if entry.authors_count is not None:
        found["authors_count"] = entry.authors_count
    for name in ("org", "published", "upvotes"):
        value = getattr(entry, name)
        if value is not None:
            found[name] = value
    if entry.links:
        found["links"] = list(entry.links)
    return found


def preview(paths: Sequence[str], today: _dt.date) -> Iterator[FilePreview]:
    """Parse every input as `readq import` would; nothing is written."""
    for item in iter_inputs(paths):
        if item.data is None:
            yield FilePreview(item.name, error=item.error or "could not be read")
            continue
        try:
            result: ParseResult = parse_bytes(item.data, source=item.name, today=today)
        except DigestError as exc:
            yield FilePreview(item.name, error=str(exc))
            continue
        yield FilePreview(
            item.name, result.layout, result.notes, result.digest_date, result.entries,
            [f"line {w.line}: {w.message}" if w.line else w.message for w in result.warnings],
        )


def _describe(key: str, value: Any) -> str:
    if key == "abstract":
        return f"abstract ({value})"
    if key == "authors":
        return f"authors: {', '.join(value[:3])}{', …' if len(value) > 3 else ''}"
    if key == "authors_count":
        return f"{value} authors"
    if key == "arxiv_id":
        return f"arXiv {value}"
    if key == "links":
        return "links: " + ", ".join(value[:2]) + (f" (+{len(value) - 2})" if len(value) > 2 else "")
    return f"{key} {value}"


def render_text(files: Sequence[FilePreview]) -> str:
    """The human-readable report: per file, its layout, papers and warnings; then a total."""
    out: list[str] = []
    papers = 0
    for f in files:
        out.append(f"== {clean(f.name)}")
        if f.error:
            out += [f"   not read: {f.error}", ""]
            continue
        what = LAYOUTS.get(f.layout, f.layout)
        date = f"; digest date {f.digest_date}" if f.digest_date else ""
        out.append(f"   layout: {f.layout} - {what}{date}")
        if f.notes:
            out.append(f"   recognised: {'; '.join(f.notes)}")
        out.append(f"   {len(f.entries)} paper(s) would be imported")
        papers += len(f.entries)
        for i, e in enumerate(f.entries, 1):
            out.append(f"   {i:>3}. {e.title}")
            details = [f"line {e.line}", *(_describe(k, v) for k, v in fields_of(e).items())]
            if not e.abstract:
                details.insert(1, "no abstract")
            out.append("        " + " · ".join(details))
        out += [f"   warning: {w}" for w in f.warnings]
        out.append("")
    out.append(f"Dry run: {len(files)} file(s), {papers} paper(s) would be read; nothing was changed.")
    return "\n".join(out)
