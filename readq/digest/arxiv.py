"""arXiv listings: the daily e-mail digest and arxiv.org/list/... pages saved as text.

Both are field-based ("Title:", "Authors:", "Comments:", "Subjects:", "Abstract:"), one record
per "arXiv:2401.12345" line. In the e-mail, wrapped field values are indented and the abstract
sits between "\\\\" lines; on the web listing, the abstract (when shown) follows the fields.
"""

from __future__ import annotations

import re

from readq.digest import dates
from readq.digest.context import Context, Draft
from readq.digest.links import arxiv_id_from_label, arxiv_id_from_url, find_urls
from readq.digest.prose import collapse, looks_truncated
from readq.model import Entry

_RECORD = re.compile(r"\s*(?:\[\d+\]\s*)?arXiv:\s?(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?\b", re.I)
_FIELD = re.compile(
    r"(?P<name>Title|Authors?|Comments|Subjects|Categories|Journal-ref|DOI|Report-no|MSC-class|"
    r"ACM-class|License|Date|Abstract|Cite as|Submitted)\s*:\s?(?P<value>.*)",
    re.I,
)
_RULE = re.compile(r"-{10,}|={10,}|%{10,}|\*{10,}")
# "received from  Fri 15 Mar 24 18:00:00 GMT  to  Mon 18 Mar 24 18:00:00 GMT": the digest's day.
_EMAIL_RANGE = re.compile(r"\bto\s+[A-Z][a-z]{2}\s+(?P<day>\d{1,2})\s+(?P<mon>[A-Z][a-z]{2})\s+(?P<year>\d{2})\b")
_PAREN = re.compile(r"\([^()]{0,300}\)")
# arXiv's search results: a category line ("cs.CV cs.AI") and the title come unlabelled after the
# ID line; "Submitted 17 December, 2024; originally announced ..." dates the paper.
_CATEGORY_LINE = re.compile(r"(?:[a-z-]+(?:\.[A-Za-z-]+)?)(?:\s+[a-z-]+(?:\.[A-Za-z-]+)?)*")
_SUBMITTED = re.compile(r"Submitted\s+(?P<date>\d{1,2}\s+[A-Za-z]+,?\s+\d{4})", re.I)
_MORE, _LESS = "▽ More", "△ Less"
_ET_AL_END = re.compile(r"\s*,?\s*\bet\.?\s*al\.?\s*$", re.IGNORECASE)  # "J. Smith et.al." -> "J. Smith"
_AND = re.compile(r"\s*(?:,\s*and\s+|\band\s+|&|;|,)\s*")


def _email_date(m: re.Match[str]) -> str | None:
    mon = dates.month_number(m["mon"])
    return dates.resolve(mon, int(m["day"]), 2000 + int(m["year"]), dates.from_iso("2000-01-01")) if mon else None  # type: ignore[arg-type]


def split_authors(value: str) -> tuple[str, ...]:
    """`A (MIT), B and C` -> (A, B, C); affiliations in parentheses and "et al." dropped."""
    text = _ET_AL_END.sub("", collapse(_PAREN.sub(" ", value)))
    names = [n.strip(" .,") if n.strip().endswith(" .") else n.strip(" ,") for n in _AND.split(text)]
    return tuple(n for n in names if n and n.lower() not in {"et al", "et al.", "others"})


class _Record:
    def __init__(self, line: int, arxiv_id: str) -> None:
        self.line = line
        self.arxiv_id = arxiv_id
        self.fields: dict[str, list[str]] = {}
        self.field_lines: dict[str, int] = {}
        self.abstract: list[str] = []
        self.abstract_line = 0
        self.tail_urls: list[str] = []


