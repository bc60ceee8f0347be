"""Reading-list writers: JSON, Markdown, BibTeX, CSV, RIS and CSL-JSON.

Every format carries the paper's triage state where the format has room for it: JSON and CSV as
fields, BibTeX/RIS/CSL-JSON as `readq:<status>` / `readq:starred` keywords (reference managers
import them as tags) plus a note, Markdown as groups, checkboxes and ★. The user's tags and note
travel too: BibTeX `keywords`/`annote`, RIS `KW`/`N1`, CSL-JSON `keyword`/`annote`, CSV and JSON
`tags`/`note`, Markdown a "tags:" entry and the note quoted under the item.

RIS uses `TY  - RPRT`: RIS has no preprint type; Zotero maps RPRT to and from its Report type
losslessly, with `M3` (report type "Preprint"), `SN` (report number "arXiv:ID") and `PB`
(institution "arXiv"). GEN/UNPB import as a journal article without a journal. CSL-JSON uses
`"type": "article"`, which CSL 1.0.2 defines as a preprint or working paper (Zotero maps its
Preprint type to it), and the BibTeX key as `id`, so pandoc users cite the same key either way.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

import orjson

from readq.cite import (
    author_phrase,
    bibtex_entries,
    bibtex_key,
    digest_note,
    export_keywords,
    markdown_escape,
)
from readq.csl import reference_item, split_name
from readq.links import arxiv_doi, arxiv_url, best_link, clean_arxiv_id, paper_links
from readq.store.atomic import atomic_write
from readq.model import Paper, Status
from readq.textclean import clean_paper, neutralize_cell

FORMATS = ("json", "md", "bibtex", "csv", "ris", "csljson")
_ALIASES = {
    "markdown": "md",
    "bib": "bibtex",
    "csl-json": "csljson",
    "csl": "csljson",
    "csl_json": "csljson",
}
EXTENSIONS = {
    "json": ".json",
    "md": ".md",
    "bibtex": ".bib",
    "csv": ".csv",
    "ris": ".ris",
    "csljson": ".json",
}

GROUPS = (
    (Status.TO_READ, "To read"),
    (Status.NEW, "New"),
    (Status.READ, "Read"),
    (Status.SKIPPED, "Skipped"),
)
CSV_COLUMNS = (
    "id", "title", "abstract", "authors", "authors_count", "org", "published", "upvotes", "links",
    "arxiv_id", "status", "starred", "sources", "url", "tags", "note",
)  # fmt: skip


def normalize_format(fmt: str) -> str:
    """Map a format name or alias (markdown, bib, csl-json, csl) to one of `FORMATS`."""
    key = fmt.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in FORMATS:
        choices = ", ".join(FORMATS)
        aliases = "markdown, bib, csl-json"
        raise ValueError(
            f"unknown export format {fmt!r} (choose from {choices}; aliases: {aliases})"
        )
    return key


def _one_line(text: str) -> str:
    return " ".join(text.split())


def status_line(paper: Paper) -> str:
    """`readq status: to-read; starred`: the triage state in words, for notes."""
    return f"readq status: {paper.status.value}" + ("; starred" if paper.starred else "")


def _note_parts(paper: Paper) -> list[str]:
    """Status plus what the digest knew that the format has no field for."""
    parts = [status_line(paper)]
    if not paper.authors and paper.authors_count:
        parts.append(author_phrase(paper) or "")
    if paper.org:
        parts.append(f"Organization: {_one_line(paper.org)}")
    if paper.upvotes is not None:
        parts.append(f"{paper.upvotes} upvotes")
    note = digest_note(paper)
    if note:
        parts.append(note)
    return parts


# ---------------------------------------------------------------- JSON / CSV


def render_json(papers: Sequence[Paper]) -> str:
    """The contract's array of papers, indented, UTF-8 unescaped."""
    return (
        orjson.dumps([p.as_json() for p in papers], option=orjson.OPT_INDENT_2).decode("utf-8")
        + "\n"
    )


def _csv_value(key: str, paper: Paper, data: dict[str, Any]) -> str:
    if key == "url":
        return best_link(paper)
    if key == "sources":
        return "; ".join(
            f"{s.file} ({s.digest_date})" if s.digest_date else s.file for s in paper.sources
        )
    value = data[key]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def render_csv(papers: Sequence[Paper]) -> str:
    """One row per paper with every contract field (RFC 4180 quoting, CRLF rows).

    A cell a spreadsheet would run as a formula gets a leading `'` (OWASP CSV injection advice).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for paper in papers:
        data = paper.as_json()
        writer.writerow([neutralize_cell(_csv_value(key, paper, data)) for key in CSV_COLUMNS])
    return buffer.getvalue()


# ---------------------------------------------------------------- Markdown


def _md_link(label: str, url: str) -> str:
    """A Markdown link; angle brackets keep URLs with spaces or parentheses intact."""
    target = f"<{url}>" if any(ch in url for ch in " ()<>") else url
    return f"[{label}]({target})"


def _md_item(paper: Paper) -> str:
    box = "[x]" if paper.status is Status.READ else "[ ]"
    star = "★ " if paper.starred else ""
    head = f"- {box} {star}{_md_link(markdown_escape(paper.title), best_link(paper))}"
    meta: list[str] = []
    if paper.published:
        meta.append(paper.published)
    elif paper.date:
        meta.append(f"seen {paper.date}")
    if paper.org:
        meta.append(markdown_escape(paper.org))
    authors = author_phrase(paper)
    if authors:
        meta.append(markdown_escape(authors))
    if paper.upvotes is not None:
        meta.append(f"{paper.upvotes} upvotes")
    arxiv = arxiv_url(paper)
    if arxiv:
        meta.append(
            _md_link(f"arXiv:{markdown_escape(clean_arxiv_id(paper.arxiv_id) or '')}", arxiv)
        )
    meta += [
        _md_link(label, url) for label, url in paper_links(paper) if label not in ("Paper", "arXiv", "PDF")
    ]
    if paper.tags:
        meta.append("tags: " + ", ".join(markdown_escape(t) for t in paper.tags))
    # A trailing backslash is CommonMark's visible hard line break inside the list item.
    item = f"{head}\\\n  {' · '.join(meta)}" if meta else head
    return item + _md_note(paper)


def _md_note(paper: Paper) -> str:
    """The user's note under the item, as a quote block indented into the list item."""
    if not paper.note:
        return ""
    lines = paper.note.strip().splitlines()
    return "\n\n" + "\n".join(f"  > {markdown_escape(ln)}".rstrip() for ln in lines)


