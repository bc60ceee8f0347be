"""What the list shows, computed without Textual: queues, sort orders and the view builder.

`build_view` runs in a thread worker (it touches every paper at 100k), so it is a plain function
over immutable `Paper` records and returns a new list of indices; the UI thread only swaps it in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from readq.model import Paper, Status
from readq.selection import SORT_KEYS, Selection

STATUS_GLYPHS = {
    Status.NEW: "•",
    Status.TO_READ: "»",
    Status.READ: "✓",
    Status.SKIPPED: "×",
}
STAR_GLYPH = "★"

# (queue id, label) for the fixed queues; digest queues are "digest:<file>".
FIXED_QUEUES: tuple[tuple[str, str], ...] = (
    ("all", "All"),
    ("new", "New"),
    ("to-read", "To read"),
    ("read", "Read"),
    ("skipped", "Skipped"),
    ("starred", "Starred"),
)
DIGEST_PREFIX = "digest:"

SORTS: tuple[str, ...] = ("relevance", "date", "upvotes", "title", "seen", "for-you")
SORT_LABELS = {
    "relevance": "relevance",
    "date": "date",
    "upvotes": "upvotes",
    "title": "title",
    "seen": "times seen",
    "for-you": "for you",
}
TAG_PREFIX = "tag:"


def queue_predicate(queue: str, papers: Sequence[Paper] = ()) -> Callable[[Paper], bool] | None:
    """A test for membership of `queue` (a sidebar queue id), or None for "all".

    The queue's words mean what they mean everywhere (`readq.selection.Selection.for_queue`);
    `papers` supply the digest names a digest queue is matched against."""
    sel = Selection.for_queue(queue)
    names = {s.file for p in papers for s in p.sources} if sel.digest else ()
    return sel.predicate(names)


def default_descending(sort: str) -> bool:
    """Dates, upvotes and sightings read best biggest first; titles A to Z."""
    return sort in ("date", "upvotes", "seen")


@dataclass(frozen=True, slots=True)
class ViewSpec:
    """Everything that decides which rows the list shows, and in what order."""

    filter_text: str = ""
    queue: str = "all"
    sort: str = "relevance"
    reverse: bool = False
    # for the "for-you" sort: each paper's rank, indexed like `papers` (None: not ranked yet)
    ranks: Sequence[int] | None = field(default=None, compare=False)


def build_view(
    papers: Sequence[Paper],
    ranked: Sequence[int],
    spec: ViewSpec,
    cancel: Callable[[], bool] | None = None,
) -> Sequence[int] | None:
    """Filter the ranked indices by queue, then sort; None when cancelled part-way.

    The result is a list, or the search's own numpy array when there is nothing to filter or
    re-sort (callers only index it, iterate it and take its length)."""
    pred = queue_predicate(spec.queue, papers)
    if pred is None and spec.sort == "relevance" and not spec.reverse and hasattr(ranked, "tolist"):
        return ranked  # type: ignore[return-value]  # the search's numpy order as is (~1-2 ms saved at 100k)
    ranked = ranked.tolist() if hasattr(ranked, "tolist") else list(ranked)  # numpy -> ints
    order = ranked if pred is None else [i for i in ranked if pred(papers[i])]
    if cancel is not None and cancel():
        return None
    if spec.sort == "for-you":
        if spec.ranks is not None:
            order.sort(key=spec.ranks.__getitem__)
    elif spec.sort != "relevance":
        key = SORT_KEYS[spec.sort]
        # sorted() is stable: equal keys keep their relevance (or newest-first) order.
        order.sort(key=lambda i: key(papers[i]), reverse=default_descending(spec.sort))
    if spec.reverse:
        order.reverse()
    return order


def digest_counts(papers: Sequence[Paper]) -> list[tuple[str, str | None, int]]:
    """(file, latest digest date, papers) per digest, newest digest first."""
    counts: Counter[str] = Counter()
    dates: dict[str, str | None] = {}
    for paper in papers:
        for source in paper.sources:
            counts[source.file] += 1
            known = dates.get(source.file)
            if source.digest_date and (known is None or source.digest_date > known):
                dates[source.file] = source.digest_date
            else:
                dates.setdefault(source.file, known)
    return sorted(
        ((f, dates.get(f), n) for f, n in counts.items()),
        key=lambda t: (t[1] or "", t[0]),
        reverse=True,
    )