def _records(lines: list[str], ctx: Context) -> tuple[list[_Record], bool]:
    records: list[_Record] = []
    cur: _Record | None = None
    state = "fields"
    field: str | None = None
    email = False
    for i, raw in enumerate(lines, start=1):
        s = raw.strip()
        if len(s) <= 300:
            m = _RECORD.match(raw)
            if m and (len(s) < 120 or s.lower().startswith(("arxiv:", "["))):
                cur = _Record(i, m["id"])
                records.append(cur)
                state, field = "fields", None
                continue
        if cur is None:
            if s and len(s) < 300:
                m = _EMAIL_RANGE.search(s)
                ctx.set_digest_date(_email_date(m) if m else dates.find_full_date(s))
            continue
        if s.startswith("\\\\"):
            email = True
            cur.tail_urls.extend(find_urls(s))
            state = "abstract" if state == "fields" else "done"
            continue
        if _RULE.fullmatch(s):
            state = "done"
            continue
        if state == "done":
            continue
        if state == "fields":
            if not s:
                field = None if field != "title" else field
                continue
            fm = _FIELD.match(s) if raw[:1] not in " \t" else None
            if fm:
                name = fm["name"].lower()
                name = "authors" if name.startswith("author") else name
                if name == "abstract":
                    state = "abstract"
                    cur.abstract_line = i
                    if fm["value"].strip():
                        cur.abstract.append(fm["value"])
                    continue
                field = name
                cur.fields.setdefault(name, []).append(fm["value"])
                cur.field_lines.setdefault(name, i)
                continue
            if field and (raw[:1] in " \t" or field in ("title", "authors")):
                cur.fields[field].append(s)  # a wrapped value (indented in e-mail, not on the web)
                continue
            if not cur.fields and not field:  # a search result: category line, then the title
                if len(s) <= 80 and _CATEGORY_LINE.fullmatch(s):
                    continue
                if len(s) <= 400:
                    cur.fields["title"] = [s]
                    cur.field_lines["title"] = i
                    field = "title"
                    continue
            state = "abstract"
        if state == "abstract":
            if not s and not cur.abstract:
                continue
            m = _SUBMITTED.match(s)
            if m:  # the search result's dates line ends the abstract
                cur.fields.setdefault("date", []).append(m["date"])
                state = "fields"
                continue
            if not cur.abstract:
                cur.abstract_line = i
            cur.abstract.append(s)
    return records, email


def _expanded(paragraphs: list[str]) -> list[str]:
    """A search result's abstract: the full text between "▽ More" and "△ Less" when the page was
    copied expanded, else the shortened text without its "▽ More" button."""
    text = " ".join(paragraphs)
    if _MORE not in text:
        return paragraphs
    short, _, rest = text.partition(_MORE)
    full = rest.split(_LESS, 1)[0].strip()
    return [full if full else short.strip()]


def parse(lines: list[str], ctx: Context) -> tuple[list[Entry], str]:
    records, email = _records(lines, ctx)
    drafts: list[Draft] = []
    last_abstract_line = 0
    for rec in records:
        title = collapse(" ".join(rec.fields.get("title", [])))
        if not title:
            ctx.warn(rec.line, f"arXiv entry {rec.arxiv_id} has no title; skipped")
            continue
        draft = Draft(title=title, line=rec.field_lines["title"], arxiv_id=rec.arxiv_id)
        draft.abstract = _expanded([p for p in rec.abstract if p.strip()])
        authors = " ".join(rec.fields.get("authors", []))
        draft.authors = split_authors(authors)
        if draft.authors:
            draft.authors_count = len(draft.authors)
        date_value = " ".join(rec.fields.get("date", []))
        if date_value:
            draft.published = dates.find_full_date(date_value)
        draft.links = [u for u in find_urls(" ".join(rec.fields.get("comments", []))) if not arxiv_id_from_url(u)]
        for url in rec.tail_urls:
            draft.arxiv_id = draft.arxiv_id or arxiv_id_from_url(url)
        draft.arxiv_id = draft.arxiv_id or arxiv_id_from_label(title)
        drafts.append(draft)
        last_abstract_line = rec.abstract_line or draft.line
    shortened = bool(records) and _MORE in " ".join(records[-1].abstract)  # cut by the page, not the file
    if drafts and drafts[-1].has_abstract and looks_truncated(drafts[-1].abstract[-1]) and not email and not shortened:
        ctx.warn(last_abstract_line, "abstract looks cut off (truncated digest?)")
    entries = ctx.finish_all(drafts, "arXiv listing")
    return entries, "arxiv-email" if email else "arxiv-listing"
