"""Metadata of captured paper cards: "12 upvotes · 8 authors · Published on Feb 12", org links,
"Authors: …" fields, upvote buttons; and how a draft paper takes them.

A metadata line is split into pieces at `·`/`|`; every piece must be metadata, else the line is
prose. Links are judged by what they point to: an organisation page gives `org`, a bare count
linked to a discussion (`[4](…#community)`) is a comment count and is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from readq.digest import dates, meta
from readq.digest.arxiv import split_authors
from readq.digest.context import Context, Draft
from readq.digest.links import arxiv_id_from_label, arxiv_id_from_url, find_urls
from readq.digest.mdinline import Link, plain, render

_FIELD = re.compile(
    r"(?P<key>authors?|published(?: on)?|submitted(?: on)?|date|arxiv(?: id| link| url)?|organi[sz]ation|org|"
    r"upvotes?|code|github|project(?: page)?|paper(?: link)?|links?|url|pdf(?: link)?|subjects?|categories|comments?|keywords?|"
    r"journal(?:-ref)?|doi|msc(?: class)?|acm(?: class)?)\s*[:：]\s*(?P<value>.*)",
    re.I,
)
# Labels of digests written in Chinese, as the English labels above (a translated abstract is a
# comment: the English one is the paper's).
_CJK_LABELS = {
    "作者": "Authors", "摘要": "Abstract", "英文摘要": "Abstract", "中文摘要": "Comments", "链接": "Link",
    "论文链接": "Paper link", "论文地址": "Paper link", "地址": "Link", "标题": "Title", "题目": "Title",
    "论文标题": "Title", "日期": "Date", "发布日期": "Published", "发表日期": "Published", "发布时间": "Published",
    "机构": "Organization", "单位": "Organization", "代码": "Code", "项目主页": "Project page", "关键词": "Keywords",
    "分类": "Categories", "评论": "Comments", "备注": "Comments", "总结": "Comments", "点评": "Comments",
}
_CJK_LABEL = re.compile(r"(?P<pre>[ \t]*(?:[-*•+][ \t]+)?(?:\*\*|__)?)(?P<label>[\u4e00-\u9fff]{2,4})(?P<post>(?:\*\*|__)?[ \t]*[:：])")


def english_label(line: str) -> str:
    """A line opening with a Chinese field label ("**作者**：") with the English one instead."""
    m = _CJK_LABEL.match(line)
    if m is None or m["label"] not in _CJK_LABELS:
        return line
    return m["pre"] + _CJK_LABELS[m["label"]] + m["post"].replace("：", ":") + line[m.end():]


IGNORED_FIELDS = ("pdf", "subject", "categor", "comment", "keyword", "journal", "doi", "msc", "acm")
# An arXiv subject list on its own line: "Audio and Speech Processing (eess.AS); Sound (cs.SD)".
CATEGORIES = re.compile(r"[^()\n]{2,80}\((?:[a-z-]+\.[A-Za-z-]+|[a-z-]+)\)(?:\s*;\s*[^()\n]{2,80}\((?:[a-z-]+\.[A-Za-z-]+|[a-z-]+)\))*")
_ET_AL = re.compile(r"\bet\.?\s*al\b|\band others\b", re.IGNORECASE)
_SUBMITTED_BY = re.compile(r"submitted by.{0,60}", re.I)  # "Submitted by![avatar](…)user" loses the space
_PUBLISHED = re.compile(r"(?:published|submitted)(?: on)?\s+(?P<date>.+)", re.I)
_COMMENTS = re.compile(r"\d[\d,]*\s+comments?", re.I)
_PIECE_SPLIT = re.compile(r"\s+[·|]\s+|\s*·\s*")
_ALT_THEN_NAME = re.compile(r"\[[^\[\]]{1,80}\]\s*(?P<name>[^\[\]]+)")
# huggingface.co/<one segment> pages that are the site's own, not an organisation or user.
NOT_ORG = frozenset(
    "papers docs blog learn login join settings pricing enterprise posts models datasets spaces "
    "terms-of-service privacy about careers chat huggingface collections organizations tasks storage".split()
)
_VOTE_BUTTON = re.compile(r"\[-\]\s*(?P<n>\d[\d,.]*[kK]?|-)?")


def org_name(link: Link) -> str | None:
    """The organisation a card's link names: a link to an organisation's HF page
    (`[![](logo) Kandinsky Lab](https://huggingface.co/kandinskylab)`), or the logo's alt text
    followed by the name when the target was lost (`[[Idiap] Idiap Research Institute][179]`)."""
    text = link.text.strip()
    m = _ALT_THEN_NAME.fullmatch(text)
    if m:
        text = m["name"]
    if not text or len(text) > 80 or link.image:
        return None
    if link.url:
        try:
            parts = urlsplit(link.url)
            # A saved HF page links its own pages relatively (`/kandinskylab`).
            relative = link.url.startswith("/") and not link.url.startswith("//")
            host = "huggingface.co" if relative else (parts.hostname or "").lower().removeprefix("www.")
        except ValueError:
            return None
        segs = [p for p in parts.path.split("/") if p]
        if host != "huggingface.co" or len(segs) != 1 or segs[0].lower() in NOT_ORG or parts.query:
            return None
        return text
    return text if m else None


def vote_count(text: str) -> int | None | bool:
    """A card's vote button text: `117`, `1.09k`, `Upvote 117`, `-` (none yet: True), else False."""
    t = text.strip()
    button = t.lower().startswith("upvote")
    if button:
        t = t[6:].strip()
    if t == "-" or (button and not t):
        return True
    n = meta.count(t) if t else None
    return False if n is None else n


