"""Per-keystroke search latency at 1k/10k/100k synthetic papers: `python -m bench.search_bench`.

Types each query character by character (as the TUI's live filter would) against one index and
reports build time, index size, and p50/p95/max latency per keystroke with the final result count.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time

from bench.synth import make_papers
from readq.search import SearchIndex

QUERIES = [
    "video temporal grounding",
    "!survey",
    "is:starred video",
    "org:nvidia",
    "videollamb recurent",
    "year:>=2025 upvotes:>5 diffusion",
    "text-to-video generation",
    "vllamb",
    "long context | streaming memory",
]


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def run(n: int) -> list[float]:
    t0 = time.perf_counter()
    papers = make_papers(n)
    synth_s = time.perf_counter() - t0
    gc.collect()
    t0 = time.perf_counter()
    index = SearchIndex(papers)
    build_s = time.perf_counter() - t0
    print(f"\n== {n:,} papers: synth {synth_s:.2f}s, build {build_s:.2f}s, "
          f"index ~{index.nbytes() / 1e6:.1f} MB")
    every: list[float] = []
    for q in QUERIES:
        lat: list[float] = []
        total = 0
        for i in range(1, len(q) + 1):
            t = time.perf_counter()
            r = index.search(q[:i])
            lat.append((time.perf_counter() - t) * 1000)
            total = r.total
        every += lat
        print(f"  {q!r:38} keys={len(lat):2d} p50={statistics.median(lat):6.2f} "
              f"p95={_pct(lat, 95):6.2f} max={max(lat):6.2f} ms  results={total}")
    print(f"  ALL keystrokes: n={len(every)} p50={statistics.median(every):.2f} "
          f"p95={_pct(every, 95):.2f} max={max(every):.2f} ms")
    return every


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000]
    for size in sizes:
        run(size)
