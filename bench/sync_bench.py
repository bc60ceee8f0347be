"""`readq sync` at scale: applying 1,000 changes from another device, beside `readq mark` of 1,000 papers,
and the app's start-up with 5 devices' logs against one.

    python bench/sync_bench.py --papers 100000 [--runs 3] [--workdir DIR] [--json OUT] [--reuse]

1. Device A: a library of N synthetic papers (`bench/synth.py`, imported through `Library.ingest`);
   device B: a copy of it (another path, so another device id). Both `readq sync --git` through a
   bare repository in the workdir (bootstrap snapshots; not timed).
2. Each run: B marks 1,000 papers (`readq mark`, timed: the mark path with sync recording on) and
   syncs; then A runs `readq sync` (timed: fetch + merge + apply 1,000 changes as one journal
   transaction). Beside it, `readq mark` of 1,000 papers on a copy that does not sync (timed).
   Every command is a fresh `python -m readq` process; figures are medians of the runs.
3. Start-up: two copies of the library, one syncing alone through a shared folder, one through a
   folder holding 4 more devices' logs (1,000 changes each, applied by `readq sync`);
   `bench/tui_probe.py` measures first paint and ready on each, alternating, median of the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.procs import emit_json  # noqa: E402
from readq.model import Entry  # noqa: E402
from readq.store import Library  # noqa: E402

STATUSES = ("read", "skipped", "to-read")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def env_for(lib: Path, workdir: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "READQ_LIBRARY": str(lib), "HOME": str(workdir),
            "GIT_CONFIG_NOSYSTEM": "1"}


def timed(lib: Path, workdir: Path, *args: str) -> float:
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "readq", *args], env=env_for(lib, workdir),
                          capture_output=True, text=True, timeout=1800)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"readq {args[0]} failed: {done.stderr.strip()[-500:]}")
    return wall


def make_library(path: Path, n: int) -> list[str]:
    from bench.synth import make_papers

    papers = make_papers(n, seed=0)
    entries = [Entry(title=p.title, abstract=p.abstract, authors=p.authors, authors_count=p.authors_count,
                     org=p.org, published=p.published, upvotes=p.upvotes, links=p.links, arxiv_id=p.arxiv_id,
                     source=p.sources[0]) for p in papers]
    Library(path).ingest(entries)
    return Library(path).ids()


def probe(lib: Path) -> dict[str, float]:
    t0 = time.monotonic()
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "tui_probe.py"), str(lib), "--t0", repr(t0),
                           "--queries", json.dumps(["video"]), "--marks", "0"],
                          env={**os.environ, "PYTHONPATH": str(ROOT), "READQ_LIBRARY": str(lib)},
                          capture_output=True, text=True, timeout=1800)
    lines = [ln for ln in done.stdout.splitlines() if ln.strip()]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"tui_probe failed: {done.stderr.strip()[-500:]}")
    out = json.loads(lines[-1])
    return {"first_paint": out["first_paint_s"], "ready": out["ready_s"]}


def other_devices(folder: Path, ids: list[str], devices: int, changes: int, seed: int) -> None:
    """Logs of `devices` other devices in a shared folder, `changes` status/star/tag changes each."""
    from readq.sync.clock import HybridClock
    from readq.sync.log import DeviceLog, Op

    rng = random.Random(seed)
    for number in range(devices):
        device = f"bench{number:012d}"
        clock = HybridClock(device)
        ops = []
        for _ in range(changes):
            pid = rng.choice(ids)
            field, value = rng.choice([("status", rng.choice(STATUSES)), ("starred", True), ("tag+", "bench")])
            ops.append(Op(clock.tick(), pid, field, value))
        DeviceLog(folder, device).append(ops)


def run(n: int, runs: int, workdir: Path, *, reuse: bool = False) -> dict[str, object]:
    base = workdir / "base"
    a, b, plain = workdir / "a", workdir / "b", workdir / "plain"
    setup: dict[str, object] = {}
    if reuse and a.exists() and b.exists() and plain.exists():  # devices set up by an earlier run
        ids = Library(base).ids()
        setup["reused"] = True
    else:
        t0 = time.perf_counter()
        ids = make_library(base, n)
        log(f"library of {len(ids)} papers made in {time.perf_counter() - t0:.0f}s")
        for lib in (a, b, plain):
            shutil.copytree(base, lib)
        remote = workdir / "remote.git"
        subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
        for name, lib in (("a_first_sync", a), ("b_first_sync", b), ("a_second_sync", a)):
            setup[name] = round(timed(lib, workdir, "sync", "--git", str(remote)), 2)
            log(f"{name}: {setup[name]}s")
    rng = random.Random(14)
    sync_walls, mark_sync_on, mark_plain = [], [], []
    for r in range(runs):
        chosen = rng.sample(ids, 1000)
        status = STATUSES[r % len(STATUSES)]
        mark_sync_on.append(timed(b, workdir, "mark", status, *chosen))
        timed(b, workdir, "sync")
        sync_walls.append(timed(a, workdir, "sync"))
        mark_plain.append(timed(plain, workdir, "mark", status, *chosen))
        log(f"run {r}: sync {sync_walls[-1]:.2f}s, mark(sync on) {mark_sync_on[-1]:.2f}s, "
            f"mark(plain) {mark_plain[-1]:.2f}s")
    check = Library(a)
    assert all(check.state(pid)[0].value == status for pid in chosen), "A did not receive B's marks"
    # start-up with one device's log against five
    one, five = workdir / "one", workdir / "five"
    if not (reuse and one.exists() and five.exists()):
        shutil.rmtree(one, ignore_errors=True)
        shutil.rmtree(five, ignore_errors=True)
        shutil.copytree(base, one)
        shutil.copytree(base, five)
        other_devices(workdir / "folder5", ids, 4, 1000, seed=5)
        setup["one_device_sync"] = round(timed(one, workdir, "sync", "--dir", str(workdir / "folder1")), 2)
        setup["five_devices_sync"] = round(timed(five, workdir, "sync", "--dir", str(workdir / "folder5")), 2)
    probes: dict[str, list[dict[str, float]]] = {"one": [], "five": []}
    for _ in range(runs):
        for name, lib in (("one", one), ("five", five)):
            probes[name].append(probe(lib))
        log(f"probe: one {probes['one'][-1]}, five {probes['five'][-1]}")

    def med(values: list[float]) -> float:
        return round(statistics.median(values), 3)

    startup = {name: {k: med([p[k] for p in runs_]) for k in ("first_paint", "ready")}
               for name, runs_ in probes.items()}
    return {
        "papers": len(ids), "runs": runs,
        "sync_apply_1000_remote_changes_s": med(sync_walls),
        "mark_1000_papers_sync_on_s": med(mark_sync_on),
        "mark_1000_papers_no_sync_s": med(mark_plain),
        "startup_one_device": startup["one"], "startup_five_devices": startup["five"],
        "first_paint_ratio_five_over_one": round(startup["five"]["first_paint"] / startup["one"]["first_paint"], 3),
        "ready_ratio_five_over_one": round(startup["five"]["ready"] / startup["one"]["ready"], 3),
        "setup_s": setup,
        "raw": {"sync": [round(x, 3) for x in sync_walls], "mark_sync_on": [round(x, 3) for x in mark_sync_on],
                "mark_plain": [round(x, 3) for x in mark_plain], "probes": probes},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="Reuse the devices an earlier run set up in --workdir.")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="readq-sync-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    result = run(args.papers, args.runs, workdir, reuse=args.reuse)
    emit_json(result, args.json)


if __name__ == "__main__":
    main()
