"""Paper lists written as labelled records: a title line, then "Label: value" fields.

Newsletters, chat answers, notes and hand-made lists put each paper like this::

    1. Long-Context Video Understanding with Sparse Memory
       Authors: J. Smith, K. Lee
       Abstract: We present a method ...
       Link: https://arxiv.org/abs/2406.01234

or label the title too ("Title: ..."). A record starts at a "Title:" (or "Paper:") field, or at
an unlabelled line - numbered, bulleted or bold, or after a blank line - whose next line is a
field. Only labels readq knows count as fields (authors, abstract/summary/TL;DR, link/URL/code/
arXiv, date, organisation, upvotes; keywords, venue and the like are recognised and skipped), so
prose with a stray "Note:" is not a list. A line without a label continues the field above it
(wrapped values); after a blank line it is the abstract when no field gave one. A file is read
this way only when at least two records carry fields.
"""

from __future__ import annotations

import re

from readq.digest import dates, meta
from readq.digest.arxiv import split_authors
from readq.digest.context import Context, Draft
from readq.digest.furniture import is_furniture
from readq.digest.links import arxiv_id_from_label, arxiv_id_from_url, find_urls
from readq.digest.mdinline import render
from readq.digest.mdmeta import english_label
from readq.model import Entry

SAMPLE = 200_000
MIN_RECORDS = 2

_ROLES = {
    "title": "title", "paper title": "title",
    "paper": "paper",
    "author": "authors", "authors": "authors", "by": "authors",
    "abstract": "abstract", "summary": "abstract", "tl;dr": "tldr", "tldr": "tldr", "description": "abstract",
    "link": "link", "links": "link", "url": "link", "pdf": "link", "code": "link", "github": "link",
    "project": "link", "project page": "link", "website": "link", "arxiv": "link", "hugging face": "link",
    "huggingface": "link", "hf": "link", "paper link": "link", "paper url": "link", "doi": "link",
    "date": "date", "published": "date", "published on": "date", "submitted": "date", "posted": "date",
    "organization": "org", "organisation": "org", "org": "org", "affiliation": "org", "affiliations": "org",
    "institution": "org",
    "upvotes": "votes", "votes": "votes", "likes": "votes",
    "keywords": "skip", "tags": "skip", "categories": "skip", "subjects": "skip", "comments": "skip",
    "venue": "skip", "conference": "skip", "why it matters": "skip", "notes": "skip", "note": "skip",
    "category": "skip", "topic": "skip", "citations": "skip", "stars": "skip",
}
_FIELD = re.compile(
    r"[ \t]*(?:[-*•+][ \t]+)?(?:\*\*|__)?(?P<label>[A-Za-z][A-Za-z ;/'-]{0,20}?)[ \t]*(?:\*\*|__)?[ \t]*[:：]{1,2}"
    r"(?:\*\*|__)?[ \t]*(?P<value>.*)"
)
_MARKER = re.compile(r"[ \t]*(?:#{1,6}[ \t]+)?(?:\(?\d{1,4}[.)\]][ \t]+|\[\d{1,4}\][ \t]*|#\d{1,4}[ \t.:)-]+|[-*•+][ \t]+)")
_EMPHASIS = re.compile(r"^(\*\*|__|\*|_)(.+)\1$")
_SNIFF_FIELD = re.compile(
    r"^[ \t]*(?:[-*•+][ \t]+)?(?:\*\*|__)?(?:authors?|abstract|summary|tl;?dr|link|url|pdf|code|title)[ \t]*(?:\*\*|__)?[ \t]*:",
    re.IGNORECASE | re.MULTILINE,
)


def _field(line: str) -> tuple[str, str] | None:
    """(role, value) for a labelled line readq knows (Chinese labels too), else None."""
    if not line[:16].isascii():
        line = english_label(line)
    m = _FIELD.match(line)
    if m is None:
        return None
    role = _ROLES.get(m["label"].strip().casefold())
    if role is None:
        return None
    value = m["value"].strip()
    if value.startswith(("**", "__")):
        value = value[2:].lstrip()
    return role, value


def looks_like(text: str) -> bool:
    """Cheap: at least four lines start with one of the common labels in the sample."""
    head = text[:SAMPLE]
    count = 0
    for _ in _SNIFF_FIELD.finditer(head):
        count += 1
        if count >= 2 * MIN_RECORDS:
            return True
    return False


