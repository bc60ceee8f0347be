"""Search-result style lists: a title, a byline "Authors - Venue, Year", then a snippet.

Google Scholar alerts and result pages (and tools that copy them) print each paper as::

    [PDF] Long-Context Video Understanding with Sparse Memory
    J Smith, K Lee, M Zhou - arXiv preprint arXiv:2406.01234, 2024
    We present a method for long-context video understanding that keeps …

The byline is what makes a record: a line of name-like pieces separated by commas, then " - "
and a source. The line(s) above it are the title (a "[PDF]"/"[HTML]" tag dropped), the lines
below it up to a blank line the snippet, kept as the abstract (it is what the list shows;
`readq resolve` can replace it). Headers, footers and share buttons around the results have no
byline and are not read. Author lists cut with "…" give the names shown, not a count.
"""

from __future__ import annotations

import re

from readq.digest.context import Context, Draft
from readq.digest.links import arxiv_id_from_label, find_urls
from readq.model import Entry

SAMPLE = 200_000
MIN_RECORDS = 2
_BYLINE = re.compile(r"(?P<authors>[^\n]{2,300}?)\s[-–—]\s(?P<source>[^\n]{2,300})")
_NAME = re.compile(r"(?:[A-Z][A-Za-z'’-]*\.?|[A-Z]{1,3})(?:\s+(?:[A-Za-z][A-Za-z'’.-]*|[A-Z]{1,3}))*…?")
# What a source names: a year, a venue word or a site.
_SOURCE = re.compile(
    r"\b(?:19|20)\d{2}\b|arxiv|preprint|proceedings|journal|conference|transactions|symposium|workshop|"
    r"\.(?:com|org|net|edu|io|ac\.\w\w)\b", re.IGNORECASE)
_TAG = re.compile(r"\[(?:PDF|HTML|BOOK|B|CITATION|C|DOC|PS)\]\s*", re.IGNORECASE)
_CHROME_WORDS = frozenset(
    "save twitter linkedin facebook cite cited by related articles list alerts cancel alert all versions".split()
)
_SNIFF_BYLINE = re.compile(r"^[A-Z][A-Za-z'’.-]*(?: [A-Za-z'’.-]+){0,3}, [^\n]{0,200}? [-–—] [^\n]+$", re.MULTILINE)


def byline(line: str) -> tuple[tuple[str, ...], str] | None:
    """(authors, source) when `line` is a byline, else None."""
    m = _BYLINE.fullmatch(line.strip())
    if m is None:
        return None
    pieces = [p.strip() for p in m["authors"].split(",")]
    if not pieces or not all(p and len(p) <= 60 and _NAME.fullmatch(p) for p in pieces):
        return None
    if not _SOURCE.search(m["source"]):
        return None
    names = tuple(p.rstrip("…").strip() for p in pieces if p.rstrip("…").strip())
    return names, m["source"].strip()


def looks_like(text: str) -> bool:
    """At least two lines in the sample read as bylines."""
    head = text[:SAMPLE]
    hits = 0
    for m in _SNIFF_BYLINE.finditer(head):
        if byline(m.group()) is not None:
            hits += 1
            if hits >= MIN_RECORDS:
                return True
    return False


def _chrome(line: str) -> bool:
    """Share buttons, alert links and the sender's notice around the results."""
    low = line.casefold().strip()
    return all(w in _CHROME_WORDS for w in low.split()) or ("google scholar" in low and len(low) < 300)


def parse(lines: list[str], ctx: Context) -> tuple[list[Entry], str]:
    """Entries for each title + byline + snippet block; none unless two bylines are found."""
    drafts: list[Draft] = []
    i = 0
    while i < len(lines):
        s = lines[i].strip()
        got = byline(s) if 5 < len(s) <= 600 and i > 0 else None
        if got is None:
            i += 1
            continue
        title_lines: list[str] = []
        k = i - 1
        while k >= 0 and lines[k].strip() and not _chrome(lines[k]) and len(title_lines) < 2:
            above = lines[k].strip()
            if title_lines and not (_TAG.match(above) or title_lines[0][:1].islower()):
                break  # a title takes a second line only when wrapped
            title_lines.insert(0, above)
            k -= 1
        title = _TAG.sub("", " ".join(title_lines)).strip()
        i += 1
        snippet: list[str] = []
        while i < len(lines) and lines[i].strip():
            if byline(lines[i].strip()) is not None and snippet:
                break
            if not _chrome(lines[i]):
                snippet.append(lines[i].strip())
            i += 1
        if snippet and byline(lines[i].strip() if i < len(lines) else "") is not None:
            snippet.pop()  # the next record's title, printed without a blank line before its byline
            i -= 1
        if not title or len(title) > 400:
            continue
        authors, source = got
        draft = Draft(title=title, line=k + 2, abstract=[" ".join(snippet)] if snippet else [])
        draft.authors = authors
        cut = s.split(" - ", 1)[0].rstrip().endswith(("…", "...")) or "…" in s.split(" – ", 1)[0]
        draft.authors_count = None if cut else len(authors)
        draft.arxiv_id = arxiv_id_from_label(source)
        draft.links = [u for u in find_urls(source)]
        draft.has_meta = True
        drafts.append(draft)
    if len(drafts) < MIN_RECORDS:
        return [], "bylines"
    return ctx.finish_all(drafts, "result list"), "bylines"
