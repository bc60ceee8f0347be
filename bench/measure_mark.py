"""`mark_p50_ms` / `mark_p95_ms`: readq's durable status change in-process (`Library.set_status`,
returns once the journal line is fsynced) vs TinyDB's default `JSONStorage` `table.update` on a copy
of the same catalogue (a whole-file rewrite, no fsync). Each side runs in its own fresh process
(`bench/run.py --worker mark|tinydb ...`), so neither pays for the other's memory."""

from __future__ import annotations

import argparse
import json
import random
import shutil
import time

from bench.figures import Figures, median, p95, rnd
from bench.inputs import Inputs
from bench.peers.tools import Peers
from bench.procs import ROOT, log, py_json

RUN_PY = str(ROOT / "bench" / "run.py")
STATUSES = ["to-read", "read", "skipped", "new"]


def worker_mark(library: str, ops: int, seed: int) -> None:
    """readq: `Library.set_status` on random papers, each a real change, durable on return."""
    from readq.store import Library

    lib = Library(library)
    lib.load()
    ids = lib.ids()
    rng = random.Random(seed)
    times = []
    for i in range(ops):
        pid = rng.choice(ids)
        status = STATUSES[i % 4]
        if lib.state(pid)[0].value == status:
            status = STATUSES[(i + 1) % 4]
        t0 = time.perf_counter()
        lib.set_status([pid], status)
        times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"ms": times}))


def worker_tinydb(path: str, ops: int, seed: int, budget: float) -> None:
    """TinyDB with its default JSONStorage: `table.update` of one paper's status (whole-file rewrite).
    Stops after `ops` updates or `budget` seconds (at least 3 updates)."""
    from tinydb import TinyDB

    db = TinyDB(path)  # default storage: JSONStorage (json module, no fsync)
    table = db.table("papers")
    n = len(table)
    rng = random.Random(seed)
    times: list[float] = []
    start = time.perf_counter()
    for i in range(ops):
        doc_id = rng.randint(1, n)
        t0 = time.perf_counter()
        table.update({"status": STATUSES[i % 4]}, doc_ids=[doc_id])
        times.append((time.perf_counter() - t0) * 1000)
        if len(times) >= 3 and time.perf_counter() - start > budget:
            break
    print(json.dumps({"ms": times, "n": n}))


def run_worker(argv: list[str]) -> None:
    """`--worker mark LIBRARY OPS SEED` or `--worker tinydb PATH OPS SEED BUDGET_S`."""
    kind, *rest = argv
    if kind == "mark":
        worker_mark(rest[0], int(rest[1]), int(rest[2]))
    elif kind == "tinydb":
        worker_tinydb(rest[0], int(rest[1]), int(rest[2]), float(rest[3]))


def measure_mark(inp: Inputs, args: argparse.Namespace, peers: Peers, fig: Figures) -> None:
    """`args.mark_ops` marks in readq, then as many TinyDB updates (or `args.tinydb_budget` seconds)."""
    libdir, ops = inp.libdir, args.mark_ops
    marks = py_json([RUN_PY, "--worker", "mark", str(libdir), str(ops), "1"])["ms"]
    fig.res["mark_p50_ms"], fig.res["mark_p95_ms"] = rnd(median(marks), 3), rnd(p95(marks), 3)
    if not peers.skip:
        tdb = inp.dir / "tinydb.json"
        shutil.copyfile(libdir / "papers.json", tdb)  # the same catalogue, in TinyDB's own format
        t = py_json([RUN_PY, "--worker", "tinydb", str(tdb), str(ops), "1", str(args.tinydb_budget)])
        fig.peer["tinydb_update_p50_ms"] = rnd(median(t["ms"]), 2)
        fig.peer["tinydb_update_p95_ms"] = rnd(p95(t["ms"]), 2)
        fig.peer["tinydb_update_samples"] = len(t["ms"])
        tdb.unlink()
    log(f"n={fig.papers}: mark p50 {fig.res['mark_p50_ms']} ms p95 {fig.res['mark_p95_ms']} ms; TinyDB update p95 "
        f"{fig.peer.get('tinydb_update_p95_ms')} ms")
