"""`rank(papers)`: the whole for-you pass (features, training, blend) as one call for a worker.

It is pure and synchronous; the TUI runs it in a thread worker after each change and the CLI
calls it directly. Heavy libraries (numpy, scipy, scikit-learn) load on the first call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from readq.foryou.explain import pushed_up_by
from readq.foryou.features import Features
from readq.foryou.model import DEFAULT_KIND, MIN_DECISIONS, TasteModel, decisions, train
from readq.model import Paper

if TYPE_CHECKING:
    from readq.store import Library


@dataclass(frozen=True, slots=True)
class Ranking:
    """The for-you order of a set of papers and what produced it."""

    order: tuple[str, ...]          # paper ids, best first
    scores: dict[str, float]
    model: TasteModel | None        # None: too few decisions, `order` is the fallback
    message: str                    # one line saying which order this is
    features: Features
    labels: dict[str, int]

    def position(self) -> dict[str, int]:
        """`{paper id: rank}` (0 = best), for sorting a list by this order."""
        return {pid: i for i, pid in enumerate(self.order)}

    def explain(self, paper_id: str, k: int = 3) -> list[tuple[str, float]]:
        """The kept papers that pushed `paper_id` up (empty without a model)."""
        if self.model is None:
            return []
        return pushed_up_by(self.features, self.labels, paper_id, k)

    def sort(self, papers: Sequence[Paper]) -> list[Paper]:
        """`papers` in this order (papers it did not rank go last, in their order)."""
        pos = self.position()
        end = len(pos)
        return sorted(papers, key=lambda p: pos.get(p.id, end))

    def similar(self, paper_id: str, k: int = 20) -> list[tuple[str, float]]:
        """The papers whose text is closest to `paper_id`'s."""
        return self.features.similar(paper_id, k) if paper_id in self.features.row else []


def describe(model: TasteModel | None, labels: dict[str, int]) -> str:
    """The one line the CLI and the app show above a for-you list."""
    if model is None:
        kept = sum(labels.values())
        return (f"For you needs {MIN_DECISIONS} decisions with at least one kept paper "
                f"(has {len(labels)}, {kept} kept): showing newest, most upvoted and most seen first")
    return (f"For you: learned from {model.positives + model.negatives} decisions "
            f"({model.positives} kept, {model.negatives} skipped)")


def rank(papers: Sequence[Paper], *, kind: str = DEFAULT_KIND, features: Features | None = None,
         cache_dir: Path | None = None) -> Ranking:
    """Rank `papers` for this reader. `features`: their rows, ready; else built, reusing the
    on-disk cache in `cache_dir` when given."""
    import numpy as np

    from readq.foryou.blend import blend
    from readq.foryou.cache import load_model, load_or_build, model_key, save_model

    papers = list(papers)
    if features is None:
        features = load_or_build(papers, cache_dir)
    labels = decisions(papers)
    key = model_key(labels, kind)
    model = load_model(cache_dir, key)
    if model is None:
        model = train(features, labels, kind)
        if model is not None:
            save_model(cache_dir, key, model)
    model_scores = model.score(features.matrix) if model is not None else None
    score = blend(papers, model_scores)
    order = np.argsort(-score, kind="stable")
    ids = tuple(papers[i].id for i in order)
    return Ranking(order=ids, scores={p.id: float(s) for p, s in zip(papers, score)}, model=model,
                   message=describe(model, labels), features=features, labels=labels)



def rank_library(library: Library, *, kind: str = DEFAULT_KIND) -> Ranking:
    """Rank every paper of `library`, with its feature cache (the CLI's and the app's entry)."""
    cache = library.cache_dir if library.exists() else None  # reading never creates a library
    return rank(library.papers(), kind=kind, cache_dir=cache)


def library_ranker(library: Library, report: Callable[[str], None]
                   ) -> Callable[[list[Paper]], list[Paper]]:
    """A `Library.select(rank=...)` callback: rank the whole library, report its one-line
    description, and return the selected papers in that order."""

    def order(papers: list[Paper]) -> list[Paper]:
        ranking = rank_library(library)
        report(ranking.message)
        return ranking.sort(papers)

    return order
