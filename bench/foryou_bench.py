"""For-you quality on the seed papers: `python -m bench.foryou_bench [--kinds] [--splits N]`.

Simulated readers, each interested in one topic (a regex over title and abstract): on a random
60% of the seed papers (sample_digests/) a reader marks the topic's papers to-read (one in five
also starred) and skips the rest; the other 40% stay new. Precision@20 over those new papers is
reported for the for-you order and three baselines: newest first, most upvoted, and the
arxiv-sanity recipe (tf-idf over title+abstract+authors, 1-2 grams, 20k features, sublinear tf;
LinearSVC C=0.01 with balanced classes; the kept papers against every other paper, skips
unused). The target is 3x the topic's base rate among the new papers and above every baseline.
Cold start: the reader has made only 5 decisions (2 kept, 3 skipped) and everything else is new.
Each number is a mean over `--splits` random splits. `--kinds` also compares the candidate
learners (readq/foryou/model.py) bare (without the blend), as used to choose them.

`--speed N` times the for-you pass on a synthetic library of N papers (bench/synth.py, imported
as a digest; its statuses give ~30% decided papers): `readq list --sort for-you` as a whole
process with no feature cache and with it, and the background retrain the app runs after a change
(in-process, cache warm, after marking 10 papers).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from readq.foryou import rank
from readq.foryou.blend import blend
from readq.foryou.features import Features
from readq.foryou.model import KINDS, UNDECIDED_WEIGHT, decisions, train
from readq.ingest import import_paths
from readq.model import Paper, Status
from readq.store import Library

SAMPLES = Path(__file__).resolve().parent.parent / "sample_digests"
K = 20
# A topic is a regex over title and abstract; "title:" matches titles only (video understanding
# is mentioned in a third of all abstracts: 3x that base rate would exceed 100%).
TOPICS = {
    "video generation": r"video generation|text-to-video|video diffusion",
    "video understanding": r"title:video understanding|video question|videoqa|video[- ]LLM|video large language",
    "long video": r"long video|long-form|hour-long",
    "3D / 4D": r"\b3D\b|\b4D\b|gaussian splat|novel view",
    "audio and speech": r"speech|audio|music|sound",
    "retrieval": r"retrieval|\bRAG\b",
    "temporal grounding": r"temporal grounding|moment retrieval|temporal localization|highlight detection",
    "efficiency": r"token (pruning|compression|merging|reduction)|quantiz|KV[- ]cache|sparse attention",
}

Ranker = Callable[[list[Paper]], list[str]]


def seed_papers() -> list[Paper]:
    """The seed digests imported into a throwaway library, newest first."""
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(Path(tmp) / "lib", durable=False)
        import_paths(lib, [str(SAMPLES)])
        return lib.papers()


def topic_test(pattern: str) -> Callable[[Paper], bool]:
    title_only = pattern.startswith("title:")
    rx = re.compile(pattern.removeprefix("title:"), re.IGNORECASE)
    if title_only:
        return lambda p: bool(rx.search(p.title))
    return lambda p: bool(rx.search(p.title) or rx.search(p.abstract))


# ---------------------------------------------------------------- rankers (best first)


def newest(papers: list[Paper]) -> list[str]:
    return [p.id for p in papers]  # the library's own order is newest first


def most_upvoted(papers: list[Paper]) -> list[str]:
    return [p.id for p in sorted(papers, key=lambda p: -1 if p.upvotes is None else p.upvotes,
                                 reverse=True)]


def arxiv_sanity(papers: list[Paper]) -> list[str]:
    """tf-idf + LinearSVC over kept vs everything else, as arxiv-sanity-lite does."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    texts = [f"{p.title} {p.abstract} {' '.join(p.authors)}" for p in papers]
    x = TfidfVectorizer(ngram_range=(1, 2), max_features=20000, sublinear_tf=True,
                        stop_words="english", strip_accents="unicode").fit_transform(texts)
    y = np.array([1 if decisions([p]).get(p.id) == 1 else 0 for p in papers])
    if y.sum() == 0:
        return newest(papers)
    clf = LinearSVC(C=0.01, class_weight="balanced", max_iter=10_000, tol=1e-6).fit(x, y)
    order = np.argsort(-clf.decision_function(x), kind="stable")
    return [papers[i].id for i in order]