def meta_pieces(s: str, ctx: Context) -> dict[str, object] | None:
    """Parse a metadata line ("12 upvotes · 8 authors · Published on Feb 12"); None if prose.

    Links in the line count by what they are: an organisation link gives `org`, a linked bare
    count after the metadata (`Mar 8, 2024 [ 6][39]`, the comment count) is dropped.
    """
    if len(s) > 2000:
        return None
    org = None
    if "[" in s:
        found_inline = render(s)
        texts = [found_inline.outside]
        users = "submitted" in found_inline.outside.lower()  # `Submitted by [user](…)`: not an org
        for link in found_inline.links:
            name = None if users else org_name(link)
            if name:
                org = name
            elif not link.image and not users and vote_count(link.text) is False:
                texts.append(link.text)
        s = " · ".join(t for t in texts if t.strip())
    else:
        s = plain(s)
    if len(s) > 400 or not (s or org):
        return None
    found: dict[str, object] = {"org": org} if org else {}
    matched = bool(org)
    if org and not s:
        return found
    for piece in _PIECE_SPLIT.split(s):
        piece = piece.strip(" -*•")
        if not piece:
            continue
        got = _piece(piece, ctx)
        if got is None:
            m = _FIELD.fullmatch(s)
            return _field(m["key"].lower(), m["value"], ctx) if m else None
        found.update(got)
        matched = matched or bool(got) or _FIELD.fullmatch(piece) is not None
    return found if matched else None


def _piece(piece: str, ctx: Context) -> dict[str, object] | None:
    n = meta.authors_count(piece)
    if n is None and piece[-1:].isdecimal():  # "45 authors 4": the card's comment count follows, its link gone
        head, _, tail = piece.rpartition(" ")
        n = meta.authors_count(head) if tail.isdecimal() and len(tail) <= 6 else None
    if n is not None:
        return {"authors_count": n}
    n = meta.upvotes(piece)
    if n is not None:
        return {"upvotes": n}
    m = _VOTE_BUTTON.fullmatch(piece)
    if m:  # NotebookLM's upvote button: `[-] 19`, `[-] -` (no votes yet)
        return {"upvotes": meta.count(m["n"])} if m["n"] and m["n"] != "-" else {}
    if _SUBMITTED_BY.fullmatch(piece):
        return {"submitted": True}
    if _COMMENTS.fullmatch(piece) or meta.is_stars(piece):
        return {}
    m = _PUBLISHED.fullmatch(piece)
    value = m["date"] if m else piece
    info = meta.hf_date(value, ctx.ref)
    if info is not None:
        out: dict[str, object] = {"published": info.published}
        if info.upvotes is not None:
            out["upvotes"] = info.upvotes
        return out
    iso = dates.parse_date(value, ctx.ref)
    if iso:
        return {"published": iso}
    m2 = _FIELD.fullmatch(piece)
    if m2:
        return _field(m2["key"].lower(), m2["value"], ctx)
    return None


def _field(key: str, value: str, ctx: Context) -> dict[str, object] | None:
    value = value.strip()
    if key.startswith(IGNORED_FIELDS):  # listing metadata readq has no field for
        return {}
    if not value:
        return None
    if key.startswith("author"):
        if _ET_AL.search(value):  # "Vaswani et al.": a name, not the author count
            return {"authors": split_authors(value), "authors_partial": True}
        return {"authors": split_authors(value)}
    if key.startswith(("published", "submitted", "date")):
        got = _piece(value, ctx)
        return got if got and "published" in got else {"published": dates.find_full_date(value)}
    if key.startswith("arxiv"):
        found = arxiv_id_from_label("arXiv:" + value.removeprefix("arXiv:").strip()) or arxiv_id_from_url(value)
        return {"arxiv_id": found} if found else None
    if key.startswith(("org", "organ")):
        return {"org": value}
    if key.startswith("upvote"):
        digits = value.replace(",", "").split()[0] if value.split() else ""
        return {"upvotes": int(digits)} if digits.isascii() and digits.isdigit() else None
    urls = find_urls(value)
    paper = [u for u in urls if arxiv_id_from_url(u)]
    if paper and key.startswith(("paper", "link", "url", "arxiv")):  # `Link: https://arxiv.org/abs/…`
        rest = [u for u in urls if u not in paper]
        return {"arxiv_id": arxiv_id_from_url(paper[0]), **({"links": rest} if rest else {})}
    return {"links": urls} if urls else None


