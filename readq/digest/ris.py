"""RIS files: readq's own `export --format ris` and Zotero, EndNote and Mendeley exports.

RIS is line-based: `XX  - value` (a tag of two letters or a letter and a digit, two spaces, a
dash, a space), one record from `TY  -` to `ER  -`. A line without a tag continues the previous
value (EndNote and hand-edited files wrap long abstracts). A record that never reaches `ER` at
the end of the file was cut off and is skipped with a warning, like a cut-off BibTeX entry.

Mapping: TI/T1 (then CT/ST) title, AB/N2 abstract, AU/A1 authors ("Last, First[, Suffix]" ->
"First Last Suffix"), DA/PY/Y1 dates ("2024/06/15/", "2024///": only a full date becomes
`published`), UR/L2 links (an arXiv or HF paper URL gives the arXiv ID instead), DO an arXiv DOI,
SN/AN/M1 or the journal "arXiv:ID" labels. Notes (N1), keywords and M3 are not paper text and
are ignored. Zotero's rich-text tags (`<i>`, `<sup>`) are removed from titles.

rispy (which the tests use to check readq's RIS export) would give the same records as dicts
of tag names; the mapping to papers, the cut-off record and the tag stripping are readq's own
either way, so the import reads the lines itself rather than add a runtime dependency.
"""

from __future__ import annotations

import re

from readq.digest import dates
from readq.digest.context import Context, Draft
from readq.digest.links import arxiv_id_from_label, arxiv_id_from_url, find_urls
from readq.identity.record import bare_id
from readq.model import Entry

LAYOUT = "ris"
SNIFF = 200_000
_TAG = re.compile(r"([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$")
_FIRST = re.compile(r"(?:[ \t]*\n)*TY  - ")
_OTHER_TAG = re.compile(r"^(?:ER  -|[A-Z][A-Z0-9]  - )", re.MULTILINE)
_DATE = re.compile(r"(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?)?)?")
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(\S+)", re.IGNORECASE)
_RICH = re.compile(r"</?(?:i|b|em|strong|sub|sup|sc|span)(?:\s[^<>]{0,200})?>", re.IGNORECASE)


def looks_like(text: str) -> bool:
    """The first non-blank line is `TY  - ...` and another tag line (or `ER  -`) follows."""
    sample = text[:SNIFF]
    m = _FIRST.match(sample)
    if m is None:
        return False
    nl = sample.find("\n", m.end())
    return nl >= 0 and _OTHER_TAG.search(sample, nl + 1) is not None


def _records(text: str, ctx: Context) -> list[tuple[int, list[tuple[str, str]]]]:
    """(line of `TY`, [(tag, value)]) for each record closed by `ER`."""
    out: list[tuple[int, list[tuple[str, str]]]] = []
    cur: list[tuple[str, str]] | None = None
    start = 0
    for i, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip()
        m = _TAG.match(line) if len(line) >= 5 else None
        if m is None:
            if cur and line.strip():
                tag, value = cur[-1]
                cur[-1] = (tag, f"{value} {line.strip()}" if value else line.strip())
            continue
        tag, value = m[1], (m[2] or "").strip()
        if tag == "TY":
            if cur is not None:
                ctx.warn(start, "RIS record without an `ER  -` line before the next `TY  -`; read anyway")
                out.append((start, cur))
            cur, start = [], i
        elif tag == "ER":
            if cur is not None:
                out.append((start, cur))
            cur = None
        elif cur is not None:
            cur.append((tag, value))
    if cur is not None:
        ctx.warn(start, "RIS record cut off at the end of the file (no `ER  -` line); skipped")
    return out


def person(name: str) -> str:
    """`Last, First` -> `First Last`; `Last, First, Jr.` -> `First Last Jr.`; others as given."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2 and parts[0] and parts[1]:
        return f"{parts[1]} {parts[0]}"
    if len(parts) >= 3 and parts[0] and parts[1]:
        return " ".join(p for p in (parts[1], parts[0], *parts[2:]) if p)
    return " ".join(p for p in parts if p)


def full_date(value: str) -> str | None:
    """`2024/06/15/`, `2024-06-15` -> `2024-06-15`; a date without its day -> None."""
    m = _DATE.match(value.strip())
    if m is None or not m[2] or not m[3]:
        return None
    return dates.resolve(int(m[2]), int(m[3]), int(m[1]), dates.from_iso("2000-01-01"))  # type: ignore[arg-type]


def _first(fields: dict[str, list[str]], *tags: str) -> str:
    for tag in tags:
        for value in fields.get(tag, ()):
            if value.strip():
                return value
    return ""


def _arxiv_id(fields: dict[str, list[str]], urls: list[str]) -> str | None:
    for url in urls:
        found = arxiv_id_from_url(url)
        if found:
            return found
    for value in fields.get("DO", ()):
        m = _ARXIV_DOI.search(value)
        found = bare_id(m[1]) if m else None
        if found:
            return found
    for tag in ("SN", "AN", "M1", "JO", "JF", "T2", "J2"):
        for value in fields.get(tag, ()):
            found = arxiv_id_from_label(value)
            if found:
                return found
    return None


def _draft(line: int, pairs: list[tuple[str, str]], ctx: Context) -> Draft | None:
    fields: dict[str, list[str]] = {}
    for tag, value in pairs:
        fields.setdefault(tag, []).append(value)
    title = _RICH.sub("", _first(fields, "TI", "T1", "CT", "ST")).strip()
    if not title:
        ctx.warn(line, "RIS record without a title (TI/T1); skipped")
        return None
    draft = Draft(title=title, line=line)
    abstract = _first(fields, "AB", "N2")
    draft.abstract = [abstract] if abstract.strip() else []
    draft.authors = tuple(a for a in (person(v) for v in fields.get("AU", []) + fields.get("A1", [])) if a)
    if draft.authors:
        draft.authors_count = len(draft.authors)
    for tag in ("DA", "PY", "Y1"):
        draft.published = draft.published or next(filter(None, map(full_date, fields.get(tag, ()))), None)
    urls = [u for tag in ("UR", "L2") for v in fields.get(tag, ()) for u in find_urls(v)]
    draft.arxiv_id = _arxiv_id(fields, urls)
    draft.links = [u for u in urls if not arxiv_id_from_url(u) and "huggingface.co/papers?" not in u]
    return draft


def parse(text: str, ctx: Context) -> tuple[list[Entry], str]:
    drafts = [d for d in (_draft(line, pairs, ctx) for line, pairs in _records(text, ctx)) if d]
    if not drafts:
        return [], LAYOUT
    return ctx.finish_all(drafts, "RIS file"), LAYOUT
