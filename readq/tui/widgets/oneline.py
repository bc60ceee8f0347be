"""One-line bars drawn from segments: cheap to repaint on every keystroke."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

BOLD = Style(bold=True)
DIM = Style(dim=True)
REVERSE = Style(reverse=True)
BOLD_YELLOW = Style(bold=True, color="yellow")
CYAN = Style(color="cyan")
BOLD_MAGENTA = Style(bold=True, color="magenta")

Parts = list[tuple[str, Style]]


class OneLineBar(Widget):
    """A bar one row high whose content is a few styled strings (`parts`).

    Why not `render()` returning a rich `Text`: the filter and status bars repaint on every
    keystroke, and the `Text` → content → strips conversion is a real share of each frame. Here
    the row is built as segments and cached
    until the parts, the width or the styles change.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._strip_key: object = None
        self._strip: Strip | None = None

    def parts(self, width: int) -> Parts:
        """The (text, style) pieces of the line, left to right, for a bar `width` cells wide."""
        raise NotImplementedError

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        base = self.rich_style
        if y:
            return Strip.blank(width, base)
        parts = self.parts(width)
        key = (tuple(parts), width, base)
        if key != self._strip_key or self._strip is None:
            segments = [Segment(text, base + style) for text, style in parts if text]
            self._strip = Strip(segments).crop_extend(0, width, base)
            self._strip_key = key
        return self._strip

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strip = None

    @property
    def plain(self) -> str:
        """The bar's text (for tests and screen readers)."""
        return "".join(text for text, _ in self.parts(self.content_region.width))
