"""Why a paper ranks where it does: the kept papers most like it, and "more like this"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from readq.foryou.features import Features

MIN_SIMILARITY = 0.05


def pushed_up_by(features: Features, labels: Mapping[str, int], paper_id: str, k: int = 3
                 ) -> list[tuple[str, float]]:
    """The `k` kept (positive) decided papers closest to `paper_id`, with their cosine similarity.

    A linear model over tf-idf scores a paper by its overlap with what the reader kept, so the
    kept papers sharing the most weighted words are the ones that pushed it up.
    """
    import numpy as np

    if paper_id not in features.row:
        return []
    kept = [features.row[pid] for pid, y in labels.items()
            if y == 1 and pid != paper_id and pid in features.row]
    if not kept:
        return []
    rows = np.asarray(kept, dtype=np.int64)
    sims = (features.matrix[rows] @ features.matrix[features.row[paper_id]].T).toarray().ravel()
    top = np.argsort(-sims, kind="stable")[:k]
    return [(features.ids[rows[j]], float(sims[j])) for j in top if sims[j] >= MIN_SIMILARITY]
