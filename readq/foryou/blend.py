"""The for-you score: the taste model's verdict blended with freshness, upvotes and sightings.

The model's scores are standardised (z-scores: the few papers it is sure of stand well apart);
freshness, upvotes and sightings are 0..1 ranks among the papers ranked, weighted lightly, so they
break near-ties and order the list when there is no model yet (newest, most upvoted, most seen
first). The weights were chosen with bench/foryou_bench.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from readq.model import Paper

if TYPE_CHECKING:
    import numpy as np

W_MODEL = 1.0
W_FRESH = 0.05
W_UPVOTES = 0.05
W_SEEN = 0.05


def _percentile(values: Any) -> np.ndarray:
    """Each value's rank among the distinct values, in 0..1 (equal values share a rank)."""
    import numpy as np

    v = np.asarray(values, dtype=np.float64)
    distinct, inverse = np.unique(v, return_inverse=True)
    return inverse / max(len(distinct) - 1, 1)


def signals(papers: Sequence[Paper]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(freshness, upvotes, sightings) percentiles; an unknown date or upvote count ranks lowest."""
    import numpy as np

    dates = [p.date or "" for p in papers]
    order = {d: i for i, d in enumerate(sorted(set(dates)))}
    fresh = _percentile([order[d] if d else -1 for d in dates])
    upvotes = _percentile([-1 if p.upvotes is None else p.upvotes for p in papers])
    seen = np.minimum(np.fromiter((len(p.sources) for p in papers), dtype=np.float64,
                                  count=len(papers)) - 1.0, 3.0).clip(0.0) / 3.0
    return fresh, upvotes, seen


def blend(papers: Sequence[Paper], model_scores: Any | None,
          weights: tuple[float, float, float, float] = (W_MODEL, W_FRESH, W_UPVOTES, W_SEEN)
          ) -> np.ndarray:
    """One score per paper, higher first; `model_scores` None gives the no-model order."""
    import numpy as np

    w_model, w_fresh, w_up, w_seen = weights
    fresh, upvotes, seen = signals(papers)
    score = w_fresh * fresh + w_up * upvotes + w_seen * seen
    if model_scores is not None:
        m = np.asarray(model_scores, dtype=np.float64)
        score = score + w_model * (m - m.mean()) / (m.std() or 1.0)
    return np.asarray(score)
