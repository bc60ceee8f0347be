"""How much `readq resolve` asks of the servers: requests and CPU per paper, projected wall time.

Builds two libraries of N synthetic papers (`bench/synth.py` titles): one where every paper was seen
in a dated digest (40 papers a day), one where no digest had a date. A loopback server
(`tests/helpers/fake_api.py`, in its own process so its CPU is not counted) knows every paper and
ranks a near-miss decoy first for every third one; two more runs leave every tenth paper unknown
to the server (each then costs a Hugging Face search and two arXiv queries before "not found"). Each library is resolved with the pacing turned
off, counting requests per server, then the run's request counts are projected onto 10,000 papers
under the providers' published limits: Hugging Face 500 requests per 5-minute window (anonymous),
arXiv one request per 3 seconds.

    python bench/resolve_bench.py                  # 1,000 papers per scenario
    python bench/resolve_bench.py --papers 200 --json out.json
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synth import make_papers  # noqa: E402
from readq.identity.arxiv import ArxivApi  # noqa: E402
from readq.identity.hf import HfPapers  # noqa: E402
from readq.identity.http import Limits  # noqa: E402
from readq.identity.resolve import Resolver, needs_resolving  # noqa: E402
from readq.library import Library  # noqa: E402
from readq.model import Entry, Source  # noqa: E402
from tests.helpers.fake_api import FakeApi, seed_world  # noqa: E402

HF_QUOTA, HF_WINDOW = 500, 300.0  # requests per window (s), anonymous
ARXIV_INTERVAL = 3.0
PER_DAY = 40
PROJECT_TO = 10_000


def build_library(path: Path, n: int, dated: bool) -> Library:
    lib = Library(path)
    start = date(2026, 1, 5)
    entries = []
    for i, paper in enumerate(make_papers(n, seed=12)):
        day = (start + timedelta(days=i // PER_DAY)).isoformat() if dated else None
        entries.append(Entry(title=paper.title, abstract=paper.abstract,
                             source=Source(f"digest-{day or 'undated'}.txt", day)))
    lib.ingest(entries)
    return lib


def start_server(library: Path, unknown_every: int) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "helpers" / "fake_api.py"), "--seed-library", str(library),
         "--unknown-every", str(unknown_every), "--decoy-every", "3"],
        stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    return proc, line.split()[2]


def projected_seconds(hf_per_paper: float, arxiv_per_paper: float, papers: int = PROJECT_TO) -> float:
    """Waits the published limits impose (network latency and CPU come on top): the first HF
    window's quota goes at once, each further quota waits a window; every arXiv request after
    the first waits 3 s. The run is one thread, so the two add up."""
    hf = math.ceil(hf_per_paper * papers)
    arxiv = math.ceil(arxiv_per_paper * papers)
    hf_wait = max(0, math.ceil(hf / HF_QUOTA) - 1) * HF_WINDOW
    arxiv_wait = max(0, arxiv - 1) * ARXIV_INTERVAL
    return hf_wait + arxiv_wait


def scenario(workdir: Path, n: int, dated: bool, unknown_every: int = 0) -> dict[str, float | int | str]:
    name = ("dated" if dated else "undated") + (f"-{100 // unknown_every}%unknown" if unknown_every else "")
    lib = build_library(workdir / name, n, dated)
    proc, url = start_server(lib.path, unknown_every)
    try:
        unpaced = Limits(timeout=30, min_interval=0.0, window_quota=None)
        hf = HfPapers(url, limits=unpaced, token="")
        arxiv = ArxivApi(url + "/api/query", limits=unpaced)
        papers = needs_resolving(lib.papers())
        wall0, cpu0 = time.perf_counter(), time.process_time()
        report = Resolver(lib, hf, arxiv).run(papers)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    finally:
        proc.terminate()
        proc.wait()
    truth = seed_world(FakeApi(), lib.papers(), unknown_every=unknown_every, decoy_every=3)  # what the server knows
    after = Library(lib.path).papers()
    wrong = sum(1 for p in after if p.arxiv_id and truth.get(p.id) != p.arxiv_id)
    count = len(papers)
    hf_pp, ax_pp = hf.transport.requests / count, arxiv.transport.requests / count
    return {
        "scenario": name,
        "papers": count,
        "resolved": len(report.resolved),
        "wrong_ids": wrong,
        "ambiguous": len(report.ambiguous),
        "not_found": len(report.not_found),
        "failed": len(report.failed),
        "hf_requests": hf.transport.requests,
        "arxiv_requests": arxiv.transport.requests,
        "requests_per_paper": round(hf_pp + ax_pp, 4),
        "cpu_ms_per_paper": round(cpu / count * 1000, 3),
        "loopback_wall_s": round(wall, 2),
        "projected_10k_s": round(projected_seconds(hf_pp, ax_pp)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for dated, unknown_every in ((True, 0), (False, 0), (True, 10), (False, 10)):
            rows.append(scenario(Path(tmp), args.papers, dated, unknown_every))
    print(f"{'scenario':<20} {'papers':>6} {'resolved':>8} {'wrong':>5} {'req/paper':>9} {'HF':>6} {'arXiv':>6} "
          f"{'CPU ms/paper':>12} {'loopback s':>10} {'10k projected':>14}")
    for r in rows:
        hours = float(r["projected_10k_s"]) / 3600
        print(f"{r['scenario']:<20} {r['papers']:>6} {r['resolved']:>8} {r['wrong_ids']:>5} {r['requests_per_paper']:>9} "
              f"{r['hf_requests']:>6} {r['arxiv_requests']:>6} {r['cpu_ms_per_paper']:>12} "
              f"{r['loopback_wall_s']:>10} {r['projected_10k_s']:>8} s ({hours:.1f} h)")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
