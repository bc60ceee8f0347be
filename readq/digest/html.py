"""A saved HTML page (File > Save Page As): converted to Markdown, then read as Markdown.

Only the simple structure matters: headings, links, list items, paragraphs. Scripts, styles,
navigation and footers are dropped. If the Markdown reading finds nothing, the page's plain
text is tried with the HF text layouts.
"""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser

from readq.digest import hf_text, markdown
from readq.digest.context import Context
from readq.model import Entry

_SKIP = frozenset({"script", "style", "noscript", "svg", "head", "nav", "footer", "template", "button"})
_BLOCK = frozenset(
    "p div section article main header aside li ul ol tr table h1 h2 h3 h4 h5 h6 br hr blockquote "
    "dd dt dl figure figcaption time pre form".split()
)
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "source", "wbr", "area", "base", "col", "embed"})


class _ToMarkdown(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.plain: list[str] = []
        self.skip = 0
        self.stack: list[str] = []
        self.links: list[str | None] = []
        self.md_lines = [1]  # source line where each Markdown line starts
        self.plain_lines = [1]

    def _newline(self) -> None:
        line = self.getpos()[0]
        self.out.append("\n")
        self.plain.append("\n")
        self.md_lines.append(line)
        self.plain_lines.append(line)

    def _in_link(self) -> bool:
        return any(self.links)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag in ("br", "hr") and not self.skip:
                self._newline()
            return
        self.stack.append(tag)
        if tag in _SKIP:
            self.skip += 1
            return
        if self.skip:
            return
        if tag in _BLOCK and self._in_link():  # a link holding blocks (a card's author list): one line
            self.out.append(" ")
            return
        if tag in _BLOCK:
            self._newline()
            self._newline()
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.out.append("#" * int(tag[1:]) + " ")
        elif tag == "li":
            self.out.append("- ")
        elif tag == "a":
            href = dict(attrs).get("href")
            self.links.append(href)
            if href:
                self.out.append("[")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            if top in _SKIP:
                self.skip -= 1
            elif not self.skip:
                if top == "a" and self.links:
                    href = self.links.pop()
                    if href:
                        self.out.append(f"]({href.strip().replace(' ', '%20').replace(')', '%29')})")
                elif top in _BLOCK and not self._in_link():
                    self._newline()
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skip or not data.strip():
            if not self.skip and data and (self.out and not self.out[-1].endswith((" ", "\n"))):
                self.out.append(" ")
                self.plain.append(" ")
            return
        text = " ".join(data.split())
        if data[:1].isspace():
            text = " " + text
        if data[-1:].isspace():
            text += " "
        self.out.append(text.replace("[", "\\[").replace("]", "\\]"))
        self.plain.append(text)


def to_markdown(text: str) -> tuple[str, str, list[int], list[int]]:
    """Markdown and plain-text renderings of an HTML page, with each line's source line number."""
    parser = _ToMarkdown()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError):  # malformed markup: keep what was converted
        pass
    return "".join(parser.out), "".join(parser.plain), parser.md_lines, parser.plain_lines


def _remap(entries: list[Entry], ctx: Context, start: int, table: list[int]) -> list[Entry]:
    """Line numbers of the converted text -> line numbers in the HTML file."""

    def source_line(n: int) -> int:
        return table[n - 1] if 0 < n <= len(table) else n

    for k in range(start, len(ctx.warnings)):
        w = ctx.warnings[k]
        ctx.warnings[k] = replace(w, line=source_line(w.line)) if w.line else w
    return [replace(e, line=source_line(e.line)) for e in entries]


def parse(text: str, ctx: Context) -> tuple[list[Entry], str]:
    md, plain, md_table, plain_table = to_markdown(text)
    start = len(ctx.warnings)
    entries, _ = markdown.parse([line.strip() for line in md.split("\n")], ctx)
    if entries:
        return _remap(entries, ctx, start, md_table), "html"
    del ctx.warnings[start:]
    found = hf_text.parse("\n".join(line.strip() for line in plain.split("\n")), ctx)
    if found and found[0]:
        return _remap(found[0], ctx, start, plain_table), "html"
    return [], "html"
