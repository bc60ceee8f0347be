"""The "for you" order: a model of this reader's taste learned from their own triage.

`rank(papers)` returns a `Ranking` (order, scores, the one-line description, explanations and
"more like this"). No Textual here; numpy, scipy and scikit-learn load on first use only.
"""

from __future__ import annotations

from readq.foryou.rank import Ranking, rank, rank_library

__all__ = ["Ranking", "rank", "rank_library"]
