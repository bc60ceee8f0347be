"""Paper lists saved as JSON: Hugging Face and Semantic Scholar API answers, readq's own exports,
CSL-JSON (Zotero, pandoc) and any list of objects with a "title".

Shapes, recognised by the first titled record's keys (one layout per file):
- "hf-api-json": `/api/daily_papers`, `/api/papers/search` (items nesting a `paper`), `/api/papers/{id}`,
  read as `readq resolve` reads them (hidden authors skipped); a list whose items all name one
  `submittedOnDailyAt` day is that day's digest.
- "s2-json": Semantic Scholar paper objects, alone or under `data` (search results).
- "readq-json": `readq export --format json` and `readq list --json` records.
- "csl-json": CSL-JSON items (`readq export --format csljson`, Zotero, pandoc): `author` as
  family/given or literal names, `issued.date-parts`, arXiv IDs from `URL`, `DOI` (10.48550/arXiv.…)
  or `number` when `archive`/`publisher` says arXiv.
- "json": any other objects with a string "title": a list, a list under a key ("papers", "data",
  "items"…), or JSON Lines.

Import reads papers only: the statuses, stars, tags and notes in readq's exports are not imported.
Every text field goes through `Context.finish`, because JSON escapes ("\\u001b") decode to
characters the file's raw text did not show. A JSON document with no titled objects (package.json,
a config file) gives no papers and no warnings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import orjson

from readq.digest import dates
from readq.digest.arxiv import split_authors
from readq.digest.context import Context, Draft
from readq.digest.links import arxiv_id_from_url
from readq.digest.prose import collapse
from readq.identity.record import bare_id
from readq.model import Entry

SNIFF = 4096
LIST_KEYS = ("papers", "data", "items", "results", "entries", "records", "references")
# An object, a list opening with one, or an empty document: Markdown, HTML and prose never open so.
_START = re.compile(r'[\s\ufeff]*(?:\[\s*\{\s*["}]|\{\s*"|(?:\[\s*\]|\{\s*\})\s*\Z)')
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_ARXIV_DOI = re.compile(r"(?i)^(?:https?://doi\.org/)?10\.48550/arxiv\.(.+)$")
_MAX_WARNINGS = 5
_HF_SEARCH = re.compile(r"(?i)^https?://huggingface\.co/papers/?\?")


def looks_like(text: str) -> bool:
    """A JSON document or JSON Lines of objects: the text opens with `{"`, `[{"` or is `[]`/`{}`.

    Only the opening is looked at, so a JSON file that is cut off or broken is claimed too and
    `parse` reports it, rather than its raw text being read as a page of titles.
    """
    return _START.match(text[:SNIFF]) is not None


def _iso(value: Any) -> str | None:
    text = value[:10] if isinstance(value, str) else ""
    return text if _ISO.fullmatch(text) and dates.from_iso(text) else None


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _names(value: Any) -> tuple[str, ...]:
    """Authors as strings, `{name}`, CSL `{family, given}` / `{literal}`, or one "A, B and C"."""
    if isinstance(value, str):
        return split_authors(value)
    out: list[str] = []
    for a in value if isinstance(value, list) else ():
        if isinstance(a, dict) and not a.get("hidden"):
            a = _str(a.get("name")) or _str(a.get("literal")) or " ".join(
                p for p in (_str(a.get("given")), _str(a.get("family"))) if p)
        if isinstance(a, str) and a.strip():
            out.append(a)
    return tuple(out)


def _add_url(draft: Draft, url: Any) -> None:
    """A paper page's URL gives the arXiv ID; other http(s) URLs are kept as links."""
    url = _str(url)
    if not url.startswith(("http://", "https://")) or _HF_SEARCH.match(url):
        return
    found = arxiv_id_from_url(url)
    if found:
        draft.arxiv_id = draft.arxiv_id or found
    elif url not in draft.links:
        draft.links.append(url)


def _draft(title: str, line: int, abstract: Any, authors: tuple[str, ...]) -> Draft:
    return Draft(title=title, line=line, abstract=[a] if (a := _str(abstract)) else [], authors=authors,
                 authors_count=len(authors) or None)


