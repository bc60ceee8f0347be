"""Tables of papers: CSV, TSV and semicolon-separated files with a header row.

Three shapes are read, all as one layout ("csv"):

- readq's own `export --format csv` (header `id,title,abstract,authors,...`): lists inside a cell
  are joined by "; ", and a cell a spreadsheet would run as a formula (starting with `= + - @`)
  was given a leading `'`, which is taken off again here (in every shape: other tools guard the
  same way).
- Zotero's CSV export ("Key","Item Type",...,"Author","Title",...,"Abstract Note",...,"Url",
  "Date",...,"Extra"): authors are "Last, First; Last, First"; the arXiv ID is found in the URL,
  the DOI (10.48550/arXiv.ID), "Archive ID", "Extra" or "Number".
- Spreadsheets people make: any header with a title column (Title/Paper/Name) plus, when
  present, Abstract/Summary/Description, Authors, Date/Published, URL/Link/arXiv, Code/Links,
  Upvotes.

The `csv` module does the quoting (RFC 4180, multi-line quoted cells); the delimiter is chosen
from the header line alone (tab, comma or semicolon: the one that gives a title column), never by
`csv.Sniffer`, which guesses from the data and can pick a letter. Import reads papers only: the
export's status, starred, tags, note, sources and url columns are not imported.
"""

from __future__ import annotations

import csv
import io
import re

from readq.digest import dates, meta
from readq.digest.arxiv import split_authors
from readq.digest.context import Context, Draft
from readq.digest.links import arxiv_id_from_label, arxiv_id_from_url, find_urls
from readq.digest.prose import collapse
from readq.model import Entry

LAYOUT = "csv"
SNIFF = 200_000
HEADER_MAX = 80  # a header cell longer than this is prose, not a column name
LINE_MAX = 20_000  # a first line longer than this is no header (Zotero's is 1.5 kB)
_DELIMITERS = ("\t", ",", ";")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# readq's export (`readq.export.CSV_COLUMNS`) has these among its columns, `_` read as space.
READQ_COLUMNS = frozenset({"id", "title", "abstract", "authors", "authors count", "links", "arxiv id", "status"})
_TITLE = ("title", "paper title", "paper", "name", "paper name")
# Column roles, each a list of header names (lower case, `_`/`-` read as spaces) by preference.
_ROLES: dict[str, tuple[str, ...]] = {
    "abstract": ("abstract", "abstract note", "summary", "description"),
    "authors": ("authors", "author", "author(s)", "creators"),
    "authors_count": ("authors count",),
    "org": ("org", "organization", "organisation"),
    "published": ("published", "date", "publication date", "published date", "published at", "submitted"),
    "upvotes": ("upvotes", "votes"),
    "links": ("links", "code", "github", "repo", "repository", "project page", "project", "code url"),
}
# Columns that may hold an arXiv ID or a paper URL.
_ID_COLUMNS = ("arxiv id", "arxiv", "url", "link", "paper url", "arxiv url", "pdf", "doi", "archive id",
               "extra", "number", "report number")
_PAPER_COLUMNS = frozenset(
    (*(n for names in _ROLES.values() for n in names), *_ID_COLUMNS, "year", "publication year")
)
_ID_CELL = re.compile(r"(?i:arxiv:)?(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")
_DOI_ID = re.compile(r"10\.48550/arxiv\.(\d{4}\.\d{4,5})", re.IGNORECASE)
_ISO_START = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ]|$)")
_YEAR = re.compile(r"\b\d{4}\b")


def _key(name: str) -> str:
    return " ".join(name.strip().lstrip("\ufeff").lower().replace("_", " ").replace("-", " ").split())


def _first_line(text: str) -> tuple[str, int, int]:
    """The first non-blank line, its offset and its 0-based line index; ("", 0, 0) when there is
    none in the sniffed prefix or it is too long to be a header."""
    pos, index = 0, 0
    while pos < min(len(text), SNIFF):
        end = text.find("\n", pos, pos + LINE_MAX + 1)
        if end < 0 and len(text) - pos > LINE_MAX:
            break
        line = text[pos:] if end < 0 else text[pos:end]
        if line.strip():
            return line, pos, index
        if end < 0:
            break
        pos, index = end + 1, index + 1
    return "", 0, 0


def _column_name(cell: str) -> bool:
    """Short, at most 6 words, not ending like a sentence: a column name, not a clause of prose."""
    s = cell.strip()
    return len(s) <= HEADER_MAX and len(s.split()) <= 6 and not s.endswith((".", "!", "?", ":"))


def _header(line: str) -> tuple[str, list[str]] | None:
    """(delimiter, cells) of a header line with a title column, or None."""
    s = line.strip()
    if not s or s[0] in "|#<>-*!{[":
        return None
    for delim in _DELIMITERS:
        if delim not in line:
            continue
        try:
            cells = next(csv.reader([line], delimiter=delim))
        except (csv.Error, StopIteration):
            continue
        keys = [_key(c) for c in cells]
        titled = any(k in _TITLE for k in keys if k != "name") or (
            "name" in keys and any(k in _PAPER_COLUMNS for k in keys)  # "name,age" is people, not papers
        )
        if len(cells) >= 2 and titled and all(_column_name(c) for c in cells):
            return delim, cells
    return None


def looks_like(text: str) -> bool:
    """A delimited header with a title column, and a first data row with as many cells."""
    line, start, _ = _first_line(text)
    found = _header(line)
    if found is None:
        return False
    delim, cells = found
    try:
        rows = csv.reader(io.StringIO(text[start:start + SNIFF]), delimiter=delim)
        next(rows)
        second = next((r for r in rows if r), None)
    except csv.Error:
        return False
    return second is not None and len(second) == len(cells)