def render_markdown(papers: Sequence[Paper]) -> str:
    """A checklist grouped To read / New / Read / Skipped, input order kept within a group."""
    lines = ["# Reading list", ""]
    if not papers:
        return "\n".join([*lines, "No papers.", ""])
    counts = [f"{len(papers)} paper" + ("" if len(papers) == 1 else "s")]
    for status, label in GROUPS:
        n = sum(1 for p in papers if p.status is status)
        if n:
            counts.append(f"{n} {label.lower()}")
    starred = sum(1 for p in papers if p.starred)
    if starred:
        counts.append(f"{starred} starred ★")
    lines += [" · ".join(counts), ""]
    for status, label in GROUPS:
        group = [p for p in papers if p.status is status]
        if group:
            lines += [f"## {label} ({len(group)})", "", *(_md_item(p) for p in group), ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- RIS / CSL-JSON


def _ris_name(name: str) -> str:
    parts = split_name(name)
    return f"{parts[0]}, {parts[1]}" if parts else _one_line(name)


def _ris_record(paper: Paper) -> list[tuple[str, str]]:
    tags: list[tuple[str, str]] = [("TY", "RPRT"), ("TI", _one_line(paper.title))]
    tags += [("AU", _ris_name(a)) for a in paper.authors if a.strip()]
    if paper.published:
        tags += [("PY", paper.published[:4]), ("DA", paper.published.replace("-", "/"))]
    tags.append(("M3", "Preprint"))
    arxiv_id = clean_arxiv_id(paper.arxiv_id)
    if arxiv_id:
        tags += [("SN", f"arXiv:{arxiv_id}"), ("PB", "arXiv"), ("DO", arxiv_doi(paper) or "")]
    tags.append(("UR", best_link(paper)))
    if paper.abstract.strip():
        tags.append(("AB", _one_line(paper.abstract)))
    tags += [("KW", kw) for kw in export_keywords(paper)]
    tags.append(("N1", ". ".join(_note_parts(paper))))
    if paper.note:
        tags.append(("N1", _one_line(paper.note)))
    tags.append(("ID", paper.id))
    return tags


def render_ris(papers: Sequence[Paper]) -> str:
    """RIS records (`TAG  - value`, one value per line, `ER  - ` closes each record)."""
    records = [
        "".join(f"{tag}  - {value}\n" for tag, value in _ris_record(p)) + "ER  - \n" for p in papers
    ]
    return "\n".join(records)


def csl_item(paper: Paper, key: str) -> dict[str, Any]:
    """One CSL-JSON item: the reference (`readq.csl.reference_item`) plus abstract, triage state."""
    item: dict[str, Any] = {"id": key, "citation-key": key, **reference_item(paper)}
    if paper.abstract.strip():
        item["abstract"] = _one_line(paper.abstract)
    item["keyword"] = ", ".join(export_keywords(paper))
    if paper.note:
        item["annote"] = paper.note
    item["note"] = "\n".join([*_note_parts(paper), f"readq id: {paper.id}"])
    return item


def render_csljson(papers: Sequence[Paper]) -> str:
    """CSL-JSON items (pandoc, Zotero); ids are the same unique keys as the BibTeX export."""
    taken: set[str] = set()
    items = [csl_item(p, bibtex_key(p, taken)) for p in papers]
    return orjson.dumps(items, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


# ---------------------------------------------------------------- entry points

_RENDERERS = {
    "json": render_json,
    "md": render_markdown,
    "bibtex": bibtex_entries,
    "csv": render_csv,
    "ris": render_ris,
    "csljson": render_csljson,
}


def render(papers: Iterable[Paper], fmt: str) -> str:
    """The whole export as text; raises ValueError for an unknown format."""
    renderer = _RENDERERS[normalize_format(fmt)]
    return renderer([clean_paper(p) for p in papers])  # a record stored before cleaning existed


def write(
    papers: Iterable[Paper],
    fmt: str,
    path: Path | None,
    *,
    force: bool = False,
    stream: TextIO | None = None,
) -> int:
    """Export to `path` atomically (never clobbering unless `force`), or to stdout for None / "-".

    Returns the number of papers written; raises `FileExistsNoForce` when the file exists.
    """
    papers = list(papers)
    text = render(papers, fmt)
    if path is None or str(path) == "-":
        out = stream if stream is not None else sys.stdout
        out.write(text)
        out.flush()
    else:
        atomic_write(Path(path), text.encode("utf-8"), overwrite=force)
    return len(papers)