def _hf(item: dict[str, Any], title: str, line: int) -> Draft:
    paper = item["paper"] if isinstance(item.get("paper"), dict) else item

    def get(key: str) -> Any:
        value = paper.get(key)
        return item.get(key) if value is None else value
    draft = _draft(title, line, get("summary"), _names(paper.get("authors")))
    draft.arxiv_id = bare_id(get("id"))
    draft.published = _iso(paper.get("publishedAt"))
    draft.upvotes = _int(get("upvotes"))
    for key in ("githubRepo", "projectPage"):
        _add_url(draft, get(key))
    org = get("organization")
    if isinstance(org, dict):
        draft.org = _str(org.get("fullname")) or _str(org.get("name")) or None
    return draft


def _s2(rec: dict[str, Any], title: str, line: int) -> Draft:
    draft = _draft(title, line, rec.get("abstract"), _names(rec.get("authors")))
    ids = rec.get("externalIds") if isinstance(rec.get("externalIds"), dict) else {}
    draft.arxiv_id = bare_id(ids.get("ArXiv")) or _doi_id(ids.get("DOI"))
    draft.published = _iso(rec.get("publicationDate"))
    _add_url(draft, rec.get("url"))
    return draft


def _readq(rec: dict[str, Any], title: str, line: int) -> Draft:
    draft = _draft(title, line, rec.get("abstract"), _names(rec.get("authors")))
    draft.authors_count = _int(rec.get("authors_count")) or draft.authors_count
    draft.org = _str(rec.get("org")) or None
    draft.published = _iso(rec.get("published"))
    draft.upvotes = _int(rec.get("upvotes"))
    draft.arxiv_id = bare_id(rec.get("arxiv_id"))
    for url in rec.get("links") if isinstance(rec.get("links"), list) else ():
        _add_url(draft, url)
    return draft


def _doi_id(doi: Any) -> str | None:
    m = _ARXIV_DOI.match(_str(doi))
    return bare_id(m[1]) if m else None


def _csl(rec: dict[str, Any], title: str, line: int) -> Draft:
    draft = _draft(title, line, rec.get("abstract"), _names(rec.get("author")))
    issued = rec.get("issued")
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
        if len(first) >= 3 and all(isinstance(p, (int, str)) and str(p).isdigit() for p in first[:3]):
            y, m, d = (int(p) for p in first[:3])
            draft.published = _iso(f"{y:04d}-{m:02d}-{d:02d}")
        else:
            draft.published = _iso(issued.get("raw"))
    where = " ".join(_str(rec.get(k)) for k in ("archive", "publisher", "container-title")).lower()
    number = _str(rec.get("number"))
    if "arxiv" in where or number.lower().startswith("arxiv:"):
        draft.arxiv_id = bare_id(number)
    draft.arxiv_id = draft.arxiv_id or _doi_id(rec.get("DOI"))
    _add_url(draft, rec.get("URL"))
    return draft


def _generic(rec: dict[str, Any], title: str, line: int) -> Draft:
    abstract = next((v for k in ("abstract", "summary", "description") if _str(v := rec.get(k))), "")
    draft = _draft(title, line, abstract, _names(rec.get("authors") or rec.get("author")))
    for key in ("arxiv_id", "arxivId", "arxiv", "eprint", "id"):
        draft.arxiv_id = draft.arxiv_id or bare_id(rec.get(key))
    for key in ("date", "published", "publishedAt", "publicationDate", "published_date"):
        draft.published = draft.published or _iso(rec.get(key))
    draft.upvotes = _int(rec.get("upvotes"))
    for key in ("url", "link", "pdf_url", "links", "urls"):
        value = rec.get(key)
        for url in value if isinstance(value, list) else [value]:
            _add_url(draft, url)
    return draft


_READERS = {"hf-api-json": _hf, "s2-json": _s2, "readq-json": _readq, "csl-json": _csl, "json": _generic}


def _title(rec: Any) -> str:
    if not isinstance(rec, dict):
        return ""
    title = rec.get("title") or (rec["paper"].get("title") if isinstance(rec.get("paper"), dict) else None)
    return collapse(title) if isinstance(title, str) else ""  # escapes decode to controls: cleaned first