def _title_text(line: str) -> tuple[str, list[str]]:
    """A title line without its list marker and emphasis; Markdown links become their text."""
    s = line
    m = _MARKER.match(s)
    if m:
        s = s[m.end():]
    s = s.strip()
    e = _EMPHASIS.match(s)
    if e:
        s = e.group(2).strip()
    urls: list[str] = []
    if "](" in s:
        found = render(s)
        s = found.text
        urls = [link.url for link in found.links if not link.image]
    return s.strip(" *_#"), urls


class _Record:
    def __init__(self, title: str, line: int, urls: list[str]) -> None:
        self.title = title
        self.line = line
        self.urls = urls
        self.fields: dict[str, list[str]] = {}
        self.last: str | None = None
        self.paragraphs: list[str] = []


def _next_field(lines: list[str], i: int) -> bool:
    """Whether the line after `i` is a known field that does not start a record itself."""
    if i + 1 >= len(lines):
        return False
    got = _field(lines[i + 1])
    return got is not None and got[0] not in ("title", "skip")


def _records(lines: list[str], ctx: Context) -> list[_Record]:
    records: list[_Record] = []
    cur: _Record | None = None
    blank_before = True
    for i, raw in enumerate(lines):
        s = raw.strip()
        if not s:
            blank_before = True
            if cur is not None:
                cur.last = None if cur.last != "abstract" or cur.fields.get("abstract") else cur.last
            continue
        got = _field(raw) if len(s) < 5000 else None
        numbered = _MARKER.match(raw) is not None and got is None
        if got is not None and got[0] == "paper" and not find_urls(got[1]):
            got = ("title", got[1])
        if got is not None and got[0] == "title" and got[1]:
            title, urls = _title_text(got[1])
            cur = _Record(title, i + 1, urls)
            records.append(cur)
        elif got is None and (numbered or blank_before) and len(s) <= 400 and _next_field(lines, i):
            title, urls = _title_text(raw)
            if title and not is_furniture(title):
                cur = _Record(title, i + 1, urls)
                records.append(cur)
        elif cur is None:
            if len(s) < 300:
                ctx.set_digest_date(dates.find_full_date(s))
        elif got is not None:
            role = "link" if got[0] == "paper" else got[0]
            cur.fields.setdefault(role, []).append(got[1])
            cur.last = role
        elif cur.last in ("abstract", "tldr", "authors", "title") and not blank_before:
            cur.fields[cur.last].append(s)  # a wrapped value
        elif cur.fields and not is_furniture(s):
            cur.paragraphs.append(s)
            cur.last = None
        blank_before = False
    return records


def _draft(rec: _Record, ctx: Context) -> Draft:
    f = rec.fields
    draft = Draft(title=rec.title, line=rec.line)
    abstract = " ".join(f.get("abstract") or f.get("tldr") or rec.paragraphs)
    draft.abstract = [abstract] if abstract.strip() else []
    if f.get("authors"):
        names = " ".join(f["authors"])
        draft.authors = tuple(n for n in split_authors(names) if len(n) <= 100)
        count = meta.authors_count(names)
        draft.authors_count = count if count is not None else (len(draft.authors) or None)
        if count is not None:
            draft.authors = ()
    for value in f.get("date", []):
        draft.published = draft.published or dates.parse_date(value, ctx.ref) or dates.find_full_date(value)
    if f.get("org"):
        draft.org = f["org"][0][:200] or None
    for value in f.get("votes", []):
        n = meta.count(value.split()[0]) if value.split() else None
        draft.upvotes = n if isinstance(n, int) else draft.upvotes
    for value in [*rec.urls, *f.get("link", [])]:
        for url in find_urls(value) or ([value] if value.startswith("http") else []):
            aid = arxiv_id_from_url(url)
            if aid:
                draft.arxiv_id = draft.arxiv_id or aid
            else:
                draft.links.append(url)
        if not find_urls(value):
            draft.arxiv_id = draft.arxiv_id or arxiv_id_from_label(value)
    draft.has_meta = True
    return draft


def parse(lines: list[str], ctx: Context) -> tuple[list[Entry], str]:
    """Entries of a labelled-record list; none unless at least two records carry fields."""
    records = [r for r in _records(lines, ctx) if r.fields]
    if len(records) < MIN_RECORDS:
        return [], "records"
    drafts = [_draft(r, ctx) for r in records if r.title]
    return ctx.finish_all(drafts, "list"), "records"
