"""The paper list: a Line-API `ScrollView` over an array of indices, rendering only visible rows.

`DataTable`/`ListView` build a widget or a row object per paper and take seconds at 100k papers;
this list holds the papers (shared with the search index), an `order` of indices into them and a
cursor, and paints each visible row on demand in `render_line`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from readq.model import Paper, Status
from readq.textclean import clean
from readq.tui.view import STAR_GLYPH, STATUS_GLYPHS
from readq.tui.widgets.scrolling import set_virtual_size

PREFIX = 5  # "▍• ★ ": selection bar, status, space, star, space
BAR_W = 1  # the list draws its own scrollbar in its last column (see PaperList.render_lines)
DATE_W, VOTES_W, SEEN_W = 11, 6, 5
MIN_TITLE = 16

STATUS_STYLES = {
    Status.NEW: Style(color="cyan", bold=True),
    Status.TO_READ: Style(color="yellow", bold=True),
    Status.READ: Style(color="green"),
    Status.SKIPPED: Style(color="bright_black"),
}
STAR_STYLE = Style(color="yellow", bold=True)


@lru_cache(maxsize=64)
def columns(width: int) -> tuple[int, bool, bool, bool]:
    """(title width, show date, show upvotes, show seen) for a list `width` cells wide."""
    show = [True, True, True]
    widths = [DATE_W, VOTES_W, SEEN_W]
    # Drop "seen", then upvotes, then the date until the title keeps a readable width.
    for drop in (2, 1, 0):
        if width - PREFIX - sum(w for w, s in zip(widths, show) if s) >= MIN_TITLE:
            break
        show[drop] = False
    title_w = max(1, width - PREFIX - sum(w for w, s in zip(widths, show) if s))
    return title_w, show[0], show[1], show[2]


@lru_cache(maxsize=8)
def _parsed(query: str) -> object:
    """The query parsed once per query, not once per painted row."""
    from readq.search.query import parse_query

    try:
        return parse_query(query)
    except Exception:  # a half-typed query must never break painting
        return None


@lru_cache(maxsize=4096)
def _spans(query: str, text: str) -> tuple[tuple[int, int], ...]:
    """Matched character spans for highlighting (cached: rows repaint on every cursor move)."""
    if not query.strip():
        return ()
    parsed = _parsed(query)
    if parsed is None:
        return ()
    try:
        from readq.search import highlight_spans

        return tuple(highlight_spans(parsed, text))  # type: ignore[arg-type]
    except Exception:  # a half-typed query must never break painting
        return ()


def highlighted(text: str, query: str, style: Style) -> Text:
    """`text` with the characters `query` matched styled."""
    out = Text(text)
    for start, end in _spans(query, text):
        out.stylize(style, start, end)
    return out


_NOT_ANNOUNCED = object()


class ListHeader(Widget):
    """Column titles above the paper list, laid out by the same `columns` function."""

    DEFAULT_CSS = """
    ListHeader { height: 1; color: $text-muted; text-style: bold; }
    """

    def render(self) -> Text:
        title_w, date, votes, seen = columns(self.size.width)
        text = Text(" St★ " + "Title".ljust(title_w)[:title_w])
        if date:
            text.append(" " + "Date".ljust(DATE_W - 1))
        if votes:
            text.append("Votes".rjust(VOTES_W))
        if seen:
            text.append("Seen".rjust(SEEN_W))
        return text


class PaperList(ScrollView, can_focus=True):
    """Rows of papers; `order` indexes into `papers`; a cursor and a multi-selection of ids."""

    BINDINGS: list[BindingType] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g,home", "first", "First paper", show=False, id="list.first"),
        Binding("G,end", "last", "Last paper", show=False, id="list.last"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="list.page_up"),
        Binding(
            "space", "toggle_select", "Select", id="list.select",
            tooltip="Add or remove the highlighted paper from the selection",
        ),
    ]

    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--selected",
        "paper-list--match",
        "paper-list--dim",
    }

    DEFAULT_CSS = """
    PaperList {
        background: $surface;
        overflow-x: hidden;
        overflow-y: scroll;  /* always "scrollable": no relayout when the results start to fit */
        scrollbar-size-vertical: 0;  /* the list paints its own one-column bar */
    }
    PaperList > .paper-list--cursor { background: $boost; text-style: bold; }
    PaperList:focus > .paper-list--cursor { background: $accent 40%; }
    PaperList > .paper-list--selected { background: $primary 25%; }
    PaperList > .paper-list--match { color: $warning; text-style: bold underline; }
    PaperList > .paper-list--dim { color: $text-muted; }
    """

    cursor: reactive[int] = reactive(0, always_update=True)
    placeholder: reactive[str] = reactive("")

    class Highlighted(Message):
        """The cursor moved to another paper (None: the view is empty), or the query changed
        (the same paper's highlights did)."""

        def __init__(self, paper: Paper | None) -> None:
            super().__init__()
            self.paper = paper

    class SelectionChanged(Message):
        """The multi-selection changed."""

        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.papers: Sequence[Paper] = ()
        self.order: Sequence[int] = ()
        self.selected: set[str] = set()
        self.query_text = ""
        self._last_paper: object = None  # the paper last announced; _NOT_ANNOUNCED forces the next
        self._strips: dict[tuple[object, ...], Strip] = {}
        self._strip_papers: dict[tuple[object, ...], Paper] = {}
        self._style_cache: dict[Style, dict[object, Style]] = {}
        self._base_style: Style | None = None
        self._bar_styles: tuple[Segment, Segment, Segment] | None = None

    # ------------------------------------------------------------------ data
    def set_rows(
        self, papers: Sequence[Paper], order: Sequence[int], query: str, *, keep_id: str | None = None
    ) -> None:
        """Show `order` (indices into `papers`); the cursor goes to `keep_id` or the first row."""
        if query != self.query_text:  # every cached row is keyed by the old query: drop them
            self._strips.clear()
            self._strip_papers.clear()
            self._last_paper = _NOT_ANNOUNCED  # announce even if the same paper stays on top
        self.papers, self.order, self.query_text = papers, order, query
        set_virtual_size(self, Size(self.size.width, len(order)))  # no screen layout per keystroke
        cursor = 0
        if keep_id is not None:
            for row, idx in enumerate(order):
                if papers[idx].id == keep_id:
                    cursor = row
                    break
        self.scroll_to(y=max(0, cursor - self.scrollable_content_region.height // 2), animate=False)
        self.cursor = cursor
        self.refresh()

    def repaint(self, papers: Sequence[Paper] | None = None) -> None:
        """Papers changed state in place: repaint visible rows, re-announce the current one."""
        if papers is not None:
            self.papers = papers
        self.refresh()
        self._announce(force=True)

    @property
    def current(self) -> Paper | None:
        if 0 <= self.cursor < len(self.order):
            return self.papers[self.order[self.cursor]]
        return None

    def view_papers(self) -> list[Paper]:
        return [self.papers[i] for i in self.order]

    def view_ids(self) -> list[str]:
        return [self.papers[i].id for i in self.order]

    # ------------------------------------------------------------------ cursor
    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, len(self.order) - 1)) if len(self.order) else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self._scroll_to_cursor()
        self._announce()

    def _announce(self, force: bool = False) -> None:
        paper = self.current
        if force or paper is not self._last_paper:
            self._last_paper = paper
            self.post_message(self.Highlighted(paper))

    def _scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height
        top = round(self.scroll_offset.y)
        if height <= 0:
            return
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.order))
        self.call_after_refresh(self._scroll_to_cursor)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.order) - 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height - 1)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height - 1)

    def on_key(self, event: events.Key) -> None:
        """Hand keys to the screen's filter router right here, while the list has focus.

        Unhandled, a key bubbles through four containers' message queues to the screen, a
        measurable part of every filter keystroke. The router stops what it takes.
        """
        route = getattr(self.screen, "route_key", None)
        if route is not None:
            route(event)

    def on_click(self, event: events.Click) -> None:
        rows, height = len(self.order), self.size.height
        if event.x >= self.size.width - BAR_W and rows > height > 1:  # the scrollbar: jump there
            self.cursor = round(event.y * (rows - 1) / (height - 1))
            return
        row = round(self.scroll_offset.y) + event.y
        if 0 <= row < rows:
            self.cursor = row

    # ------------------------------------------------------------------ selection
    def action_toggle_select(self) -> None:
        paper = self.current
        if paper is None:
            return
        self.selected.symmetric_difference_update({paper.id})
        self.refresh_line(self.cursor)
        self.post_message(self.SelectionChanged(len(self.selected)))
        self.cursor += 1

    def select_all(self) -> None:
        self.selected = set(self.view_ids())
        self.refresh()
        self.post_message(self.SelectionChanged(len(self.selected)))

    def clear_selection(self) -> bool:
        """Clear the selection; False when there was none."""
        if not self.selected:
            return False
        self.selected = set()
        self.refresh()
        self.post_message(self.SelectionChanged(0))
        return True

    # ------------------------------------------------------------------ painting
    def render_lines(self, crop: Region) -> list[Strip]:
        """The rows in `crop`, straight from the row cache and `_line`.

        Why not Textual's default (`Widget.render_lines` → the styles cache): a filter keystroke
        repaints every visible row, and that pipeline re-applies border, padding, tint, opacity
        and hatch checks to each one, about as much time as building the row itself. This list
        has none of those, so it paints its rows (and its own scrollbar column, replacing a
        separate `ScrollBar` widget that repainted whenever the thumb moved) and applies only the
        app's line filters. Any of
        those styles set on it falls back to the default pipeline.
        """
        if not self._plain_box():
            return super().render_lines(crop)
        frame = self._frame()
        lines = [self._line(y, frame) for y in crop.line_range]
        filters = self.get_line_filters()
        if filters:
            background = self.background_colors[1]
            for line_filter in filters:
                lines = [line.apply_filter(line_filter, background) for line in lines]
        x1, x2 = crop.column_span
        if (x1, x2) != (0, self.size.width):
            lines = [line.crop(x1, x2) for line in lines]
        return lines

    def render_line(self, y: int) -> Strip:
        return self._line(y, self._frame())

    def _plain_box(self) -> bool:
        styles = self.styles
        return (
            not any(edge for edge, _ in styles.border)
            and not any(edge for edge, _ in styles.outline)
            and not any(styles.padding)
            and styles.tint.a == 0
            and styles.opacity == 1
            and styles.text_opacity == 1
            and (not styles.has_rule("hatch") or styles.hatch == "none")
            and styles.scrollbar_size_vertical == 0
        )

    def _frame(self) -> tuple[int, int, int, Style, tuple[int, int] | None]:
        """(first row, row width, list width, base style, scrollbar thumb rows) for this paint."""
        width = self.size.width
        height = self.size.height
        base = self._base_style
        if base is None:  # computing it walks the ancestors' styles: once, not per row
            base = self._base_style = self.rich_style
        top = round(self.scroll_offset.y)
        rows = len(self.order)
        thumb = None
        if rows > height > 0:
            size = max(1, round(height * height / rows))
            start = round((height - size) * top / (rows - height))
            thumb = (start, start + size)
        return top, max(0, width - BAR_W), width, base, thumb

    def _bar_segment(self, y: int, thumb: tuple[int, int] | None) -> Segment:
        bar = self._bar_styles
        if bar is None:
            styles = self.styles
            base_background, background = self.background_colors
            track = base_background + background + styles.scrollbar_background
            knob = track + styles.scrollbar_color
            bar = self._bar_styles = (
                Segment(" ", self._base_style),
                Segment(" ", Style(bgcolor=track.rich_color)),
                Segment(" ", Style(bgcolor=knob.rich_color)),
            )
        if thumb is None:
            return bar[0]
        return bar[2] if thumb[0] <= y < thumb[1] else bar[1]

    def _line(self, y: int, frame: tuple[int, int, int, Style, tuple[int, int] | None]) -> Strip:
        top, width, full, base, thumb = frame
        row = top + y
        bar = self._bar_segment(y, thumb) if full > width else None
        if row >= len(self.order) or width <= 0:
            if row == 1 and not len(self.order) and self.placeholder:
                dim = self.get_component_rich_style("paper-list--dim")
                strip = Strip([Segment("  " + self.placeholder, base + dim)]).crop_extend(0, width, base)
            else:
                strip = Strip.blank(width, base)
            return Strip.join([strip, Strip([bar], BAR_W)]) if bar is not None else strip
        paper = self.papers[int(self.order[row])]
        selected, is_cursor = paper.id in self.selected, row == self.cursor
        # Scrolling repaints every visible line; papers are immutable, so a row's strip is
        # cached by identity of the record plus everything else that changes its look.
        key = (id(paper), selected, is_cursor, width, self.query_text, self.has_focus, bar)
        strip = self._strips.get(key)
        if strip is not None and self._strip_papers.get(key) is paper:
            return strip
        style = base
        if selected:
            style += self.get_component_rich_style("paper-list--selected")
        if is_cursor:
            style += self.get_component_rich_style("paper-list--cursor")
        segments = self._row_segments(paper, width, selected, style)
        if width > PREFIX + MIN_TITLE:  # the columns add up to exactly `width`
            if bar is not None:
                segments.append(bar)
            strip = Strip(segments, full if bar is not None else width)
        else:
            strip = Strip(segments).crop_extend(0, width, style)
            if bar is not None:
                strip = Strip.join([strip, Strip([bar], BAR_W)])
        if len(self._strips) > 2000:
            self._strips.clear()
            self._strip_papers.clear()
        self._strips[key] = strip
        self._strip_papers[key] = paper
        return strip

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # theme or focus styling changed
        self._strip_papers.clear()
        self._style_cache.clear()
        self._base_style = None
        self._bar_styles = None

    def on_focus(self) -> None:
        self._base_style = self._bar_styles = None
        self.refresh()

    def on_blur(self) -> None:
        self._base_style = self._bar_styles = None
        self.refresh()

    def _row_segments(self, paper: Paper, width: int, selected: bool, row_style: Style) -> list[Segment]:
        """One row as segments, built directly: far cheaper than a rich `Text` per row, which
        matters because a keystroke in the filter repaints every visible row."""
        title_w, show_date, show_votes, show_seen = columns(width)
        styles = self._row_styles(row_style)
        status = paper.status
        dimmed = status is Status.SKIPPED or status is Status.READ
        segments = [
            Segment("▍" if selected else " ", styles["star"] if selected else row_style),
            Segment(STATUS_GLYPHS[status], styles[status]),
            Segment(" ", row_style),
            Segment(STAR_GLYPH if paper.starred else " ", styles["star"]),
            Segment(" ", row_style),
        ]
        plain, match = (styles["dim"], styles["match_dim"]) if dimmed else (row_style, styles["match"])
        title = clean(paper.title)  # the same string unless stored before ingest cleaned text
        segments.extend(_title_segments(title, title_w, _spans(self.query_text, title), plain, match))
        if show_date:
            segments.append(Segment(" " + (paper.date or "").ljust(DATE_W - 1)[: DATE_W - 1], styles["dim"]))
        if show_votes:
            votes = paper.upvotes
            segments.append(Segment((str(votes) if votes is not None else "").rjust(VOTES_W)[-VOTES_W:], row_style))
        if show_seen:
            seen = len(paper.sources)
            segments.append(
                Segment((f"{seen}×" if seen else "").rjust(SEEN_W)[-SEEN_W:], styles["dim"] if seen < 2 else styles["bold"])
            )
        return segments

    def _row_styles(self, row_style: Style) -> dict[object, Style]:
        """Every style a row uses, layered over the row's background (cached per row style)."""
        cached = self._style_cache.get(row_style)
        if cached is None:
            dim = self.get_component_rich_style("paper-list--dim", partial=True)
            match = self.get_component_rich_style("paper-list--match", partial=True)
            cached = {status: row_style + style for status, style in STATUS_STYLES.items()}
            cached.update(
                star=row_style + STAR_STYLE,
                dim=row_style + dim,
                match=row_style + match,
                match_dim=row_style + match + dim,
                bold=row_style + Style(bold=True),
            )
            self._style_cache[row_style] = cached
        return cached


def _title_segments(
    title: str, width: int, spans: Sequence[tuple[int, int]], plain: Style, match: Style
) -> list[Segment]:
    """`title` cut to `width` cells (with an ellipsis) and padded, matched spans styled."""
    if title.isascii():
        visible = len(title)  # characters of the original title that are shown
        if visible > width:
            visible = max(0, width - 1)
            title = title[:visible] + "…"
        pad = width - len(title)
    else:
        visible = len(title)
        if cell_len(title) > width:
            title = set_cell_size(title, max(0, width - 1))
            visible = len(title)
            title += "…"
        pad = max(0, width - cell_len(title))
    if not spans:
        out = [Segment(title, plain)]
    else:
        out = []
        pos = 0
        for start, end in spans:
            if start >= visible:
                break
            end = min(end, visible)
            if start > pos:
                out.append(Segment(title[pos:start], plain))
            out.append(Segment(title[start:end], match))
            pos = end
        if pos < len(title):
            out.append(Segment(title[pos:], plain))
    if pad > 0:
        out.append(Segment(" " * pad, plain))
    return out
