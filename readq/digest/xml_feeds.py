"""Feeds of papers: the arXiv API's Atom answers, arXiv's RSS feeds, and generic RSS/Atom feeds.

- "arxiv-atom": `export.arxiv.org/api/query` answers (current and 2020 formats; known by a feed
  `<id>` on arxiv.org or entry IDs that are arXiv abstract URLs): `<entry>` with
  `<id>http://arxiv.org/abs/ID vN</id>`, `<title>`, `<summary>`, `<author><name>`, `<published>`
  (the v1 date) and `<arxiv:comment>` (its URLs become links). An error entry (`/api/errors`)
  is a warning; an answer with no entries holds no papers.
- "rss": RSS 2.0 and RSS 1.0 (RDF) `<item>`s: title, link, description or `content:encoded`,
  `dc:creator` ("A, B" or one per element), `<author>`, `pubDate` (RFC 822) or `dc:date`.
  arXiv's RSS (rss.arxiv.org) starts each description with "arXiv:ID Announce Type: new
  Abstract:", which is taken off; its pubDate is the announcement day, so only "new" and
  "cross" announcements give a paper its date.
- "atom": other Atom feeds: title, summary or content, author names, published, links.

Text may be escaped HTML (`type="html"`, blog feeds): tags are stripped and entities unescaped
with `html.parser`, but only when it holds real HTML tags, so "p < 0.05" in an abstract stays.
Elements are matched by local name, whatever namespace a feed uses. `xml.etree.ElementTree`
parses; a document whose DOCTYPE declares entities is refused (entity expansion attacks), and
character references to control characters (`&#27;`, invalid in XML) are kept long enough to be
removed, with the escape sequence they start, by `Context.finish`.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from html.entities import name2codepoint
from html.parser import HTMLParser

from readq.digest import dates
from readq.digest.arxiv import split_authors
from readq.digest.context import Context, Draft
from readq.digest.links import arxiv_id_from_url, find_urls
from readq.digest.prose import collapse
from readq.model import Entry
from readq.textclean import is_web_url

SNIFF = 200_000
_PROLOG_ITEMS = 50
_SPACE = re.compile(r"[ \t\r\n\ufeff]*")
_ROOT = re.compile(r"<(feed|rss|rdf:RDF)[\s>/]")
_NAMED = re.compile(r"&([A-Za-z][A-Za-z0-9]{1,31});")
_CHARREF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,6})|(\d{1,7}));")
_PRIVATE = 0xF780  # control character N is carried through the XML parser as U+F780+N
_TO_CONTROL = {_PRIVATE + n: n for n in (*range(0x20), 0x7F)}
_CARRIED = re.compile("[\uf780-\uf7ff]")
_ID = r"\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_REF = re.compile(rf"(?i:arxiv(?:\.org)?[:/](?:abs/)?)({_ID})(?:v\d+)?")
_ABS_ID = re.compile(rf"https?://(?:export\.)?arxiv\.org/abs/({_ID})(?:v\d+)?$")
_ANNOUNCE = re.compile(r"\s*arXiv:\S+\s+Announce Type:\s*(?P<type>[\w-]+)\s*(?:Abstract:\s*)?", re.IGNORECASE)
_HTML_TAG = re.compile(
    r"</?(?:p|div|a|b|i|u|s|em|strong|br|span|img|ul|ol|li|h[1-6]|sup|sub|code|pre|blockquote|table|tr|td|"
    r"th|hr|figure|font|small|section|article|math|mi|mo|mn|msub|msup)\b[^<>]{0,2000}>",
    re.IGNORECASE,
)
# Old arXiv RSS (RDF) titles end "(arXiv:2306.00001v1 [cs.CL])" or "... [cs.CL] UPDATED)".
_RSS_TITLE_ID = re.compile(rf"\.?\s*\(arXiv:({_ID})(?:v\d+)? \[[^\]]{{0,80}}\](?: [A-Z ]{{0,20}})?\)\s*$")
_ISO_START = re.compile(r"\s*(\d{4}-\d{2}-\d{2})(?:[T ]|\s*$)")
_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr"}


def _prolog(text: str) -> tuple[str | None, str]:
    """(root element name, DOCTYPE text) after the XML declaration, comments and PIs."""
    pos, end, doctype = 0, min(len(text), SNIFF), ""
    for _ in range(_PROLOG_ITEMS):
        pos = _SPACE.match(text, pos, end).end()  # type: ignore[union-attr]
        if text.startswith("<?", pos):
            close = text.find("?>", pos, end)
        elif text.startswith("<!--", pos):
            close = text.find("-->", pos + 4, end)
            close = close + 1 if close >= 0 else close
        elif text.startswith("<!DOCTYPE", pos):
            if text[pos + 9:pos + 15].strip().lower().startswith("html"):
                return None, ""
            bracket, close = text.find("[", pos, end), text.find(">", pos, end)
            if 0 <= bracket < close:  # an internal subset: ends at "]>"
                close = text.find("]", bracket, end)
                close = text.find(">", close, end) if close >= 0 else -1
                close = close - 1 if close >= 0 else close
            doctype = text[pos:close + 2] if close >= 0 else text[pos:end]
        else:
            m = _ROOT.match(text, pos)
            return (m[1] if m else None), doctype
        if close < 0:
            return None, doctype
        pos = close + 2
    return None, doctype


def looks_like(text: str) -> bool:
    """The root element is `feed`, `rss` or `rdf:RDF` (after the prolog: declaration, comments)."""
    return _prolog(text)[0] is not None


def _numeric(m: re.Match[str]) -> str:
    """`&nbsp;` -> `&#160;`; XML's own five entities and unknown names stay as they are."""
    if m[1] in ("amp", "lt", "gt", "quot", "apos"):
        return m[0]
    code = name2codepoint.get(m[1])
    return f"&#{code};" if code else m[0]


