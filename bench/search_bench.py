"""Per-keystroke search latency at 1k/10k/100k synthetic papers: `python -m bench.search_bench`.

Builds the index (cold start), saves it and loads it back through `cache.load_or_build` (warm
start), lets the background warm-up finish (what an idle second after start-up gives the TUI), then
types each query character by character (as the TUI's live filter would) against the loaded index.
Reports build/save/load/warm-up times, index size, RSS, and p50/p95/max latency per keystroke with
the final result count; `SLOW` are known-expensive forms (case-sensitive, quoted phrase) reported
separately from the p95 target.
"""

from __future__ import annotations

import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.synth import make_papers
from readq.search import SearchIndex
from readq.search.cache import load_or_build

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
SLOW = ["Video", '"video te"', "Video Temporal"]


def _rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def _type(index: SearchIndex, queries: list[str]) -> list[float]:
    every: list[float] = []
    for q in queries:
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
    return every


def run(n: int) -> list[float]:
    t0 = time.perf_counter()
    papers = make_papers(n)
    synth_s = time.perf_counter() - t0
    gc.collect()
    rss0 = _rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        built = load_or_build(papers, Path(tmp), "bench", warm=False)  # cold: build + save
        cold_s = time.perf_counter() - t0
        build_s = built.build_seconds
        del built
        gc.collect()
        t0 = time.perf_counter()
        index = load_or_build(papers, Path(tmp), "bench", warm=True)  # warm start: load
        load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    index.wait_warm()
    warm_s = time.perf_counter() - t0
    print(f"\n== {n:,} papers: synth {synth_s:.2f}s, build {build_s:.2f}s (+save {cold_s - build_s:.2f}s), "
          f"load {load_s:.3f}s, warm-up {warm_s:.2f}s more, index ~{index.nbytes() / 1e6:.1f} MB, "
          f"RSS papers {rss0:.0f} MB -> papers+index {_rss_mb():.0f} MB")
    every = _type(index, QUERIES)
    print(f"  ALL keystrokes: n={len(every)} p50={statistics.median(every):.2f} "
          f"p95={_pct(every, 95):.2f} max={max(every):.2f} ms")
    print("  slow forms (not in the p95 above):")
    _type(index, SLOW)
    print(f"  RSS after typing: {_rss_mb():.0f} MB")
    return every


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000]
    for size in sizes:
        run(size)
