"""Paper lists kept in Markdown blocks other than headings: tables and `<details>` sections.

Both are rewritten into the card shape the Markdown reader already knows (a title heading
followed by field lines), keeping every card on its source line so warnings and `line` still
point at the right place:

* a table whose header names a title column (`Title`, `Paper`, `Name`) gives one card per row:
  `###### <title cell>`, then the other cells as `Header: value` lines (a links or code column
  as its bare cell);
* a README-style `<details><summary>Title</summary> … </details>` block gives
  `###### Title`; the block's body is read as the card's lines.

The table is found with markdown-it's own table rule, so pipes inside code spans or escaped
`\\|` do not split a cell.
"""

from __future__ import annotations

import re

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
_SEPARATOR = re.compile(r"\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)+\|?\s*")
_SUMMARY = re.compile(r"\s*(?:<details[^>]*>\s*)?<summary[^>]*>(?P<title>.*?)</summary>\s*", re.IGNORECASE)
_DETAILS = re.compile(r"\s*</?details[^>]*>\s*", re.IGNORECASE)
TITLE_COLUMNS = ("title", "paper", "paper title", "name", "papers")
LINK_COLUMNS = ("link", "links", "url", "code", "paper link", "pdf", "arxiv", "project", "github", "repo")
CARD = "######"
_EMPTY_CELLS = frozenset({"null", "none", "n/a", "na", "-", "—", "–", "tbd", "todo", "coming soon"})
_ONE_LINK = re.compile(r"\[[^\]\n]*\]\((?P<url>[^)\s]+)\)")


def tables_and_details(lines: list[str]) -> tuple[list[str], list[int]] | None:
    """`(lines, origin)` with paper tables and details blocks rewritten as cards, or None when the
    document has neither. `origin[i]` is the 0-based source line of output line `i`."""
    details = any("<details" in s.lower() for s in lines)  # Atom feeds have <summary> too
    if not any("|" in s for s in lines) and not details:
        return None
    out: list[str] = []
    origin: list[int] = []
    changed = False
    i = 0
    n = len(lines)
    while i < n:
        s = lines[i]
        m = _SUMMARY.fullmatch(s) if details and "<summary" in s.lower() else None
        if m:
            out.append(f"{CARD} {m['title'].strip()}")
            origin.append(i)
            changed = True
            i += 1
            continue
        if details and "details" in s.lower() and _DETAILS.fullmatch(s):
            out.append("")
            origin.append(i)
            i += 1
            continue
        if "|" in s and i + 1 < n and _SEPARATOR.fullmatch(lines[i + 1]):
            end = i + 2
            while end < n and "|" in lines[end] and lines[end].strip():
                end += 1
            cards = _table_cards(lines[i:end])
            if cards is not None:
                for row, card in cards:
                    out.extend(card)
                    origin.extend([i + row] * len(card))
                changed = True
                i = end
                continue
        out.append(s)
        origin.append(i)
        i += 1
    return (out, origin) if changed else None


@lru_cache(maxsize=1)
def _table_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def _table_cards(block: list[str]) -> list[tuple[int, list[str]]] | None:
    """Cards for the rows of one table, or None when no column holds titles."""
    tokens = _table_parser().parse("\n".join(block))
    rows: list[list[str]] = []
    row: list[str] | None = None
    for tok in tokens:
        if tok.type == "tr_open":
            row = []
        elif tok.type == "inline" and row is not None:
            row.append(tok.content.strip())
        elif tok.type == "tr_close" and row is not None:
            rows.append(row)
            row = None
    if len(rows) < 2:
        return None
    header = [h.strip("*_ ").casefold() for h in rows[0]]
    title_col = next((k for k, h in enumerate(header) if h in TITLE_COLUMNS), None)
    if title_col is None:
        return None
    cards: list[tuple[int, list[str]]] = []
    for r, cells in enumerate(rows[1:], start=2):  # block line 0 is the header, 1 the separator
        if title_col >= len(cells) or not cells[title_col]:
            continue
        card = [f"{CARD} {cells[title_col]}"]
        for k, cell in enumerate(cells):
            value = _unbold(cell)
            if k == title_col or not value or value.casefold() in _EMPTY_CELLS or k >= len(header):
                continue
            name = header[k]
            if name in LINK_COLUMNS or not name:
                link = _ONE_LINK.fullmatch(value)
                card += ["", link["url"] if link else value]  # a bare URL: its text is often just the ID
            elif "date" in name:
                card += ["", f"Published: {value}"]
            else:
                card += ["", f"{rows[0][k].strip('*_ ')}: {value}"]
        card.append("")
        cards.append((r, card))
    return cards


def _unbold(cell: str) -> str:
    """A cell's value without the bold or italic markers wrapping all of it."""
    value = cell.strip()
    for mark in ("**", "__", "*", "_"):
        if len(value) > 2 * len(mark) and value.startswith(mark) and value.endswith(mark):
            return value[len(mark):-len(mark)].strip()
    return value
