"""Resizing a Line-API `ScrollView`'s scrollable area without a layout pass of the whole screen."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Give `view` a new virtual size, updating only its scrollbars.

    `virtual_size` is a layout reactive: assigning it makes the next frame re-arrange and repaint
    the whole screen (several times the cost of repainting the list alone), on every keystroke of
    the filter. A Line-API view's own geometry does not depend on its content
    size, so only its scrollbars need updating; Textual still lays out when a scrollbar appears or
    disappears (`show_vertical_scrollbar` is a layout reactive).
    """
    if size == view.virtual_size:
        return
    scroll_update = getattr(view, "_scroll_update", None)
    if scroll_update is None or not view.is_mounted:  # another Textual, or not yet mounted
        view.virtual_size = size
        return
    view.set_reactive(ScrollView.virtual_size, size)
    scroll_update(size)