def _keep_controls(m: re.Match[str]) -> str:
    """`&#27;` (not allowed in XML) -> a private-use character that `_text` turns back into ESC."""
    n = int(m[1], 16) if m[1] else int(m[2])
    return chr(_PRIVATE + n) if (n < 0x20 and n not in (9, 10, 13)) or n == 0x7F else m[0]


class _Strip(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hrefs: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "a":
            self.hrefs.extend(v for k, v in attrs if k == "href" and v)
        elif tag in _BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def plain(text: str) -> tuple[str, list[str]]:
    """Escaped HTML -> (text, link targets); text without HTML tags only has its entities
    unescaped. `&#27;` becomes ESC again (not dropped) so the sequence it starts is removed whole."""
    if "&#" in text:
        text = _CHARREF.sub(_keep_controls, text)
    hrefs: list[str] = []
    if "<" in text and _HTML_TAG.search(text):
        parser = _Strip()
        parser.feed(text)
        parser.close()
        text, hrefs = "".join(parser.parts), parser.hrefs
    elif "&" in text:
        text = html.unescape(text)
    return (text.translate(_TO_CONTROL) if _CARRIED.search(text) else text), hrefs


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _text(node: ET.Element | None) -> str:
    """A node's text (XHTML content: all of it), control characters restored for cleaning."""
    if node is None:
        return ""
    text = "".join(node.itertext()) if len(node) else (node.text or "")
    return text.translate(_TO_CONTROL) if _CARRIED.search(text) else text


def _fields(item: ET.Element) -> dict[str, list[ET.Element]]:
    out: dict[str, list[ET.Element]] = {}
    for child in item:
        out.setdefault(_local(child.tag), []).append(child)
    return out


def _date(value: str) -> str | None:
    """ISO (`2017-07-27T08:18:33Z`) or RFC 822 (`Mon, 03 Jun 2024 00:00:00 -0400`) -> YYYY-MM-DD."""
    m = _ISO_START.match(value)
    if m:
        return m[1] if dates.from_iso(m[1]) else None
    if not value.strip():
        return None
    try:
        return parsedate_to_datetime(value.strip()).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _line_numbers(text: str, name: str) -> list[int]:
    """1-based lines where each `<name` element opens, in document order (for warnings)."""
    out, line, last = [], 1, 0
    for m in re.finditer(rf"<(?:[\w.-]+:)?{name}[\s>/]", text):
        line += text.count("\n", last, m.start())
        last = m.start()
        out.append(line)
    return out


def parse(text: str, ctx: Context) -> tuple[list[Entry], str]:
    root_name, doctype = _prolog(text)
    layout = {"feed": "atom", "rss": "rss", "rdf:RDF": "rss"}.get(root_name or "", "atom")
    if "<!ENTITY" in doctype or (root_name is None and "<!ENTITY" in text):
        ctx.warn(1, "the feed declares XML entities in its DOCTYPE; refused (no papers read)")
        return [], layout
    # The text is decoded already: its declaration (encoding="...") is dropped, not obeyed.
    body = text.replace("<?xml", "<?_xml", 1) if text[:200].lstrip().startswith("<?xml") else text
    if "&#" in body:
        body = _CHARREF.sub(_keep_controls, body)
    try:
        root = ET.fromstring(body)
    except (ET.ParseError, ValueError) as exc:
        try:  # sloppy feeds use HTML's named entities (&nbsp;), which XML does not define
            root = ET.fromstring(_NAMED.sub(_numeric, body)) if "undefined entity" in str(exc) else None
        except (ET.ParseError, ValueError):
            root = None
        if root is None:
            ctx.warn(getattr(exc, "position", (0,))[0], f"not well-formed XML ({exc}); no papers read")
            return [], layout
    if _local(root.tag) == "feed":
        items = [c for c in root if _local(c.tag) == "entry"]
        lines = _line_numbers(text, "entry")
        feed_id = _text(_fields(root).get("id", [None])[0]).strip()
        arxiv = feed_id.startswith(("http://arxiv.org/", "https://arxiv.org/")) or any(
            _ABS_ID.match(_text(_fields(i).get("id", [None])[0]).strip()) for i in items[:5]
        )
        layout = "arxiv-atom" if arxiv else "atom"
    else:
        items = [e for e in root.iter() if _local(e.tag) == "item"]
        lines = _line_numbers(text, "item")
        channel = next((c for c in root if _local(c.tag) == "channel"), None)
        if channel is not None:
            meta = _fields(channel)
            for key in ("pubDate", "lastBuildDate", "date"):
                if key in meta:
                    ctx.set_digest_date(_date(_text(meta[key][0])))
                    break
    if len(lines) != len(items):
        lines = [1] * len(items)
    drafts: list[Draft] = []
    for item, line in zip(items, lines):
        draft = _item(_fields(item), line, layout, ctx)
        if draft is not None:
            drafts.append(draft)
    return ctx.finish_all(drafts, "feed"), layout


def _item(f: dict[str, list[ET.Element]], line: int, layout: str, ctx: Context) -> Draft | None:
    def first(*names: str) -> str:
        for name in names:
            for node in f.get(name, ()):
                value = _text(node)
                if value.strip():
                    return value
        return ""

    ident = first("id", "guid").strip()
    if "/api/errors" in ident:
        ctx.warn(line, f"arXiv API error: {collapse(first('summary'))[:200] or collapse(ident)}")
        return None
    arxiv = layout == "arxiv-atom"
    title = first("title")
    title = title if arxiv else plain(title)[0]
    suffix = None if arxiv else _RSS_TITLE_ID.search(title)
    if suffix:
        title = title[:suffix.start()]
    if not collapse(title):  # empty, or only control characters
        ctx.warn(line, "feed item without a title, skipped")
        return None
    draft = Draft(title=title, line=line, collapsed=False, arxiv_id=suffix[1] if suffix else None)
    abstract = first("summary", "description", "abstract", "encoded", "content")
    announce = _ANNOUNCE.match(abstract)
    if announce:
        abstract = abstract[announce.end():]
        ctx.note("arXiv RSS feed (announcement lines taken off the abstracts)")
    elif not arxiv:
        abstract, hrefs = plain(abstract)
        draft.links.extend(u for u in hrefs if is_web_url(u) and not arxiv_id_from_url(u))
    draft.abstract = [abstract] if abstract.strip() else []
    authors: list[str] = []
    for node in f.get("author", []) + f.get("creator", []):
        name = _text(_fields(node).get("name", [None])[0]) if len(node) else plain(_text(node))[0]
        if "@" in name and "(" in name:  # RSS: "me@example.org (A. Name)"
            name = name[name.find("(") + 1:name.rfind(")")]
        authors.extend(split_authors(name) if node.tag.endswith("creator") else [name.strip()])
    draft.authors = tuple(a for a in authors if a and "@" not in a)
    draft.authors_count = len(draft.authors) or None
    if not announce or announce["type"].lower() in ("new", "cross"):
        draft.published = _date(first("published", "pubDate", "date", "issued"))
    urls = [n.get("href") or _text(n) for n in f.get("link", ()) if (n.get("rel") or "alternate") == "alternate"]
    for url in [ident, *urls]:
        url = url.strip()
        found = _ABS_ID.match(url) if arxiv else arxiv_id_from_url(url) or _ARXIV_REF.search(url)
        if found:
            draft.arxiv_id = draft.arxiv_id or (found if isinstance(found, str) else found[1])
        elif url in urls and is_web_url(url):
            draft.links.append(url)  # the paper's page elsewhere
    if announce and not draft.arxiv_id:
        found_ref = _ARXIV_REF.search(announce[0])
        draft.arxiv_id = found_ref[1] if found_ref else None
    comment = first("comment")
    if comment:
        draft.links.extend(u for u in find_urls(comment) if not arxiv_id_from_url(u))
    return draft