def _unguard(cell: str) -> str:
    """Undo the formula-injection guard: `'=SUM(1)` -> `=SUM(1)`."""
    return cell[1:] if cell[:1] == "'" and cell[1:2].startswith(_FORMULA_START) else cell


def _columns(keys: list[str]) -> dict[str, int]:
    """Role -> column index, by each role's order of preference."""
    out: dict[str, int] = {}
    for role, names in (("title", _TITLE), *_ROLES.items()):
        for name in names:
            if name in keys:
                out[role] = keys.index(name)
                break
    return out


def _int(value: str) -> int | None:
    value = value.strip()
    if value.isascii() and value.isdigit() and len(value) < 12:
        return int(value)
    return meta.count(value) if value else None


def _date(value: str, ctx: Context) -> str | None:
    value = value.strip()
    m = _ISO_START.match(value)
    if m:
        return dates.parse_date(m[1], ctx.today)
    if _YEAR.search(value):  # never a year-less "June 3", which would be guessed
        return dates.parse_date(value, ctx.today)
    return None


def _authors(value: str, readq: bool) -> tuple[str, ...]:
    value = value.strip()
    if not value:
        return ()
    if readq:
        return tuple(a.strip() for a in value.split(";") if a.strip())
    if ";" in value:  # Zotero: "Last, First; Last, First"
        names = []
        for part in value.split(";"):
            last, comma, first = part.partition(",")
            name = f"{first.strip()} {last.strip()}" if comma and "," not in first else part
            if name.strip():
                names.append(name.strip())
        return tuple(names)
    return split_authors(value)


def _arxiv_id(cell: str) -> str | None:
    cell = cell.strip()
    if not cell:
        return None
    m = _ID_CELL.fullmatch(cell)
    if m:
        return m[1]
    m = _DOI_ID.search(cell)
    if m:
        return m[1]
    return arxiv_id_from_url(cell) or arxiv_id_from_label(cell)


def _draft(row: list[str], cols: dict[str, int], id_cols: list[int], readq: bool, line: int,
           ctx: Context) -> Draft | None:
    def cell(role: str) -> str:
        k = cols.get(role)
        return _unguard(row[k]) if k is not None and k < len(row) else ""

    title = cell("title").strip()
    if not collapse(title):  # empty, or only control characters
        if any(c.strip() for c in row):
            ctx.warn(line, "row without a title, skipped")
        return None
    draft = Draft(title=title, line=line, collapsed=False)
    abstract = cell("abstract")
    draft.abstract = [abstract] if abstract.strip() else []
    draft.authors = _authors(cell("authors"), readq)
    count = _int(cell("authors_count"))
    draft.authors_count = count if count is not None else (len(draft.authors) or None)
    draft.org = cell("org").strip() or None
    draft.published = _date(cell("published"), ctx)
    draft.upvotes = _int(cell("upvotes"))
    links = cell("links")
    draft.links = (
        [u.strip() for u in links.split("; ") if u.strip()] if readq else find_urls(links)
    )
    for k in id_cols:
        value = _unguard(row[k]) if k < len(row) else ""
        found = _arxiv_id(value)
        if found and not draft.arxiv_id:
            draft.arxiv_id = found
        elif not found and not readq and value.strip().lower().startswith(("http://", "https://")):
            draft.links.append(value.strip())  # a paper page that is not arXiv
    return draft


def parse(text: str, ctx: Context) -> tuple[list[Entry], str]:
    line, start, index = _first_line(text)
    found = _header(line)
    if found is None:
        ctx.warn(index + 1, "not a table of papers (no header row with a title column)")
        return [], LAYOUT
    delim, header = found
    keys = [_key(c) for c in header]
    readq = READQ_COLUMNS.issubset(keys)
    cols = _columns(keys)
    if readq:
        id_cols = [keys.index("arxiv id")]
        ctx.note("readq's own CSV export (status, stars, tags and notes are not imported)")
    else:
        id_cols = [keys.index(n) for n in _ID_COLUMNS if n in keys]
        if "key" in keys and "item type" in keys and "abstract note" in keys:
            ctx.note("Zotero CSV export")
        elif delim == "\t":
            ctx.note("tab-separated table")
    rows = _rows(text[start:], delim, index, ctx)
    drafts: list[Draft] = []
    cut = not text.endswith("\n")  # a file cut short ends mid-line
    for n, (first, last, row) in enumerate(rows[1:], start=1):
        if len(row) > len(header):
            ctx.warn(first, f"row with {len(row)} cells under a header of {len(header)}, skipped")
            continue
        if cut and n == len(rows) - 1:
            if last > first and text.count('"', start) % 2:
                ctx.warn(first, "the last row is cut off inside a quoted cell (truncated file?), skipped")
                continue
            if len(row) < len(header):
                ctx.warn(first, "the last row is short (truncated file?)")
        draft = _draft(row, cols, id_cols, readq, first, ctx)
        if draft is not None:
            drafts.append(draft)
    return ctx.finish_all(drafts, "table"), LAYOUT


def _rows(text: str, delim: str, offset: int, ctx: Context) -> list[tuple[int, int, list[str]]]:
    """(1-based lines where the record starts and ends, cells) per non-blank record, header first."""
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    out: list[tuple[int, int, list[str]]] = []
    done = 0  # lines the reader has consumed
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a cell over the csv module's size limit
            ctx.warn(offset + done + 1, f"unreadable row ({exc}), skipped")
            done = reader.line_num
            continue
        first, done = offset + done + 1, reader.line_num
        if row and any(c.strip() for c in row):
            out.append((first, offset + done, row))
    return out
