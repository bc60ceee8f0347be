"""Paper text as tf-idf vectors: the only features the for-you model and "more like this" use.

Features come from the library's own text (title, abstract, authors, organization); nothing is
downloaded. Vectorizing is stateless hashing of word 1-2 grams (scikit-learn's
`HashingVectorizer`), so a paper's counts never depend on the rest of the library and a cache
(`readq.foryou.cache`) only has to vectorize new papers. Each row keeps its `TOP_TERMS` heaviest
tf-idf terms and is L2-normalised, so a dot product is a cosine similarity.

scikit-learn is imported inside the functions: the app's first paint must not pay for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from readq.model import Paper

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

N_FEATURES = 2**18
TITLE_WEIGHT = 2  # a title says more about the topic than a sentence of the abstract
TOP_TERMS = 256  # terms kept per paper: bounds memory and the cache at 100k papers (bench: no loss)


def paper_text(paper: Paper) -> str:
    """The words a paper is judged on: title (weighted), abstract, authors, organization."""
    parts = [paper.title] * TITLE_WEIGHT + [paper.abstract, " ".join(paper.authors), paper.org or ""]
    return "\n".join(parts)


def _vectorizer() -> Any:
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        n_features=N_FEATURES,
        ngram_range=(1, 2),
        stop_words="english",
        alternate_sign=False,
        norm=None,
        dtype="float32",
    )


def count_rows(papers: Sequence[Paper]) -> csr_matrix:
    """Raw hashed 1-2 gram counts, one row per paper (independent of the other papers)."""
    if not papers:  # the vectorizer refuses an empty list
        from scipy.sparse import csr_matrix

        return csr_matrix((0, N_FEATURES), dtype="float32")
    return _vectorizer().transform([paper_text(p) for p in papers]).tocsr()


def doc_freq(counts: csr_matrix) -> Any:
    """How many rows hold each feature (int32 vector over the hashed features)."""
    import numpy as np

    x = counts.tocsr()
    x.sum_duplicates()
    return np.bincount(x.indices, minlength=x.shape[1]).astype(np.int32)


def tfidf(counts: csr_matrix, top: int | None = TOP_TERMS, df: Any = None, n: int | None = None
          ) -> csr_matrix:
    """Sublinear tf times smoothed idf, pruned to each row's `top` heaviest terms (None keeps
    all), each row L2-normalised. `df`/`n` give the idf's corpus (default: these rows)."""
    import numpy as np
    from sklearn.preprocessing import normalize

    x = counts.astype(np.float32, copy=True)
    if x.shape[0] == 0:
        return x
    x.sum_duplicates()
    np.log1p(x.data, out=x.data)
    if df is None:
        df, n = doc_freq(x), x.shape[0]
    idf = (np.log((1.0 + float(n or 0)) / (1.0 + np.asarray(df, dtype=np.float64))) + 1.0).astype(np.float32)
    x.data *= idf[x.indices]
    if top is not None:
        x = prune(x, top)
    return normalize(x, norm="l2", copy=False)


def prune(x: csr_matrix, top: int) -> csr_matrix:
    """Keep the `top` largest entries of each row (vectorised: one sort, no Python loop)."""
    import numpy as np
    from scipy.sparse import csr_matrix as csr

    lengths = np.diff(x.indptr)
    if lengths.max(initial=0) <= top:
        return x
    rows = np.repeat(np.arange(x.shape[0]), lengths)
    order = np.lexsort((-x.data, rows))
    rank = np.arange(len(order)) - x.indptr[rows[order]]
    keep = np.sort(order[rank < top])
    kept_rows = rows[keep]
    indptr = np.zeros(x.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(kept_rows, minlength=x.shape[0]), out=indptr[1:])
    return csr((x.data[keep], x.indices[keep], indptr), shape=x.shape)


@dataclass(frozen=True, slots=True)
class Features:
    """Tf-idf rows for a list of papers: `row[id]` is that paper's row in `matrix`."""

    ids: tuple[str, ...]
    matrix: csr_matrix
    row: dict[str, int]

    @classmethod
    def build(cls, papers: Sequence[Paper], counts: csr_matrix | None = None) -> Features:
        """Vectorize `papers` (or reuse their precomputed `counts`, one row each, same order)."""
        if counts is None:
            counts = count_rows(papers)
        return cls.of([p.id for p in papers], tfidf(counts))

    @classmethod
    def of(cls, ids: Sequence[str], matrix: csr_matrix) -> Features:
        """Wrap ready tf-idf rows (one per id, same order)."""
        ids = tuple(ids)
        return cls(ids=ids, matrix=matrix, row={pid: i for i, pid in enumerate(ids)})

    def similar(self, paper_id: str, k: int = 20) -> list[tuple[str, float]]:
        """The `k` papers closest to `paper_id` by cosine similarity, closest first (itself excluded)."""
        import numpy as np

        i = self.row[paper_id]
        sims = (self.matrix @ self.matrix[i].T).toarray().ravel()
        sims[i] = -1.0
        k = min(k, len(sims) - 1)
        if k <= 0:
            return []
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(self.ids[j], float(sims[j])) for j in top if sims[j] > 0]