_FEATURES: dict[tuple[str, ...], Features] = {}


def features_of(papers: list[Paper]) -> Features:
    """The papers' rows, built once per paper set (a decision does not change the text)."""
    key = tuple(p.id for p in papers)
    if key not in _FEATURES:
        _FEATURES[key] = Features.build(papers)
    return _FEATURES[key]


def for_you(papers: list[Paper]) -> list[str]:
    return list(rank(papers, features=features_of(papers)).order)


def variant(kind: str, blended: bool, undecided: float = UNDECIDED_WEIGHT) -> Ranker:
    def ranker(papers: list[Paper]) -> list[str]:
        import numpy as np

        features = features_of(papers)
        model = train(features, decisions(papers), kind, undecided_weight=undecided)
        scores = model.score(features.matrix) if model else None
        if blended:
            scores = blend(papers, scores)
        elif scores is None:
            return newest(papers)
        return [papers[i].id for i in np.argsort(-np.asarray(scores), kind="stable")]
    return ranker


# ---------------------------------------------------------------- simulation


def simulate(papers: list[Paper], in_topic: Callable[[Paper], bool], seed: int, cold: bool
             ) -> tuple[list[Paper], set[str], set[str]]:
    """(papers with the reader's decisions, ids left new, ids in topic)."""
    rng = random.Random(seed)
    ids = [p.id for p in papers]
    rng.shuffle(ids)
    topic = {p.id for p in papers if in_topic(p)}
    train_ids = ids[: int(len(ids) * 0.6)]
    if cold:
        kept = [i for i in train_ids if i in topic][:2]
        skipped = [i for i in train_ids if i not in topic][:3]
        train_ids = kept + skipped
    decided = set(train_ids)
    out = []
    for p in papers:
        if p.id in decided:
            keep = p.id in topic
            p = replace(p, status=Status.TO_READ if keep else Status.SKIPPED,
                        starred=keep and rng.random() < 0.2)
        else:
            p = replace(p, status=Status.NEW, starred=False)
        out.append(p)
    return out, set(ids) - decided, topic


def precision(order: Sequence[str], new: set[str], topic: set[str]) -> float:
    top = [pid for pid in order if pid in new][:K]
    return sum(pid in topic for pid in top) / K


def run(rankers: dict[str, Ranker], splits: int, cold: bool) -> list[dict[str, float]]:
    papers = seed_papers()
    rows = []
    for name, pattern in TOPICS.items():
        test = topic_test(pattern)
        got: dict[str, list[float]] = {r: [] for r in rankers}
        base: list[float] = []
        for seed in range(splits):
            decided, new, topic = simulate(papers, test, seed, cold)
            base.append(len(new & topic) / len(new))
            for r, fn in rankers.items():
                got[r].append(precision(fn(decided), new, topic))
        rows.append({"topic": name, "base": statistics.mean(base),  # type: ignore[dict-item]
                     **{r: statistics.mean(v) for r, v in got.items()}})
    return rows


def show(title: str, rows: list[dict[str, float]], rankers: Sequence[str]) -> list[str]:
    """Print the table; returns the readers for which for-you misses a target."""
    print(f"\n{title}: precision@{K} over the papers left new (mean of splits)")
    print(f"{'reader topic':22} {'base':>5} {'3x':>5} " + " ".join(f"{r:>13}" for r in rankers)
          + "  target")
    misses = []
    for row in rows:
        cells = " ".join(f"{row[r]:13.2f}" for r in rankers)
        target = 3 * row["base"]
        verdict = ""
        fy = row.get("for-you")
        if fy is not None:
            lost = [r for r in ("newest", "upvotes", "arxiv-sanity") if r in row and fy <= row[r]]
            verdict = "ok" if fy >= min(target, 1.0) else "below 3x"
            if lost:
                verdict += f"; not above {', '.join(lost)}"
            if verdict != "ok":
                misses.append(f"{title.split(' (')[0].lower()}/{row['topic']}: {verdict}")
        print(f"{row['topic']:22} {row['base']:5.2f} {target:5.2f} {cells}  {verdict}")
    return misses


