#!/usr/bin/env python
"""readq benchmarks: import, query, mark, TUI start/filter/mark, memory; and peers on the same work.

    python bench/run.py --papers 1000,10000,100000 --json bench/results/full.json
    python bench/run.py --quick --skip-peers          # a couple of minutes
    options: --repeat N (default 5) · --quick · --skip-peers · --workdir DIR · --peer-timeout S

Every figure is a median over repeated runs (p95 too where it is a latency); whole-process figures
are wall-clock times of a fresh process, readq and its peer alternating in the same loop so a noisy
machine hits both alike. See bench/README.md for what each figure means and the latest results.

This file runs the sizes in turn and reports; the figures are measured by the `bench/measure_*.py`
modules, in the order below (the JSON keeps it).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.figures import Figures, Repeats  # noqa: E402
from bench.inputs import Inputs  # noqa: E402
from bench.measure_cli import measure_cli_list, measure_cli_mark, measure_cli_query  # noqa: E402
from bench.measure_import import measure_import  # noqa: E402
from bench.measure_mark import measure_mark, run_worker  # noqa: E402
from bench.measure_tui import measure_cobib_tui, measure_tui  # noqa: E402
from bench.peers.tools import Peers, prepare_peers  # noqa: E402
from bench.procs import log  # noqa: E402
from bench.report import add_ratios, evaluate, table, write_json  # noqa: E402


def bench_size(n: int, args: argparse.Namespace, peers: Peers) -> dict[str, Any]:
    """Every figure at one size: import (which makes the library the rest use), the peers' setup,
    the CLI, in-process mark, the TUI, coBib's TUI, then the readq/peer ratios."""
    inp = Inputs(args.workdir, n)
    reps = Repeats.at(n, args.repeat)
    fig = Figures(n)
    ids = measure_import(inp, reps, fig)
    setup = prepare_peers(n, inp, peers, args, fig)
    measure_cli_query(inp, reps, peers, setup, fig)
    measure_cli_list(inp, reps, peers, setup, fig)
    measure_cli_mark(inp, reps, peers, setup, fig, ids)
    measure_mark(inp, args, peers, fig)
    measure_tui(inp, reps, args, fig)
    measure_cobib_tui(reps, peers, setup, fig)
    add_ratios(fig)
    return fig.as_json()


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--papers", default=None, help="comma-separated sizes (default 1000,10000,100000; --quick: 1000,10000)")
    ap.add_argument("--json", type=Path, default=None, help="write all results here")
    ap.add_argument("--repeat", type=int, default=None, help="runs per figure (default 5, --quick 2); whole-process "
                    "figures at >= 50k papers use at most 3")
    ap.add_argument("--quick", action="store_true", help="fewer runs and sizes, a couple of minutes")
    ap.add_argument("--skip-peers", action="store_true", help="readq only (no fzf/coBib/papis/TinyDB)")
    ap.add_argument("--workdir", type=Path, default=None, help="generated inputs and libraries (default: a temp dir)")
    ap.add_argument("--peer-timeout", type=float, default=600.0, help="seconds before a peer command is abandoned")
    ap.add_argument("--papis-max", type=int, default=1_000, help="papis only up to this size (its first run, "
                    "which builds its cache from one folder per paper, took 52 s at 1,000 papers here)")
    ap.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    return ap.parse_args()


def main() -> None:
    args = parse_args()
    if args.worker:
        run_worker(args.worker)
        return

    sizes = [int(s.replace("_", "")) for s in (args.papers or ("1000,10000" if args.quick else "1000,10000,100000")).split(",")]
    args.repeat = max(1, args.repeat or (2 if args.quick else 5))
    args.mark_ops = 50 if args.quick else 200
    args.tui_marks = 8 if args.quick else 20
    args.tinydb_budget = 10.0 if args.quick else 30.0
    own_tmp = args.workdir is None
    args.workdir = Path(args.workdir or tempfile.mkdtemp(prefix="readq-bench-")).resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    log(f"sizes {sizes}, repeat {args.repeat}, workdir {args.workdir}")
    peers = Peers(args.workdir, args.skip_peers, args.peer_timeout)
    results: dict[str, dict] = {}
    started = time.perf_counter()
    try:
        for n in sizes:
            results[str(n)] = bench_size(n, args, peers)
            if args.json:  # keep partial results if a later size fails
                write_json(args.json, sizes, args, peers.notes, results, started)
    finally:
        if own_tmp:
            shutil.rmtree(args.workdir, ignore_errors=True)
    targets = evaluate(results)
    print(table(results, targets))
    if peers.notes:
        print("\nPeer notes:")
        for k, v in peers.notes.items():
            print(f"- {k}: {v}")
    if args.json:
        write_json(args.json, sizes, args, peers.notes, results, started)
        print(f"\nJSON: {args.json}")


if __name__ == "__main__":
    main()
