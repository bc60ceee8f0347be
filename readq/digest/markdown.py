"""Markdown saved by web clippers, note apps and converters (MarkDownload, Obsidian Web Clipper,
Joplin, NotebookLM, reader services, HTML converted by `html.py`).

Inline Markdown (emphasis, escapes, links, reference links, images, HTML, LaTeX) is read by
markdown-it-py (`mdinline`). The line structure is repaired first (`mdlines`: link text wrapped
over lines, titles split over two headings, links written as label + URL line, front matter;
`mdblocks`: paper tables and `<details>` blocks become cards), because captures break
Markdown's block structure in ways a block parser would keep as broken.

A paper starts at a *title*: a heading whose text is a link (`### [Title](…/papers/2502.12345)`,
reference style `### [Title][1]`), a plain heading at the level the titles use, or - in documents
without such headings - a line that links to a paper page. Every other line is classified:
metadata (`mdmeta`: "- 12 upvotes", "[• 8 authors](…)", org links, vote buttons, "Published on
Feb 12", "Authors: …"), navigation and images (skipped), lone URLs (links or the arXiv ID), and
prose (the abstract). Cards without abstracts (today's daily page) are split where the next card
begins: a link to another paper or a "Submitted by" line. Papers merely mentioned after the
listing (comments, references, citations) are not read. Text before the first title is page
chrome, read only for the digest date.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from readq.digest import dates, hf_items, meta
from readq.digest.arxiv import split_authors
from readq.digest.context import Context, Draft
from readq.digest.furniture import is_furniture
from readq.digest.links import arxiv_id_from_url, find_urls
from readq.digest.mdinline import Link, plain, render
from readq.digest.mdlines import HEADING as _HEADING
from readq.digest.mdblocks import tables_and_details
from readq.digest.mdlines import attach_detached_links, drop_dangling_close, front_matter, join_wrapped
from readq.digest import mdmeta
from readq.digest.mdmeta import apply as _apply
from readq.digest.mdmeta import merge_pending as _merge_pending
from readq.digest.mdmeta import meta_pieces as _meta_pieces
from readq.digest.prose import collapse, looks_truncated, plausible_abstract
from readq.model import Entry
from readq.textclean import is_web_url

MAX_MARKUP_LINE = 20_000

_LIST = re.compile(r"(?:[-*+]|\d{1,3}[.)])[ \t]+")
# A checklist box after a list marker, and the star a reading list may put before a title.
_TASK = re.compile(r"\[[ xX]\][ \t]+(?:[★⭐☆][ \t]*)?")
_HR = re.compile(r"(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|=+")
_REF_DEF = re.compile(r"[ \t]{0,3}\[(?P<label>[^\]\n]{1,200})\]:[ \t]*<?(?P<url>[^\s>]+)>?(?:[ \t]+.*)?")
# What is left of a link split over lines around a paragraph: `[`, `]`, `][33]`.
# What is left of a link split over lines around a paragraph (`[`, `]`, `][33]`), and image
# placeholders a converter wrote instead of an image (`[图片：无替代文本]`, `[image]`).
_BRACKET_JUNK = re.compile(r"!?\[|\]|\]\[[^\]\s]{0,40}\]|\[!|\[[^\[\]\n]{1,40}\]")
# A code fence: some capture tools wrap the whole page in one (```text … ```); its content is read.
_FENCE = re.compile(r"(?:`{3,}|~{3,})[\w-]*")
_BARE_URL = re.compile(r"<?(?P<url>(?:https?://|www\.)\S{1,2000}?)>?")
_HTML_COMMENT = re.compile(r"<!--.*?-->")
_ABSTRACT_LABEL = re.compile(r"(?:\*\*|__)?(?:abstract|summary|tl;?dr)(?:\*\*|__)?\s*[:.\-—]?\s*(?:\*\*|__)?\s*(?P<rest>.*)", re.I)
_BARE_NUMBER = re.compile(r"\d{1,6}")
# `[[](video.mp4)](/papers/ID)`: a link around a link (a card's video), which CommonMark does not
# nest; read as the outer link with the inner one's text.
_NESTED_LINK = re.compile(r"\[\[(?P<text>[^\[\]\n]*)\]\([^()\s]*\)\]\(")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^()\s]*\)")
_NUMBERED = re.compile(r"^\d{1,3}[.)][ \t]+(?=\S)")

GENERIC_LINK_TEXT = frozenset(
    "arxiv pdf paper abs abstract html hf hugging face huggingface page arxiv page paper page link "
    "view read more code github project website demo".split()
) | {"hugging face", "arxiv page", "paper page", "read more", "project page"}
SECTION_HEADINGS = frozenset({"abstract", "summary", "tl;dr", "tldr", "notes", "links", "authors", "metadata"})
HF_CHROME_PATHS = frozenset(
    "papers docs blog learn login join settings pricing enterprise posts models datasets spaces "
    "terms-of-service privacy about careers chat".split()
)


@dataclass
class Line:
    number: int
    raw: str  # logical line (wrapped link text re-joined), stripped
    kind: str = "prose"
    level: int = 0
    text: str = ""
    links: list[Link] = field(default_factory=list)
    task: bool = False  # a checklist item (`- [ ] …`): a reading list's entry
    quote: bool = False  # a `>` quote line


def _clean_inline(text: str) -> str:
    """Inline Markdown as plain text (markdown-it), whitespace collapsed."""
    return plain(text)


def _only_links(s: str, refs: dict[str, str]) -> list[Link] | None:
    """The links of a line made of nothing but links/images (and separators), else None."""
    found = render(s, refs)
    if not found.links:
        return None
    leftover = found.outside
    if leftover.strip(" \t*_|·•-–—,>()") and not leftover.strip().startswith("-"):
        return None
    return list(found.links)


def _is_chrome_url(url: str) -> bool:
    """Relative links and huggingface.co site pages are navigation, not paper links."""
    if not url.lower().startswith(("http://", "https://")):
        return True
    try:
        parts = urlsplit(url)
        host_name = parts.hostname
    except ValueError:  # "http://[broken-host/x": not a usable link
        return True
    host = (host_name or "").lower().removeprefix("www.")
    if host == "huggingface.co":
        segs = [p for p in parts.path.split("/") if p]
        if not segs or segs[0] in HF_CHROME_PATHS and len(segs) < 3:
            return True
        if segs[0] == "papers" and segs[1:2] and segs[1] in ("date", "week", "month", "trending"):
            return True
    return False


_LISTING_HOSTS = ("github.com", "gitlab.com", "huggingface.co", "arxiv.org", "paperswithcode.com", "openreview.net")


def _is_listing_link(url: str) -> bool:
    """Code, model or paper pages: what a paper listing links beside a paper."""
    try:
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    except ValueError:
        return False
    return host in _LISTING_HOSTS or host.endswith((".github.io", ".gitlab.io"))


def _generic(text: str) -> bool:
    t = collapse(text).strip(" :•·").casefold()
    if t.startswith("arxiv:") or t.startswith(("http://", "https://")):  # `[arxiv:2604.14125](…)`
        return True
    return not t or t in GENERIC_LINK_TEXT or len(t) <= 2 or _BARE_NUMBER.fullmatch(t) is not None


def _prose(text: str, refs: dict[str, str], urls: list[str]) -> str:
    """Inline Markdown -> plain text; http(s) link targets are collected into `urls`."""
    found = render(text, refs)
    for link in found.links:
        if not link.image and is_web_url(link.url):
            urls.append(link.url)
    return found.text


def _classify(lines: list[str], start: int, refs: dict[str, str], origin: list[int] | None = None) -> list[Line]:
    out: list[Line] = []
    for number, s in join_wrapped(lines[start:]):
        number += start
        if "](" in s:
            s = drop_dangling_close(_NESTED_LINK.sub(r"[\g<text>](", s) if "[[" in s else s)
        if origin is not None:  # lines rewritten from a table or details block: the source line
            number = origin[number - 1] + 1
        item = Line(number, s)
        if not s or _HR.fullmatch(s) or _FENCE.fullmatch(s) or (s.startswith("<!--") and s.endswith("-->")):
            item.kind = "break"
        elif len(s) > MAX_MARKUP_LINE:
            item.kind, item.text = "prose", s
        elif _REF_DEF.fullmatch(s) or _BRACKET_JUNK.fullmatch(s):
            item.kind = "skip"
        else:
            h = _HEADING.fullmatch(s)
            body = s
            if h:
                item.level = len(h["marks"])
                body = h["text"]
            else:
                lm = _LIST.match(body)
                if lm:
                    body = body[lm.end():]
                    item.level = -1  # list item
                    tm = _TASK.match(body)
                    if tm:
                        body, item.task = body[tm.end():], True
                if body.startswith(">"):
                    body, item.quote = body.lstrip("> "), True
            if body.endswith("\\") and not body.endswith("\\\\"):
                body = body[:-1].rstrip()  # CommonMark's hard line break, not text
            item.text = body
            if not h and (body.strip(" -·•*") == "" or _BRACKET_JUNK.fullmatch(body.strip())
                          or ("![" in body and _IMAGE.sub("", body).strip(" -·•*+[") == "")):  # `[* ![](avatar)`
                item.kind = "skip"  # an empty list item, a lone separator, an image placeholder
                out.append(item)
                continue
            links = _only_links(body, refs)
            if h:
                item.kind = "heading"
                item.links = links or []
            elif links is not None:
                item.kind = "links"
                item.links = links
            else:
                bare = _BARE_URL.fullmatch(body)
                item.kind = "url" if bare and find_urls(bare["url"]) else "prose"
                if item.kind == "url" and out and out[-1].kind == "prose" and item.level == 0:
                    item.kind = "prose"  # a URL wrapped onto its own line inside a paragraph
                if item.kind == "url":
                    item.links = [Link("", find_urls(bare["url"])[0], False)]  # type: ignore[index]
        out.append(item)
    return out


def _title_link(item: Line) -> Link | None:
    if len(item.links) != 1 or item.links[0].image:
        return None
    link = item.links[0]
    text = link.text.strip(" -·•*|")
    if _generic(link.text) or meta.authors_count(text) is not None or mdmeta.vote_count(text) is not False:
        return None
    return link


def parse(lines: list[str], ctx: Context) -> tuple[list[Entry], str]:
    start = front_matter(lines, ctx)
    if start:
        ctx.note("YAML front matter")
    attached = attach_detached_links(lines)
    if attached is not lines:
        ctx.note("each link's URL on its own line after its label (NotebookLM-style export)")
    lines = attached
    origin: list[int] | None = None
    blocks = tables_and_details(lines[start:])
    if blocks is not None:
        body, body_origin = blocks
        lines, origin = lines[:start] + body, list(range(start)) + [start + k for k in body_origin]
        ctx.note("papers in a table or in <details> blocks")
    refs: dict[str, str] = {}
    for s in lines[start:]:
        if "]:" in s and len(s) < 2500:
            m = _REF_DEF.fullmatch(s.strip())
            if m:
                refs.setdefault(m["label"].casefold().strip(), m["url"])
    items = _classify(lines, start, refs, origin)
    if refs:
        ctx.note("reference-style links")
    elif sum(1 for s in lines[start : start + 2000] if "][" in s) >= 3:
        ctx.note("reference-style links whose definitions were cut off")
    tail = [s.strip() for s in lines[-5:] if s.strip()]
    if tail and _FENCE.fullmatch(tail[-1]) and any(_FENCE.fullmatch(s.strip()) for s in lines[start : start + 40]):
        ctx.note("page wrapped in a code fence")

    # Papers merely mentioned (similar papers, references, a BibTeX copy, "models citing this
    # paper") come after the listing: nothing from there on is read.
    cut = _mentions_start(items)
    if cut < len(items):
        ctx.note(f"papers merely mentioned from line {items[cut].number} on (comments, references, citations) skipped")
    items = items[:cut]
    # Which headings are paper titles: the level(s) of headings that are a single link.
    linked = Counter(i.level for i in items if i.kind == "heading" and _title_link(i))
    paper_linked = Counter(
        i.level for i in items if i.kind == "heading" and (l := _title_link(i)) and arxiv_id_from_url(l.url)
    )
    if paper_linked:
        levels = {paper_linked.most_common(1)[0][0]}
    elif linked:
        levels = {linked.most_common(1)[0][0]}
    else:
        plain_levels = Counter(
            i.level for i in items
            if i.kind == "heading" and not is_furniture(i.text) and i.text.casefold() not in SECTION_HEADINGS
            and not dates.find_full_date(i.text)
        )
        link_titles = any(
            i.kind == "links" and (l := _title_link(i)) and (arxiv_id_from_url(l.url) or i.task) for i in items
        )
        levels = {max(plain_levels.items(), key=lambda kv: (kv[1], kv[0]))[0]} if plain_levels and not link_titles else set()
    headings_define = bool(levels)
    plain_mode = bool(levels) and not linked  # titles are plain headings: demand paper-like content

    def title_of(item: Line) -> tuple[str, Link | None] | None:
        if item.kind == "heading" and item.level in levels:
            link = _title_link(item)
            text = _NUMBERED.sub("", link.text if link else _prose(item.text, refs, []))  # "## 3. Title"
            if text and not is_furniture(text) and text.casefold() not in SECTION_HEADINGS:
                return text, link
            return None
        if item.kind == "links" and not headings_define:
            link = _title_link(item)
            if link and (arxiv_id_from_url(link.url) or item.task) and "#" not in link.url:
                return link.text, link  # a link to a paper page, or a checklist entry
        return None

    titles = [title_of(i) for i in items]
    drafts: list[Draft] = []
    cur: Draft | None = None
    pending = Draft(title="", line=0)
    meta_first: bool | None = None
    votes_first = False  # the page prints each card's vote count before its title
    last_abstract_line = 0
    # Card boundaries on listing pages whose cards carry no abstract: once a link to another
    # paper or a "Submitted by" appears after a title, what follows belongs to the next card.
    crossed = False
    task_title = -2  # the index of the checklist entry that started the current paper
    user_next = False
    authors_next = False  # the line after "Submitted by" is the submitter's name
    for idx, item in enumerate(items):
        try:
            t = titles[idx]
            if t is not None:
                text, link = t
                if cur is not None:
                    drafts.append(cur)
                if meta_first is None:
                    meta_first = pending.upvotes is not None or pending.has_meta
                    votes_first = pending.upvotes is not None
                cur = Draft(title=text, line=item.number)
                task_title = idx if item.task else -2
                cur.has_meta = item.task  # a checklist entry is a paper record by itself
                if meta_first or pending.arxiv_id:
                    _merge_pending(cur, pending)
                pending = Draft(title="", line=0)
                crossed = user_next = False
                if link:
                    aid = arxiv_id_from_url(link.url)
                    if aid:
                        cur.arxiv_id = aid
                    elif not _is_chrome_url(link.url):
                        cur.links.append(link.url)
                continue
            kind = item.kind
            if kind in ("break", "skip"):
                continue
            if task_title >= 0 and cur is not None and not item.quote:
                if idx == task_title + 1 and kind in ("prose", "links"):  # the entry's metadata line
                    found = mdmeta.checklist_meta(item.text, refs, ctx)
                    if found is not None:
                        _apply(cur, found)
                        continue
            elif task_title >= 0 and item.quote:
                continue  # a note quoted under a checklist entry: the reader's words, not the abstract
            next_is_title = _next_is_title(titles, items, idx)
            if kind == "heading":
                if cur is None:
                    ctx.set_digest_date(dates.find_full_date(item.text))
                continue
            if kind in ("links", "url"):
                for link in item.links:
                    if link.image:
                        continue
                    aid = arxiv_id_from_url(link.url) if link.url else None
                    if aid and cur is not None and cur.arxiv_id and aid != cur.arxiv_id and "#" not in link.url:
                        crossed = True
                    if user_next:  # `[user](https://huggingface.co/user)`: the submitter, not an org
                        user_next = False
                        continue
                    votes = mdmeta.vote_count(link.text) if link.text or not link.url else False
                    if votes is not False:
                        if "#" in link.url:  # `[4](…#community)`: the comment count
                            continue
                        if aid and cur is not None and aid == cur.arxiv_id:
                            owner = cur
                        else:
                            owner = pending if (cur is None or crossed or next_is_title) else cur
                        if votes is not True:
                            owner.upvotes = votes  # type: ignore[assignment]
                        owner.has_meta = True
                        continue
                    name = mdmeta.org_name(link)
                    if name:  # cards name the organisation after the title; before it, it is chrome
                        if cur is not None and not crossed:
                            cur.org = cur.org or name
                            cur.has_meta = True
                        continue
                    found = _meta_pieces(link.text, ctx) if link.text else None
                    target = pending if (cur is None or crossed or next_is_title) else cur
                    if found:
                        _apply(cur if cur is not None and not crossed and "authors_count" in found else target, found)
                        continue
                    if aid:
                        if cur is not None and aid == cur.arxiv_id:
                            continue  # the current paper's own page again (arXiv, PDF, paper page)
                        if target is pending and cur is not None and cur.arxiv_id is None and not crossed and (
                            not next_is_title or kind == "url"  # a bare URL line is the paper's own
                        ):
                            target = cur
                        if "#" not in link.url:
                            target.arxiv_id = target.arxiv_id or aid
                        continue
                    if link.text.strip() and link.url.rstrip("/").endswith("huggingface.co/" + link.text.strip()):
                        continue  # a model, dataset or space listed beside the papers, named by its repo id
                    if cur is not None and not _is_chrome_url(link.url) and (kind == "url" or len(item.links) <= 2):
                        cur.links.append(link.url)
                        cur.listed_links = cur.listed_links or _is_listing_link(link.url)
                continue
            # prose-like lines
            s = mdmeta.english_label(item.text) if item.text[:12].isascii() is False else item.text
            if authors_next and cur is not None:  # `Authors:` with the names on the next line
                authors_next = False
                names = split_authors(_clean_inline(s))
                if names and len(s) < 5000:
                    cur.authors, cur.authors_count, cur.has_meta = names, len(names), True
                    continue
            if cur is not None and _AUTHORS_LABEL.fullmatch(s):
                authors_next = True
                continue
            if user_next:
                user_next = False
                name = _IMAGE.sub("", s).strip()  # `![](…/avatars/…/akhaliq.png)akhaliq`
                if len(name) <= 40 and " " not in name:
                    continue
            votes = mdmeta.vote_count(s) if len(s) <= 8 else False
            if votes is not False and votes is not True:  # a bare count: a card's votes or comments
                if cur is None or crossed:
                    pending.upvotes, pending.has_meta = votes, True  # type: ignore[assignment]
                elif cur.upvotes is None and not votes_first:
                    cur.upvotes, cur.has_meta = votes, True  # type: ignore[assignment]
                continue  # a count after the votes is the comment count
            org = mdmeta.avatar_org(s) if s.startswith("![") and cur is not None and not crossed else None
            if org is None and votes_first and cur is not None and not cur.abstract and not cur.has_meta:
                org = mdmeta.card_org(s) if _meta_pieces(s, ctx) is None else None  # "ByteDance Seed 12", links gone
            if org and cur is not None and cur.org is None and not cur.abstract:
                cur.org, cur.has_meta = org, True
                continue
            if "•" in s and cur is not None and not crossed:  # a Hugging Face collection's item line
                hf_item = hf_items.item(s, ctx)
                if hf_item is not None:
                    _apply(cur, hf_item)
                    continue
                if hf_items.OTHER_ITEM.fullmatch(s):
                    continue  # a model, dataset or space in the same collection
            found = _meta_pieces(s, ctx)
            if found is not None:
                if set(found) == {"submitted"}:  # a card's "Submitted by" line: the next card begins
                    crossed = True
                    user_next = s.strip().casefold().rstrip(":") == "submitted by"
                if cur is None and set(found) == {"published"}:
                    ctx.set_digest_date(found["published"])  # type: ignore[arg-type]
                elif cur is None or crossed or (meta_first and ("submitted" in found or "upvotes" in found)):
                    _apply(pending, found)  # HF cards put "Submitted by" and the votes above the title
                else:
                    _apply(cur, found)
                continue
            if cur is None:
                if len(s) < 300:
                    ctx.set_digest_date(dates.find_full_date(s))
                continue
            if s.startswith(("©", "Copyright", "(c) ")) or is_furniture(s):
                continue
            if not cur.abstract and len(s) < 500 and mdmeta.CATEGORIES.fullmatch(s):
                continue  # an arXiv subject list continuing a "Subjects:" field
            if s.startswith(("<", "![")) and s.endswith(">"):
                continue
            label = _ABSTRACT_LABEL.fullmatch(s) if len(s) < MAX_MARKUP_LINE else None
            if label is None and len(s) < 40 and s[:1] in "*_<":  # `**Abstract**`, `<b>Abstract</b>`
                label = _ABSTRACT_LABEL.fullmatch(_clean_inline(s))
            bare = s.lstrip("*_ ")  # `**Abstract:** text`
            if label is not None and (label["rest"] == "" or bare[:8].lower().startswith(("abstract", "summary", "tl;dr", "tldr"))
                                      and ":" in bare[:14]):
                s = label["rest"]
                if not s:
                    continue
            text = _prose(s, refs, cur.links)
            if text:
                cur.abstract.append(text)
                last_abstract_line = item.number
        except Exception as exc:  # noqa: BLE001 - one odd line must not cost the whole file
            ctx.warn(item.number, f"could not understand line ({type(exc).__name__}); skipped")
    if cur is not None:
        drafts.append(cur)
    if plain_mode and not any(d.arxiv_id or d.has_meta or d.listed_links for d in drafts):
        if drafts:  # sections of a README or notes: headings with prose, nothing of a paper
            ctx.warn(0, "headings without any paper link, arXiv ID or paper metadata: not read as a paper list")
        drafts = []
    if plain_mode:
        drafts = [
            d for d in drafts
            if d.arxiv_id or d.has_meta or (d.listed_links and d.has_abstract) or plausible_abstract(" ".join(d.abstract))
        ]
    kept = []
    for d in drafts:  # a bare title line, with no abstract, paper link or metadata, is not a paper
        if d.has_abstract or d.arxiv_id or d.has_meta or d.listed_links:
            kept.append(d)
        else:
            ctx.warn(d.line, f"a title with nothing else (no abstract, paper link or metadata), not imported: {d.title[:80]!r}")
    drafts = kept
    if drafts and drafts[-1].has_abstract and looks_truncated(drafts[-1].abstract[-1]):
        ctx.warn(last_abstract_line, "abstract looks cut off (truncated digest?)")
    return ctx.finish_all(drafts, "Markdown page"), "markdown"


_MENTIONS = re.compile(
    r"(?:community|comments?|discussion|(?:similar|related|recommended) papers|references|bibliography|"
    r"citations?|cite this paper|citation|bibtex|(?:models|datasets|spaces) citing this paper.*|"
    r"collections including this paper.*)\s*:?",
    re.IGNORECASE,
)
_MENTIONS_PROSE = re.compile(
    r"(?:this is an automated message from the librarian bot|the following papers were recommended by|"
    r"i found the following papers similar to this paper).*",
    re.IGNORECASE,
)
_AUTHORS_LABEL = re.compile(r"[*_]*authors?[*_]*\s*:?[*_]*\s*:?", re.IGNORECASE)
_BIBTEX = re.compile(r"@[A-Za-z]+\s*\{")


def _mentions_start(items: list[Line]) -> int:
    """Index of the first item of a "mentioned papers" part after the page's first title-like
    heading or paper link (a navigation "Community" link before it does not count)."""
    started = False
    for k, item in enumerate(items):
        if not started:
            started = (item.kind == "heading" and not is_furniture(item.text)) or (
                item.kind == "links" and any(arxiv_id_from_url(l.url) for l in item.links)
            )
            continue
        if item.kind == "heading" and _MENTIONS.fullmatch(plain(item.text)):
            return k
        if item.kind == "prose" and (_BIBTEX.match(item.text) or _MENTIONS_PROSE.fullmatch(plain(item.text[:300]))):
            return k
    return len(items)


def _next_is_title(titles: list[tuple[str, Link | None] | None], items: list[Line], idx: int) -> bool:
    for k in range(idx + 1, min(len(items), idx + 12)):
        if titles[k] is not None:
            return True
        if items[k].kind not in ("break", "skip", "links", "url") and not (
            items[k].kind == "prose" and len(items[k].text) < 60
        ):
            return False
    return False