def apply(target: Draft, found: dict[str, object]) -> None:
    for key, value in found.items():
        if key == "authors_count":
            target.authors_count = value  # type: ignore[assignment]
        elif key == "upvotes":
            target.upvotes = value  # type: ignore[assignment]
        elif key == "published" and value:
            target.published = target.published or value  # type: ignore[assignment]
        elif key == "authors" and value:
            target.authors = value  # type: ignore[assignment]
            if not found.get("authors_partial"):
                target.authors_count = target.authors_count or len(value)  # type: ignore[arg-type]
        elif key == "arxiv_id" and value:
            target.arxiv_id = target.arxiv_id or value  # type: ignore[assignment]
        elif key == "org" and value:
            target.org = value  # type: ignore[assignment]
        elif key == "links":
            target.links.extend(value)  # type: ignore[arg-type]
    target.has_meta = True


def merge_pending(cur: Draft, pending: Draft) -> None:
    cur.upvotes = pending.upvotes if pending.upvotes is not None else cur.upvotes
    cur.authors_count = pending.authors_count if pending.authors_count is not None else cur.authors_count
    cur.published = pending.published or cur.published
    cur.arxiv_id = pending.arxiv_id or cur.arxiv_id
    cur.org = pending.org or cur.org
    cur.authors = pending.authors or cur.authors
    cur.links.extend(pending.links)


_SEEN = re.compile(r"seen \d{4}-\d{2}-\d{2}", re.IGNORECASE)
_TAGS = re.compile(r"tags?:.*", re.IGNORECASE)
_NAMES = re.compile(r".+(?: et al\.?|,? and .+)")


def checklist_meta(s: str, refs: Mapping[str, str], ctx: Context) -> dict[str, object] | None:
    """The metadata line under a reading-list checklist entry (`- [ ] [Title](…)`), as readq's
    Markdown export writes it: pieces joined by " · " (a date or "seen DATE", an organisation,
    an author phrase, "N upvotes", an arXiv link, code and project links, "tags: …"); None when
    the line is prose. An organisation and a lone author's name look alike: an unlabelled piece
    is taken as the organisation only when an author phrase follows it, else it is dropped."""
    if len(s) > 2000:
        return None
    found: dict[str, object] = {}
    links: list[str] = []
    unknown: list[tuple[int, str]] = []
    authors_at = -1
    for k, raw in enumerate(p.strip() for p in s.split(" · ")):
        rendered = render(raw, refs)
        if rendered.links and not rendered.outside.strip(" ,;"):
            for link in rendered.links:
                aid = arxiv_id_from_label(link.text) or arxiv_id_from_url(link.url)
                if aid:
                    found.setdefault("arxiv_id", aid)
                elif not link.image:
                    links.append(link.url)
            continue
        text = rendered.text
        if not text or _SEEN.fullmatch(text) or _TAGS.fullmatch(text):
            continue
        got = _piece(text, ctx)
        if got is not None:
            found.update(got)
            authors_at = k if "authors_count" in got else authors_at
        elif _NAMES.fullmatch(text) and len(text) <= 300:
            if not _ET_AL.search(text):  # "Huang et al." names one author of many: not the authors
                found.update(_field("authors", text, ctx) or {})
            authors_at = k
        elif len(text) <= 80 and not text.endswith("."):
            unknown.append((k, text))
        else:
            return None  # a sentence: prose, not a metadata line
    if unknown and unknown[0][0] < authors_at:
        found["org"] = unknown[0][1]
    elif len(unknown) >= 2:  # "Org · Author": the organisation comes before the authors
        found["org"] = unknown[0][1]
        found["authors"] = split_authors(unknown[1][1])
    if links:
        found["links"] = links
    return found if found or unknown or s.strip() else None


_AVATAR_NAME = re.compile(r"!\[[^\]\n]*\]\([^()\s]*avatars?[^()\s]*\)[ \t]*(?P<name>[^\[\]()!\n]{1,80}?)(?:[ \t]+\d{1,6})?")


def avatar_org(line: str) -> str | None:
    """The organisation of a card converted without its links: its avatar image, then its name
    (and the comment count whose link is gone): `![](…/avatars/…/Qwen.png)Qwen 5`."""
    m = _AVATAR_NAME.fullmatch(line.strip())
    return m["name"].strip() if m and m["name"].strip() else None


_CARD_ORG = re.compile(r"(?P<name>[^\s\[\]()!#*|:][^\[\]()!#*|:]{0,58}?)[ \t]+\d{1,6}")


def card_org(line: str) -> str | None:
    """The organisation line of a card whose links a converter dropped: a short name and the
    comment count ("ByteDance Seed 12"), on the line after the title of a card page."""
    m = _CARD_ORG.fullmatch(line.strip())
    if m is None or len(m["name"].split()) > 6 or m["name"].rstrip()[-1:] in ".?!,;":
        return None
    return m["name"].strip()
