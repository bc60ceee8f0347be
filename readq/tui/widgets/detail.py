"""The detail pane: the highlighted paper in full, with matches in the abstract highlighted."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from readq.model import Paper
from readq.textclean import clean_paper
from readq.tui.view import STAR_GLYPH, STATUS_GLYPHS
from readq.tui.widgets.paper_list import STATUS_STYLES, highlighted
from readq.tui.widgets.scrolling import set_virtual_size

MATCH = Style(color="yellow", bold=True, underline=True)


def _identity(paper: Paper) -> str | None:
    """Where the arXiv identity came from (`readq resolve`): `Hugging Face, 2026-11-30`."""
    resolved = paper.resolved or {}
    source = {"hf": "Hugging Face", "arxiv": "arXiv"}.get(str(resolved.get("source")), None)
    if not source:
        return None
    at = str(resolved.get("at") or "")[:10]
    return f"{source}, {at}" if at else source


def render_paper(paper: Paper, query: str, explain: str | None = None) -> Group:
    """Title, metadata table, labelled links, the abstract, the reader's note and, in the
    for-you order, why the paper ranks there."""
    from readq.facts import paper_facts, seen_line
    from readq.links import paper_links

    paper = clean_paper(paper)  # a record stored before ingest cleaned text
    title = highlighted(paper.title, query, MATCH)
    title.stylize("bold")
    meta = Table.grid(padding=(0, 1))
    meta.add_column(style="dim", no_wrap=True)
    meta.add_column()
    state = Text(f"{STATUS_GLYPHS[paper.status]} {paper.status.value}", STATUS_STYLES[paper.status])
    if paper.starred:
        state.append(f"  {STAR_GLYPH} starred", "yellow")
    rows: list[tuple[str, str | Text | None]] = [("Status", state), *paper_facts(paper)]
    rows.append(("Identity", _identity(paper)))
    rows.append((f"Seen ({len(paper.sources)})", seen_line(paper) or None))
    for label, value in rows:
        if value:
            meta.add_row(label, value)
    links = Table.grid(padding=(0, 1))
    links.add_column(style="dim", no_wrap=True)
    links.add_column(overflow="fold")
    for label, url in paper_links(paper):
        links.add_row(label, Text(url, Style(color="cyan", link=url)))
    abstract = highlighted(paper.abstract or "(no abstract)", query, MATCH)
    parts: list[RenderableType] = [title, Text(), meta, Text(), links, Text(), abstract]
    if paper.note:
        parts += [Text(), Text("Note", "bold"), Text(paper.note)]
    if explain:
        parts += [Text(), Text(explain, "italic")]
    return Group(*parts)


class DetailPane(ScrollView, can_focus=False):
    """Scrollable details of one paper, drawn with the Line API.

    A `Static` inside a `VerticalScroll` changes height with every paper, and each height change
    is a layout pass of the whole screen, far costlier than the pane itself while typing;
    here the paper is rendered to strips once per paper and width, and showing another paper only
    repaints this pane.
    """

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; background: $surface; overflow-x: hidden; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._renderable: RenderableType = Text("")
        self._lines: list[Strip] = []
        self._lines_width = -1
        self.plain = ""  # the shown text, for tests and accessibility

    def show_paper(self, paper: Paper | None, query: str, explain: str | None = None) -> None:
        if paper is None:
            self._renderable = Text("No paper here. Change the filter (/) or the queue.", "dim")
        else:
            self._renderable = render_paper(paper, query, explain)
        self._lines_width = -1
        self.scroll_to(y=0, animate=False, immediate=True)
        self._render_strips(self.scrollable_content_region.width)
        self.refresh()

    def _render_strips(self, width: int) -> None:
        if width <= 0 or not self.is_mounted:
            return
        console = self.app.console
        lines = console.render_lines(self._renderable, console.options.update_width(width), style=self.rich_style)
        self._lines = [Strip(line, width) for line in lines]
        self._lines_width = width
        self.plain = "\n".join(strip.text.rstrip() for strip in self._lines)
        set_virtual_size(self, Size(width, len(self._lines)))  # no screen layout (see class doc)

    def on_resize(self) -> None:
        self._lines_width = -1
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines_width = -1

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._lines_width:
            self._render_strips(width)  # resized, or a scrollbar came or went
        row = round(self.scroll_offset.y) + y
        if 0 <= row < len(self._lines):
            return self._lines[row]
        return Strip.blank(width, self.rich_style)