def speed(n: int, workdir: Path) -> None:
    """Whole-process `list --sort for-you` (cold and warm cache) and the in-process retrain."""
    import os
    import shutil
    import subprocess

    from bench.inputs import render_digest
    from bench.synth import make_papers
    from readq.foryou import rank_library

    lib_path = workdir / f"foryou-{n}"
    if not (lib_path / "papers.json").exists():
        t0 = time.perf_counter()
        papers = make_papers(n, seed=0)
        digest = workdir / f"foryou-{n}.txt"
        digest.write_text(render_digest(papers), encoding="utf-8")
        lib = Library(lib_path)
        import_paths(lib, [str(digest)])
        by_title = {p.title: p for p in papers}
        for status in (Status.TO_READ, Status.READ, Status.SKIPPED):
            ids = [p.id for p in lib.papers() if by_title.get(p.title, p).status is status]
            lib.set_status(ids, status)
        print(f"library of {n} built in {time.perf_counter() - t0:.0f} s", flush=True)
    env = dict(os.environ, READQ_LIBRARY=str(lib_path))
    cmd = [sys.executable, "-m", "readq", "list", "--sort", "for-you", "-n", "20"]

    def whole() -> float:
        t0 = time.perf_counter()
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
        dt = time.perf_counter() - t0
        print(f"    {out.stderr.strip()}")
        return dt

    shutil.rmtree(lib_path / "cache", ignore_errors=True)
    cold = whole()
    warm = [whole() for _ in range(3)]
    print(f"readq list --sort for-you -n 20 at {n:,}: no cache {cold:.1f} s; "
          f"cache warm {statistics.median(warm):.1f} s (median of 3)")
    lib = Library(lib_path).load()
    new = [p.id for p in lib.papers() if p.status is Status.NEW][:10]
    lib.set_status(new, Status.TO_READ)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        ranking = rank_library(lib)
        times.append(time.perf_counter() - t0)
    lib.set_status(new, Status.NEW)
    print(f"background retrain at {n:,} (features from cache, train, score, blend): "
          f"{statistics.median(times):.1f} s median of 3 ({ranking.message})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--splits", type=int, default=5)
    ap.add_argument("--kinds", action="store_true", help="also compare candidate learners")
    ap.add_argument("--speed", type=int, default=None, metavar="N", help="time the pass at N papers")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "readq-foryou-bench")
    args = ap.parse_args(argv)
    if args.speed:
        args.workdir.mkdir(parents=True, exist_ok=True)
        speed(args.speed, args.workdir)
        return 0
    rankers: dict[str, Ranker] = {"for-you": for_you, "newest": newest, "upvotes": most_upvoted,
                                  "arxiv-sanity": arxiv_sanity}
    if args.kinds:
        for kind in KINDS:
            rankers[kind] = variant(kind, blended=False)
        rankers["logreg-skips"] = variant("logreg", blended=False, undecided=0.0)
        rankers["svm-skips"] = variant("svm", blended=False, undecided=0.0)
    t0 = time.perf_counter()
    misses = show("Warm (60% decided)", run(rankers, args.splits, cold=False), list(rankers))
    misses += show("Cold start (5 decisions)", run(rankers, args.splits, cold=True), list(rankers))
    print(f"\n{'FAIL' if misses else 'PASS'}: for-you >= 3x base rate and above every baseline "
          f"for every reader ({time.perf_counter() - t0:.0f} s)")
    for miss in misses:
        print(f"  {miss}")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
