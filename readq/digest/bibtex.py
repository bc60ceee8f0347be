"""BibTeX files: readq's own `export --format bibtex`, Zotero / Better BibTeX, arXiv's "Export
BibTeX citation", Google Scholar and hand-written .bib files.

A small tolerant reader rather than a full BibTeX implementation: entries `@type{key, ...}` or
`@type(key, ...)`, fields `name = {nested {braces}}`, `"quoted"`, bare numbers or `@string`
macros, joined with `#`. `@comment`, `@preamble` and text outside entries are skipped. The file
is first cut where a line starts a new entry, and each entry is read within its piece, so one
unbalanced brace costs that entry (with a warning) and not the rest of the file, and the scan
stays linear. Values and names become plain text (`readq.digest.tex`); readq's own export is recognised by
its `readq:` keywords and read with ligatures off, as its escaping is exactly invertible.

bibtexparser 2 (which the tests use to check readq's BibTeX export) is not the reader here: it is
a pre-release, its LaTeX decoding (pylatexenc) does not invert readq's own escaping exactly, and
readq would still have to map its entries to papers; on cut-off files the two keep the same
entries.

Mapping: title, abstract, author (split on `and` at brace depth 0, "Last, First" -> "First
Last", "others" dropped), published from `date` or year/month/day (only a full date: no day is
invented), arXiv ID from eprint/archivePrefix, `arxiv`/`arxivid` fields, "arXiv:ID" in
journal/note fields, or an arxiv.org URL or DOI; links from `url` fields that are not the paper's
own arXiv/HF page nor an HF search.
"""

from __future__ import annotations

import re

from readq.digest import dates
from readq.digest.context import Context, Draft
from readq.digest.links import arxiv_id_from_label, arxiv_id_from_url, find_urls
from readq.digest.tex import person, split_authors, tex_to_text
from readq.identity.record import bare_id
from readq.model import Entry

LAYOUT = "bibtex"
SNIFF = 200_000
_START = re.compile(r"^[ \t]*@[ \t]*[A-Za-z][\w-]*[ \t]*[{(]", re.MULTILINE)
_HEAD = re.compile(r"@[ \t]*([A-Za-z][\w-]*)[ \t]*([{(])")
_SKIPPED = ("comment", "preamble", "string")
_TITLE_FIELD = re.compile(r"[\s,{(]title\s*=\s*[{\"\w]", re.IGNORECASE)
_KEY = re.compile(r"\s*([^\s,={}()\"#]*)\s*")
_FIELD = re.compile(r"([A-Za-z_][\w:.+/-]*)\s*=\s*")
_BARE = re.compile(r"[^\s,#{}()\"=]+")
_BRACES = re.compile(r"[{}]")
_QUOTED = re.compile(r'[{}"]')
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(\S+)", re.IGNORECASE)
_ISO_PART = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")


def looks_like(text: str) -> bool:
    """The first line that is not blank, a `%` comment or inside an @comment/@preamble/@string
    block starts an entry (`@word{` or `@word(`), and the sample has a `title` field."""
    sample = text[:SNIFF]
    depth, pair = 0, "{}"
    for line in sample.split("\n"):
        s = line.strip()
        if depth > 0:  # inside a skipped block: count its own kind of bracket
            depth += s.count(pair[0]) - s.count(pair[1])
            continue
        if not s or s.startswith("%"):
            continue
        m = _HEAD.match(s)
        if m is None:
            return False
        if m[1].lower() in _SKIPPED:
            pair = "{}" if m[2] == "{" else "()"
            depth = s.count(pair[0]) - s.count(pair[1])
            continue
        return _TITLE_FIELD.search(sample) is not None
    return False


