"""The reader's taste as a linear model over tf-idf rows, trained on this library's decisions.

Labels come from triage: to-read, read and starred papers are positive, skipped ones negative;
new papers are undecided and only ranked. A linear model keeps training to a fraction of a second
on thousands of decisions and scoring 100k papers to one sparse matrix-vector product. Which
learner is the default was chosen by `bench/foryou_bench.py` (results in bench/README.md);
the others stay selectable so the benchmark can compare them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from readq.model import Paper, Status

if TYPE_CHECKING:
    import numpy as np

    from readq.foryou.features import Features

MIN_DECISIONS = 5
# Undecided papers join the negatives at a small weight (what arxiv-sanity does at full weight):
# with few decisions they say what "ordinary" looks like; a sample bounds the cost at 100k.
UNDECIDED_WEIGHT = 0.1
UNDECIDED_SAMPLE = 2000
# At most this many decisions of each kind train the model (a seeded sample beyond): training
# time grows with the rows, the ranking barely does (bench/foryou_bench.py --speed).
DECIDED_SAMPLE = 1000
# With few decisions the classifier is unsure: it is regularised harder and averaged with the
# similarity to the kept papers' centroid, whose weight fades out as decisions accumulate.
FEW_DECISIONS = 50
FEW_C = 0.1
CENTROID_WEIGHT = 0.5
KINDS = ("logreg", "svm", "rocchio", "svm-all")
DEFAULT_KIND = "svm"


def label(paper: Paper) -> int | None:
    """1 kept (to-read, read or starred), 0 skipped, None undecided."""
    if paper.starred or paper.status in (Status.TO_READ, Status.READ):
        return 1
    if paper.status is Status.SKIPPED:
        return 0
    return None


def decisions(papers: Iterable[Paper]) -> dict[str, int]:
    """`{paper id: label}` for every decided paper."""
    out: dict[str, int] = {}
    for p in papers:
        y = label(p)
        if y is not None:
            out[p.id] = y
    return out


@dataclass(frozen=True, slots=True)
class TasteModel:
    """A trained linear scorer: `score(matrix)` is higher for papers the reader would keep."""

    kind: str
    coef: Any  # numpy float32 vector over the hashed features
    intercept: float
    positives: int
    negatives: int
    centroid: Any = None  # the kept papers' mean row, mixed in while decisions are few
    centroid_weight: float = 0.0

    def score(self, matrix: Any) -> np.ndarray:
        import numpy as np

        s = np.asarray(matrix @ self.coef, dtype=np.float64).ravel() + self.intercept
        if self.centroid is None or not self.centroid_weight:
            return s
        sim = np.asarray(matrix @ self.centroid, dtype=np.float64).ravel()
        return _z(s) + self.centroid_weight * _z(sim)


def _z(v: np.ndarray) -> np.ndarray:
    return (v - v.mean()) / (v.std() or 1.0)


def enough(labels: Mapping[str, int]) -> bool:
    """Whether the decisions can train a model: MIN_DECISIONS of them, at least one kept."""
    return len(labels) >= MIN_DECISIONS and any(labels.values())


def train(features: Features, labels: Mapping[str, int], kind: str = DEFAULT_KIND,
          c: float | None = None, undecided_weight: float = UNDECIDED_WEIGHT) -> TasteModel | None:
    """Fit `kind` on the labelled rows; None when `enough(labels)` is false.

    Undecided papers count as negatives at `undecided_weight` (a sample of them); `rocchio`
    (also the fallback with neither skips nor undecided papers) is the kept papers' centroid.
    `svm-all` is the arxiv-sanity recipe (kept papers against every other paper, skips unused),
    kept as the benchmark's baseline.
    """
    import numpy as np

    if kind not in KINDS:
        raise ValueError(f"unknown model {kind!r} (choose from {', '.join(KINDS)})")
    rows = [(features.row[pid], y) for pid, y in labels.items() if pid in features.row]
    if not enough({str(r): y for r, y in rows}):
        return None
    idx = np.fromiter((r for r, _ in rows), dtype=np.int64)
    y = np.fromiter((v for _, v in rows), dtype=np.int8)
    pos, neg = int(y.sum()), int(len(y) - y.sum())
    if len(idx) > DECIDED_SAMPLE:
        rng = np.random.default_rng(0)
        keep = np.concatenate([
            members if len(members) <= DECIDED_SAMPLE else rng.choice(members, DECIDED_SAMPLE, replace=False)
            for members in (np.flatnonzero(y == 1), np.flatnonzero(y == 0))])
        idx, y = idx[np.sort(keep)], y[np.sort(keep)]
    x = features.matrix
    kept = idx[y == 1]
    if kind == "svm-all":
        y_all = np.zeros(x.shape[0], dtype=np.int8)
        y_all[idx[y == 1]] = 1
        return _fit_svm(x, y_all, kind, c if c is not None else 0.01, pos, x.shape[0] - pos)
    if kind == "rocchio" or (neg == 0 and undecided_weight <= 0):
        coef = np.asarray(x[idx[y == 1]].mean(axis=0)).ravel()
        if neg and kind == "rocchio":
            coef = coef - 0.5 * np.asarray(x[idx[y == 0]].mean(axis=0)).ravel()
        return TasteModel("rocchio", coef.astype(np.float32), 0.0, pos, neg)
    weight = np.ones(len(y))
    if undecided_weight > 0:
        undecided = np.setdiff1d(np.arange(x.shape[0]), idx)
        if len(undecided) > UNDECIDED_SAMPLE:
            undecided = np.random.default_rng(0).choice(undecided, UNDECIDED_SAMPLE, replace=False)
        idx = np.concatenate([idx, undecided])
        y = np.concatenate([y, np.zeros(len(undecided), dtype=np.int8)])
        weight = np.concatenate([weight, np.full(len(undecided), undecided_weight)])
    # balance the classes by hand (sample weights and class_weight="balanced" do not compose)
    for cls in (0, 1):
        mask = y == cls
        weight[mask] *= len(y) / (2.0 * weight[mask].sum())
    few = pos + neg < FEW_DECISIONS
    if kind == "svm":
        from sklearn.svm import LinearSVC

        clf: Any = LinearSVC(C=c if c is not None else (FEW_C if few else 1.0), max_iter=10_000)
    else:
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(C=c if c is not None else 10.0, max_iter=1000)
    clf.fit(x[idx], y, sample_weight=weight)
    centroid, share = None, 0.0
    if few:
        centroid = np.asarray(x[kept].mean(axis=0), dtype=np.float32).ravel()
        share = CENTROID_WEIGHT * (1.0 - (pos + neg) / FEW_DECISIONS)
    return TasteModel(kind, clf.coef_.ravel().astype(np.float32), float(clf.intercept_[0]), pos, neg,
                      centroid, share)


def _fit_svm(x: Any, y: Any, kind: str, c: float, pos: int, neg: int) -> TasteModel:
    import numpy as np
    from sklearn.svm import LinearSVC

    clf = LinearSVC(C=c, class_weight="balanced", max_iter=10_000, tol=1e-5)
    clf.fit(x, y)
    return TasteModel(kind, clf.coef_.ravel().astype(np.float32), float(clf.intercept_[0]), pos, neg)
