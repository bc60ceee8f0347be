"""The detail pane: the highlighted paper in full, with matches in the abstract highlighted."""

from __future__ import annotations

from rich.console import Group
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from readq.model import Paper
from readq.tui.view import STAR_GLYPH, STATUS_GLYPHS
from readq.tui.widgets.paper_list import STATUS_STYLES, highlighted

MATCH = Style(color="yellow", bold=True, underline=True)


def render_paper(paper: Paper, query: str) -> Group:
    """Title, metadata table, labelled links and the abstract."""
    from readq.links import paper_links

    title = highlighted(paper.title, query, MATCH)
    title.stylize("bold")
    meta = Table.grid(padding=(0, 1))
    meta.add_column(style="dim", no_wrap=True)
    meta.add_column()
    state = Text(f"{STATUS_GLYPHS[paper.status]} {paper.status.value}", STATUS_STYLES[paper.status])
    if paper.starred:
        state.append(f"  {STAR_GLYPH} starred", "yellow")
    rows: list[tuple[str, str | Text | None]] = [
        ("Status", state),
        ("Date", paper.date),
        ("Authors", ", ".join(paper.authors) if paper.authors else (
            f"{paper.authors_count} authors" if paper.authors_count else None)),
        ("Org", paper.org),
        ("Upvotes", str(paper.upvotes) if paper.upvotes is not None else None),
        ("arXiv", paper.arxiv_id),
        ("ID", paper.id),
    ]
    seen = ", ".join(
        f"{s.digest_date or s.file}" for s in paper.sources
    )
    rows.append((f"Seen ({len(paper.sources)})", seen or None))
    for label, value in rows:
        if value:
            meta.add_row(label, value)
    links = Table.grid(padding=(0, 1))
    links.add_column(style="dim", no_wrap=True)
    links.add_column(overflow="fold")
    for label, url in paper_links(paper):
        links.add_row(label, Text(url, Style(color="cyan", link=url)))
    abstract = highlighted(paper.abstract or "(no abstract)", query, MATCH)
    return Group(title, Text(), meta, Text(), links, Text(), abstract)


class DetailPane(VerticalScroll, can_focus=False):
    """Scrollable details of one paper."""

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; background: $surface; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="detail-body")

    def show_paper(self, paper: Paper | None, query: str) -> None:
        body = self.query_one("#detail-body", Static)
        if paper is None:
            body.update(Text("No paper here. Change the filter (/) or the queue.", "dim"))
        else:
            body.update(render_paper(paper, query))
        self.scroll_home(animate=False)