class _Reader:
    """Entries in `text`, read piece by piece; `macros` holds `@string` definitions."""

    def __init__(self, text: str, ctx: Context) -> None:
        self.text = text
        self.ctx = ctx
        self.macros: dict[str, str] = {m[:3]: m.capitalize() for m in MONTHS}
        self.line_pos, self.line_no = 0, 1

    def line_of(self, pos: int) -> int:
        """1-based line of `pos`; positions are asked for in increasing order."""
        self.line_no += self.text.count("\n", self.line_pos, pos)
        self.line_pos = pos
        return self.line_no

    def entries(self) -> list[tuple[int, str, dict[str, str]]]:
        text = self.text
        starts = [m.start() for m in _START.finditer(text)]
        out: list[tuple[int, str, dict[str, str]]] = []
        for k, start in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else len(text)
            pos = start
            while True:
                m = _HEAD.search(text, pos, end)
                if m is None:
                    break
                line = self.line_of(m.start())
                kind = m[1].lower()
                closer = "}" if m[2] == "{" else ")"
                if kind in ("comment", "preamble"):
                    close = self.closing(m.end(), end, "{") if closer == "}" else self.text.find(")", m.end(), end)
                    pos = end if close < 0 else close + 1
                    continue
                got = self.body(m.end(), end, closer, kind == "string")
                if got is None:
                    self.ctx.warn(line, f"@{m[1]} entry is cut off (no closing {closer!r} before the next entry or the end of the file); skipped")
                    break
                key, fields, pos = got
                if kind != "string":
                    out.append((line, key, fields))
        return out

    def body(self, pos: int, end: int, closer: str, string: bool) -> tuple[str, dict[str, str], int] | None:
        """(key, fields, position after the entry), or None when the entry does not close."""
        text = self.text
        key = ""
        if not string:
            m = _KEY.match(text, pos, end)
            if m and not text.startswith("=", m.end()):
                key, pos = m[1], m.end()
        fields: dict[str, str] = {}
        while True:
            pos = self.skip_space(pos, end, ",")
            if pos >= end:
                return None
            if text[pos] == closer:
                return key, fields, pos + 1
            m = _FIELD.match(text, pos, end)
            if m is None:
                pos = self.skip_junk(pos, end, closer)
                continue
            value, pos = self.value(m.end(), end, closer)
            if value is None:
                return None
            name = m[1].lower()
            if string:
                self.macros[name] = value
            fields.setdefault(name, value)

    def skip_space(self, pos: int, end: int, extra: str = "") -> int:
        text = self.text
        while pos < end:
            c = text[pos]
            if c == "%":  # a comment line between fields
                nl = text.find("\n", pos, end)
                pos = end if nl < 0 else nl + 1
            elif c.isspace() or c in extra:
                pos += 1
            else:
                break
        return pos

    def skip_junk(self, pos: int, end: int, closer: str) -> int:
        """Past something that is not `name = value`: to the next comma or the closer at depth 0."""
        depth = 0
        for i in range(pos, end):
            c = self.text[i]
            if c == "{":
                depth += 1
            elif c == "}" and depth:
                depth -= 1
            elif depth == 0 and (c == "," or c == closer):
                return i if c == closer else i + 1
        return end

    def value(self, pos: int, end: int, closer: str) -> tuple[str | None, int]:
        """A value (parts joined by `#`) and the position after it; None when it runs off the end."""
        text = self.text
        parts: list[str] = []
        while True:
            pos = self.skip_space(pos, end)
            if pos >= end:
                return None, pos
            c = text[pos]
            if c in '{"':
                close = self.closing(pos + 1, end, c)
                if close < 0:
                    return None, pos
                parts.append(text[pos + 1:close])
                pos = close + 1
            else:
                m = _BARE.match(text, pos, end)
                if m is None:
                    break
                word = m.group(0)
                parts.append(word if word.isdigit() else self.macros.get(word.lower(), word))
                pos = m.end()
            pos = self.skip_space(pos, end)
            if pos < end and text[pos] == "#":
                pos += 1
                continue
            break
        return "".join(parts), pos

    def closing(self, pos: int, end: int, opener: str) -> int:
        """Index of the `}` (or `"`) closing a value opened just before `pos`, -1 if none."""
        depth = 0
        for m in (_BRACES if opener == "{" else _QUOTED).finditer(self.text, pos, end):
            c = m.group(0)
            if c == "{":
                depth += 1
            elif c == "}":
                if depth == 0:
                    if opener == "{":
                        return m.start()
                    continue  # a stray `}` inside quotes
                depth -= 1
            elif depth == 0:
                return m.start()
        return -1


def _published(fields: dict[str, str]) -> str | None:
    m = _ISO_PART.match(fields.get("date", "").strip())
    if m:
        return dates.resolve(int(m[2]), int(m[3]), int(m[1]), dates.from_iso("2000-01-01"))  # type: ignore[arg-type]
    year, month, day = (tex_to_text(fields.get(k, "")).strip().rstrip(".") for k in ("year", "month", "day"))
    if not (year.isdigit() and len(year) == 4 and day.isdigit()):
        return None
    mon = int(month) if month.isdigit() else dates.month_number(month)
    if not mon or not 1 <= mon <= 12:
        return None
    return dates.resolve(mon, int(day), int(year), dates.from_iso("2000-01-01"))  # type: ignore[arg-type]


def _arxiv_id(fields: dict[str, str]) -> str | None:
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
    eprint = fields.get("eprint", "").replace("{", "").replace("}", "")
    if eprint and prefix in ("", "arxiv"):
        found = bare_id(eprint)
        if found:
            return found
    for name in ("arxiv", "arxivid", "arxiv_id"):
        found = bare_id(fields.get(name, "").strip("{} "))
        if found:
            return found
    for name in ("journal", "journaltitle", "howpublished", "note", "publisher", "number"):
        found = arxiv_id_from_label(fields.get(name, ""))
        if found:
            return found
    for name in ("url", "doi", "pdf"):
        value = fields.get(name, "")
        found = arxiv_id_from_url(value)
        m = _ARXIV_DOI.search(value) if found is None else None
        found = found or (bare_id(m[1].strip("{}")) if m else None)
        if found:
            return found
    return None


def _url_links(value: str) -> list[str]:
    value = value.replace("\\url", "").replace("{", "").replace("}", "")
    value = re.sub(r"\\([_%&#$~])", r"\1", value)
    return [u for u in find_urls(value) if not arxiv_id_from_url(u) and "huggingface.co/papers?" not in u]


def _draft(line: int, key: str, fields: dict[str, str], ctx: Context) -> Draft | None:
    ligatures = "readq:" not in fields.get("keywords", "")  # readq's export: exact inverse
    title = tex_to_text(fields.get("title", ""), ligatures=ligatures).strip()
    if not title:
        ctx.warn(line, f"entry {key!r} has no title; skipped")
        return None
    draft = Draft(title=title, line=line)
    abstract = tex_to_text(fields.get("abstract", ""), ligatures=ligatures)
    draft.abstract = [abstract] if abstract.strip() else []
    names, others = split_authors(fields.get("author", ""))
    draft.authors = tuple(a for a in (person(n, ligatures) for n in names) if a)
    if draft.authors and not others:
        draft.authors_count = len(draft.authors)
    draft.published = _published(fields)
    draft.arxiv_id = _arxiv_id(fields)
    draft.links = _url_links(fields.get("url", ""))
    return draft


def parse(text: str, ctx: Context) -> tuple[list[Entry], str]:
    drafts: list[Draft] = []
    for line, key, fields in _Reader(text, ctx).entries():
        draft = _draft(line, key, fields, ctx)
        if draft is not None:
            drafts.append(draft)
    if not drafts:
        return [], LAYOUT
    return ctx.finish_all(drafts, "BibTeX file"), LAYOUT