def _kind(rec: dict[str, Any]) -> str:
    if isinstance(rec.get("paper"), dict) or "discussionId" in rec or ("summary" in rec and "publishedAt" in rec):
        return "hf-api-json"
    if "paperId" in rec or "externalIds" in rec:
        return "s2-json"
    if "authors_count" in rec and ("sources" in rec or "arxiv_id" in rec):
        return "readq-json"
    if "issued" in rec or "citation-key" in rec or (isinstance(rec.get("author"), list) and "type" in rec):
        return "csl-json"
    return "json"


def _records(value: Any) -> list[Any]:
    """The records a document holds: a list, a list under a known key, or one titled object."""
    if not isinstance(value, dict):
        return value if isinstance(value, list) else []
    for key in LIST_KEYS:
        if isinstance(value.get(key), list):
            return value[key]  # type: ignore[no-any-return]
    if _title(value):
        return [value]
    for v in value.values():  # e.g. {"2024-03-12": [papers]}: the first list holding titled objects
        if isinstance(v, list) and any(_title(x) for x in v[:50]):
            return v
    return []


def _line_finder(text: str) -> Callable[[str], int]:
    """1-based line of each title in turn, found by searching forward for its JSON spelling."""
    pos, line = 0, 1

    def line_of(title: str) -> int:
        nonlocal pos, line
        needle = orjson.dumps(title).decode("utf-8")
        found = text.find(needle, pos)
        if found >= 0:
            line += text.count("\n", pos, found)
            pos = found + len(needle)
        return line
    return line_of


def _day(records: list[Any]) -> str | None:
    """The listing day when every item names the same `submittedOnDailyAt` day."""
    days = {_iso(r["paper"].get("submittedOnDailyAt")) if isinstance(r, dict) and isinstance(r.get("paper"), dict)
            else None for r in records}
    return days.pop() if len(days) == 1 else None


def _warn_some(ctx: Context, at: list[int], message: str, more: str) -> None:
    for n in at[:_MAX_WARNINGS]:
        ctx.warn(n, message)
    if len(at) > _MAX_WARNINGS:
        ctx.warn(at[_MAX_WARNINGS], f"{len(at) - _MAX_WARNINGS} more {more} skipped")


def _drafts(
    records: list[Any], lines: list[int] | None, ctx: Context, line_of: Callable[[str], int]
) -> tuple[list[Draft], str]:
    titles = [_title(r) for r in records]
    first = next((r for r, t in zip(records, titles) if t), None)
    if first is None:
        return [], "json"
    kind = _kind(first)
    reader = _READERS[kind]
    drafts: list[Draft] = []
    untitled: list[int] = []
    for i, (rec, title) in enumerate(zip(records, titles)):
        if title:
            drafts.append(reader(rec, title, lines[i] if lines else line_of(title)))
        elif isinstance(rec, dict):
            untitled.append(lines[i] if lines else 1)
    _warn_some(ctx, untitled, "a record with no title; skipped", "records without a title")
    if kind == "hf-api-json":
        ctx.set_digest_date(_day(records))
    return drafts, kind


def parse(text: str, ctx: Context) -> tuple[list[Entry], str]:
    lines: list[int] | None = None
    try:
        records = _records(orjson.loads(text))
    except orjson.JSONDecodeError as exc:
        found = _json_lines(text, ctx, exc)
        if found is None:
            return [], "json"
        records, lines = found
    drafts, kind = _drafts(records, lines, ctx, _line_finder(text))
    return (ctx.finish_all(drafts, "JSON file") if drafts else []), kind


def _json_lines(text: str, ctx: Context, exc: orjson.JSONDecodeError) -> tuple[list[Any], list[int]] | None:
    """Objects one per line, bad lines warned; None (warned once) for a cut-off or broken document."""
    records: list[Any] = []
    lines: list[int] = []
    bad: list[int] = []
    for n, raw in enumerate(text.split("\n"), start=1):
        if not (s := raw.strip()):
            continue
        try:
            records.append(orjson.loads(s))
            lines.append(n)
        except orjson.JSONDecodeError:
            bad.append(n)
    if records and all(isinstance(r, dict) for r in records) and len(bad) <= len(records):
        _warn_some(ctx, bad, "not a JSON object on this line; skipped", "lines that are not JSON objects")
        return records, lines
    ctx.warn(exc.lineno, f"not valid JSON ({exc.msg}, column {exc.colno}); no papers read")
    return None
