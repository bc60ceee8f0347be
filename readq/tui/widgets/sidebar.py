"""The sidebar: queues (statuses, starred, tags, digests) with live counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from readq.model import Paper
from readq.tui.view import DIGEST_PREFIX, FIXED_QUEUES, TAG_PREFIX

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


def tag_counts(papers: Iterable[Paper]) -> list[tuple[str, int]]:
    """(tag, papers) for every tag in use, most used first, then A to Z."""
    counts: Counter[str] = Counter()
    for paper in papers:
        if paper.tags:
            counts.update(paper.tags)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))


class Sidebar(OptionList):
    """Queues to pick from; moving the highlight switches the queue at once."""

    DEFAULT_CSS = """
    Sidebar { width: 22; border: none; border-right: tall $panel; padding: 0; scrollbar-size-vertical: 1; }
    """

    class QueueChanged(Message):
        """The user picked another queue (`all`, a status, `starred`, `tag:<name>` or `digest:<file>`)."""

        def __init__(self, queue: str, label: str) -> None:
            super().__init__()
            self.queue = queue
            self.label = label

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(*[Option(_prompt(label, None), id=q) for q, label in FIXED_QUEUES], id=id)
        self._labels = dict(FIXED_QUEUES)
        self._digests: list[str] = []
        self._tags: list[str] = []

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

    def set_tags(self, tags: Sequence[tuple[str, int]]) -> None:
        """Rebuild the tag queues (tag, count), shown between the fixed queues and the digests."""
        ids = [TAG_PREFIX + t for t, _ in tags]
        if ids == self._tags:
            for (tag, count), qid in zip(tags, ids):
                self.replace_option_prompt(qid, _prompt(f"#{tag}", count))
            return
        highlighted = self.highlighted
        current = self.get_option_at_index(highlighted).id if highlighted is not None else None
        digests = [(self.get_option(qid).prompt, qid) for qid in self._digests]
        while self.option_count > len(FIXED_QUEUES):  # tags and digests follow the fixed queues
            self.remove_option_at_index(self.option_count - 1)
        self._tags = ids
        options: list[Option | None] = []
        if tags:
            options.append(None)
            for (tag, count), qid in zip(tags, ids):
                self._labels[qid] = f"tag {tag}"
                options.append(Option(_prompt(f"#{tag}", count), id=qid))
        if digests:
            options.append(None)
            options += [Option(prompt, id=qid) for prompt, qid in digests]
        self.add_options(options)
        if current is not None and current in (*ids, *self._digests, *dict(FIXED_QUEUES)):
            self.highlighted = self.get_option_index(current)
        elif highlighted is not None:
            self.highlighted = min(highlighted, self.option_count - 1)

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
