"""The sidebar: queues (statuses, starred, digests) with live counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from readq.tui.view import DIGEST_PREFIX, FIXED_QUEUES

LABEL_W = 12


def _prompt(label: str, count: int | None, width: int = LABEL_W) -> Text:
    shown = label if len(label) <= width else label[: width - 1] + "…"
    text = Text(shown.ljust(width))
    text.append(f"{count:>6}" if count is not None else " " * 6, "dim")
    return text


def digest_label(file: str, date: str | None) -> str:
    """A digest queue's label: its date when known (files are often hashes), else the file stem."""
    stem = file.rsplit("/", 1)[-1].removesuffix(".txt")
    return date if date else stem


class Sidebar(OptionList):
    """Queues to pick from; moving the highlight switches the queue at once."""

    DEFAULT_CSS = """
    Sidebar { width: 22; border: none; border-right: tall $panel; padding: 0; scrollbar-size-vertical: 1; }
    """

    class QueueChanged(Message):
        """The user picked another queue (`all`, a status, `starred` or `digest:<file>`)."""

        def __init__(self, queue: str, label: str) -> None:
            super().__init__()
            self.queue = queue
            self.label = label

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(*[Option(_prompt(label, None), id=q) for q, label in FIXED_QUEUES], id=id)
        self._labels = dict(FIXED_QUEUES)
        self._digests: list[str] = []

    def set_counts(self, counts: Mapping[str, int]) -> None:
        """Update the status/starred counts (cheap: six prompts)."""
        for queue, label in FIXED_QUEUES:
            self.replace_option_prompt(queue, _prompt(label, counts.get(queue, 0)))

    def set_digests(self, digests: Sequence[tuple[str, str | None, int]]) -> None:
        """Rebuild the digest queues: (file, date, count), newest first."""
        ids = [DIGEST_PREFIX + f for f, _, _ in digests]
        if ids == self._digests:
            for (file, date, count), qid in zip(digests, ids):
                self.replace_option_prompt(qid, _prompt(digest_label(file, date), count))
            return
        highlighted = self.highlighted
        for qid in self._digests:
            self.remove_option(qid)
        self._digests = ids
        if digests and self.option_count == len(FIXED_QUEUES):
            self.add_option(None)
        options = []
        for (file, date, count), qid in zip(digests, ids):
            label = digest_label(file, date)
            self._labels[qid] = f"digest {label}"
            options.append(Option(_prompt(label, count), id=qid))
        self.add_options(options)
        if highlighted is not None and highlighted < self.option_count:
            self.highlighted = highlighted

    def label_for(self, queue: str) -> str:
        return self._labels.get(queue, queue)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        queue = event.option.id or "all"
        self.post_message(self.QueueChanged(queue, self.label_for(queue)))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        queue = event.option.id or "all"
        self.post_message(self.QueueChanged(queue, self.label_for(queue)))
