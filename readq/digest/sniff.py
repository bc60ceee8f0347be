"""Choosing the parser: each layout has a cheap sniffer; the first confident one parses.

Order matters: HTML and arXiv listings have unmistakable markers, Markdown needs link syntax,
the HF trending text needs its own metadata lines; the HF daily text layouts are the fallback,
and they refuse text that does not look like papers. Sniffers only look at a bounded prefix
(plus cheap substring counts), so choosing costs nothing next to parsing.
"""

from __future__ import annotations

import re

SAMPLE = 200_000

_HTML_START = re.compile(r"\s*(?:<!--.*?-->\s*)?<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"<(?:p|div|a|h[1-6]|li|span|article|section|br|table|td)\b[^<>]{0,500}>", re.IGNORECASE)
_ARXIV_ID_LINE = re.compile(r"^[ \t]*(?:\[\d+\][ \t]*)?arXiv:\d{4}\.\d{4,5}", re.MULTILINE | re.IGNORECASE)
_ARXIV_FIELD = re.compile(r"^[ \t]*(?:Title|Authors?):[ \t]*\S", re.MULTILINE)
_MD_LINKED_TITLE = re.compile(
    r"^[ \t]{0,3}(?:#{1,6}[ \t]+|(?:[-*+]|\d{1,3}[.)])[ \t]+|\*\*)?\[[^\]\n]{2,}(?:\]|$)",
    re.MULTILINE,
)
_MD_PAPER_LINK = re.compile(r"\]\((?:https?://(?:www\.)?(?:huggingface\.co|arxiv\.org)/(?:papers|abs|pdf)/|/papers/)\d")
_MD_BARE_PAPER = re.compile(r"(?:huggingface\.co/papers/|arxiv\.org/(?:abs|pdf)/)\d{4}\.\d{4,5}")
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.MULTILINE)
_MD_CARD_META = re.compile(r"^[ \t]*(?:[·•*-][ \t]*)?\d{1,5} authors?\b|^[ \t]*Submitted by\b|^[ \t]*Published on\b",
                           re.MULTILINE | re.IGNORECASE)
_MD_REF_DEF = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S", re.MULTILINE)
_PUBLISHED_ON = re.compile(r"^[ \t]*Published on [A-Z][a-z]{2,8}\.? \d", re.MULTILINE)
_TRENDING_HEADER = re.compile(r"^[ \t]*Trending Papers[ \t]*$", re.MULTILINE | re.IGNORECASE)


def is_html(text: str) -> bool:
    head = text[:SAMPLE]
    if _HTML_START.match(head[:2000]):
        return True
    return len(_HTML_TAG.findall(head[:50_000])) >= 8 and "](" not in head[:50_000]


def is_arxiv(text: str) -> bool:
    head = text[:SAMPLE]
    return _ARXIV_ID_LINE.search(head) is not None and _ARXIV_FIELD.search(head) is not None


def is_markdown(text: str) -> bool:
    head = text[:SAMPLE]
    headings = len(_MD_HEADING.findall(head))
    if headings >= 2 and (_MD_BARE_PAPER.search(head) or "](" in head):
        return True  # plain headings; the parser keeps only sections that look like papers
    if headings >= 3 and _MD_CARD_META.search(head):
        return True  # a page converted without its links: headings over HF card metadata
    if "[" not in head:
        return False
    linked = len(_MD_LINKED_TITLE.findall(head))
    if _MD_PAPER_LINK.search(head) and linked >= 1:
        return True
    if _MD_REF_DEF.search(head) and linked >= 1:
        return True
    return linked >= 2 and headings >= 2


def is_hf_trending(text: str) -> bool:
    head = text[:SAMPLE]
    return _TRENDING_HEADER.search(head) is not None or len(_PUBLISHED_ON.findall(head)) >= 2


def has_headings(text: str, at_least: int = 3) -> bool:
    """At least this many Markdown headings in the sample."""
    return len(_MD_HEADING.findall(text[:SAMPLE])) >= at_least
