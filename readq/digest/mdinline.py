"""Inline Markdown -> plain text and links, through a real Markdown parser (markdown-it-py).

Emphasis, escapes, entities, code spans, inline HTML, images, inline/reference/autolinks are
the parser's business, not regular expressions'. Three adjustments for captured pages:

* LaTeX is kept as written: `$…$` spans are parsed as math (dollarmath plugin) and given back
  verbatim, and backslashes before LaTeX's own escapes (`\\{`, `\\%`, `\\\\` …) are protected so
  CommonMark does not eat them.
* A reference link whose definition the capture lost (`[Title][36]`, the page truncated before
  its reference list) is still a link: its text is the title, its target unknown ("").
* Every link target is accepted by the parser and judged later (`textclean.is_web_url`), so a
  `[label](javascript:…)` loses its target but keeps its label instead of showing raw syntax.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from typing import TYPE_CHECKING

from readq.digest.prose import collapse

MAX_INLINE = 20_000  # longer lines are prose: kept as they are, whitespace collapsed

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The inline parser, built on first use: importing markdown-it costs ~0.1 s, which an import
    of plain-text digests (and every other command) need not pay."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": True}).use(dollarmath_plugin, double_inline=True)
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md

_SPECIAL = frozenset("[]*_`\\<&$!~")
_LATEX_ESCAPE = re.compile(r"\\(?=[{}%$&#,;!|\\])")
_FULL_REF = re.compile(r"\]\[([^\[\]\n]{1,200})\]")


@dataclass
class Link:
    """One link or image of a line: its plain text (alt text for images) and target ("" unknown)."""

    text: str
    url: str
    image: bool = False


@dataclass
class Inline:
    """A line's plain text (link labels kept, images dropped), its links, and the text outside them."""

    text: str
    links: list[Link] = field(default_factory=list)
    outside: str = ""


def _env(src: str, refs: Mapping[str, str]) -> dict[str, object]:
    from markdown_it.common.utils import normalizeReference

    references = {}
    for label in _FULL_REF.findall(src):
        url = refs.get(label.casefold().strip(), "")
        references[normalizeReference(label)] = {"href": url, "title": ""}
    return {"references": references}


def render(src: str, refs: Mapping[str, str] | None = None) -> Inline:
    """Parse one line (or a few joined lines) of inline Markdown."""
    if len(src) > MAX_INLINE or not _SPECIAL.intersection(src):
        text = collapse(src)
        return Inline(text, [], text)
    if refs:
        return _render(src, refs)
    return _render_cached(src)


@lru_cache(maxsize=4096)
def _render_cached(src: str) -> Inline:
    """Lines repeat (papers printed twice, metadata lines): parse each distinct one once."""
    return _render(src, {})


def _render(src: str, refs: Mapping[str, str]) -> Inline:
    protected = _LATEX_ESCAPE.sub(r"\\\\", src) if "\\" in src else src
    tokens = parser().parseInline(protected, _env(protected, refs) if "][" in protected else {})
    children = tokens[0].children or [] if tokens else []
    plain: list[str] = []
    outside: list[str] = []
    links: list[Link] = []
    current: list[str] | None = None  # text of the link being read
    url = ""
    for tok in children:
        kind = tok.type
        piece = ""
        if kind == "text" or kind == "code_inline":
            piece = tok.content
        elif kind in ("softbreak", "hardbreak"):
            piece = " "
        elif kind == "math_inline":
            piece = f"${tok.content}$"
        elif kind == "math_inline_double":
            piece = f"$${tok.content}$$"
        elif kind == "link_open":
            current, url = [], str(tok.attrs.get("href", ""))
            continue
        elif kind == "link_close":
            if current is not None:
                links.append(Link(collapse("".join(current)), url))
            current = None
            continue
        elif kind == "image":
            links.append(Link(collapse(tok.content), str(tok.attrs.get("src", "")), True))
            continue
        else:  # emphasis markers, inline HTML tags
            continue
        plain.append(piece)
        if current is not None:
            current.append(piece)
        else:
            outside.append(piece)
    return Inline(collapse("".join(plain)), links, collapse("".join(outside)))


def plain(src: str) -> str:
    """`src` as plain text: markup gone, link labels kept, whitespace collapsed."""
    return render(src).text
