#!/usr/bin/env python
"""The first-run cliffs at 100k papers, this tree and a base tree side by side, alternating.

    git worktree add /tmp/base d1ad524 && python3 -m venv /tmp/base/.venv \
        && /tmp/base/.venv/bin/pip install -e /tmp/base
    python bench/cliffs.py --base /tmp/base --json bench/results/cliffs.json

Each run imports the digest into an empty library and then, in this order: copies the fresh
library for the TUI; runs the first `readq list --query Q --json` (and `fzf -e --filter Q` over
the same titles and abstracts); a later query; the TUI's first start on the copy (`ready_cold_s`,
the first start after an import) and a warm start typing queries (first paint, filter p95); then a
day's digest (`sample_digests/004_*`) imported into a copy of the big library (`import_daily_s`).
The base and this tree take turns within every run (which goes first alternates between runs),
so a noisy machine hits both alike. `readq mark` is timed on a 1k and the 100k library the same
way. Every figure is a median; filter p95 is over all keystrokes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.figures import median, p95, rnd  # noqa: E402
from bench.inputs import CLI_QUERIES, QUERIES, Inputs  # noqa: E402
from bench.measure_import import SPLIT_CODE  # noqa: E402
from bench.procs import emit_json, log, readq_env, run_timed  # noqa: E402


# the seed digest with per-paper metadata (56 papers): a day's import into the big library
DAILY = sorted((ROOT / "sample_digests").glob("004_*.txt"))[0]


class Tree:
    """One readq checkout with its own venv: its `readq` script, interpreter and TUI probe."""

    def __init__(self, name: str, root: Path, python: Path) -> None:
        self.name, self.root, self.python = name, root, python
        self.readq = str(python.parent / "readq")
        self.probe = str(root / "bench" / "tui_probe.py")
        self.figs: dict[str, list[float]] = {}

    def add(self, key: str, value: float | list[float] | None) -> None:
        if value is None:
            return
        self.figs.setdefault(key, []).extend(value if isinstance(value, list) else [value])

    def probe_run(self, lib: Path, queries: list[str]) -> dict:
        t0 = time.monotonic()
        proc = subprocess.run([str(self.python), self.probe, str(lib), "--t0", repr(t0), "--queries",
                               json.dumps(queries), "--marks", "0"], capture_output=True, text=True,
                              env=readq_env(lib), timeout=1800)
        lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
        if proc.returncode != 0 or not lines:
            raise RuntimeError(f"{self.name} TUI probe failed: {proc.stderr[-800:]}")
        return json.loads(lines[-1])


def _tree(spec: str, name: str) -> Tree:
    root = Path(spec).resolve()
    python = root / ".venv" / "bin" / "python"
    if not python.exists():
        raise SystemExit(f"{python} not found: make a venv there with readq installed")
    return Tree(name, root, python)


def one_run(tree: Tree, inp: Inputs, work: Path, fzf: str | None) -> None:
    lib, tui_lib = work / tree.name / "lib", work / tree.name / "lib-tui"
    for d in (lib, tui_lib):
        shutil.rmtree(d, ignore_errors=True)
    lib.parent.mkdir(parents=True, exist_ok=True)
    run = run_timed([tree.readq, "--library", str(lib), "import", "-q", str(inp.digest)], env=readq_env(lib))
    if run.rc != 0:
        raise RuntimeError(f"{tree.name} import failed: {run.stderr[-800:]}")
    tree.add("import_s", run.seconds)
    shutil.copytree(lib, tui_lib)  # the TUI's first start gets a library just as the import left it
    q = CLI_QUERIES[0]
    first = run_timed([tree.readq, "--library", str(lib), "list", "--query", q, "--json"], env=readq_env(lib))
    tree.add("cli_first_query_s", first.seconds)
    if fzf:
        tree.add("fzf_filter_s", run_timed([fzf, "-e", "--filter", q], stdin=inp.lines).seconds)
    later = run_timed([tree.readq, "--library", str(lib), "list", "--query", CLI_QUERIES[1], "--json"],
                      env=readq_env(lib))
    tree.add("cli_query_s", later.seconds)
    tree.add("read_split_s", run_timed([sys.executable, "-c", SPLIT_CODE, str(inp.digest)]).seconds)
    cold = tree.probe_run(tui_lib, [])
    tree.add("ready_cold_s", cold.get("ready_s"))
    warm = tree.probe_run(tui_lib, QUERIES[:4])
    tree.add("first_paint_s", warm.get("first_paint_s"))
    tree.add("ready_s", warm.get("ready_s"))
    tree.add("filter_ms", warm.get("filter_ms") or [])
    daily_lib = work / tree.name / "lib-daily"  # a day's digest into the big library, as a user does daily
    shutil.rmtree(daily_lib, ignore_errors=True)
    shutil.copytree(lib, daily_lib)
    daily = run_timed([tree.readq, "--library", str(daily_lib), "import", "-q", str(DAILY)], env=readq_env(daily_lib))
    if daily.rc != 0:
        raise RuntimeError(f"{tree.name} daily import failed: {daily.stderr[-800:]}")
    tree.add("import_daily_s", daily.seconds)
    shutil.rmtree(daily_lib, ignore_errors=True)
    log(f"{tree.name}: import {run.seconds:.2f}s first query {first.seconds:.2f}s later {later.seconds:.2f}s "
        f"ready_cold {cold.get('ready_s')}s first paint {warm.get('first_paint_s')}s daily import {daily.seconds:.2f}s")


def mark_runs(tree: Tree, libs: dict[int, Path], ids: dict[int, list[str]], marks: int, r: int) -> None:
    statuses = ["to-read", "read", "skipped", "new"]
    for n, lib in libs.items():
        for k in range(marks):
            pid = ids[n][(r * marks + k) * 7919 % len(ids[n])]
            run = run_timed([tree.readq, "--library", str(lib), "mark", statuses[(r + k) % 4], pid],
                            env=readq_env(lib))
            if run.rc != 0:
                raise RuntimeError(f"{tree.name} mark failed: {run.stderr[-800:]}")
            tree.add(f"cli_mark_s@{n}", run.seconds)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="the base checkout (with .venv/bin/python)")
    ap.add_argument("--papers", type=int, default=100_000)
    ap.add_argument("--small", type=int, default=1_000, help="the small size for the mark ratio")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--marks", type=int, default=5, help="marks per library size per run")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    trees = [_tree(args.base, "base"), _tree(str(ROOT), "this")]
    work = (args.workdir or Path(tempfile.mkdtemp(prefix="readq-cliffs-"))).resolve()
    inp, small = Inputs(work, args.papers), Inputs(work, args.small)
    fzf = shutil.which("fzf")
    mark_libs: dict[str, dict[int, Path]] = {}
    mark_ids: dict[int, list[str]] = {}
    for tree in trees:  # libraries for `mark`, imported once per tree (not timed)
        mark_libs[tree.name] = {}
        for n, src in ((args.small, small), (args.papers, inp)):
            lib = work / tree.name / f"mark{n}"
            shutil.rmtree(lib, ignore_errors=True)
            subprocess.run([tree.readq, "--library", str(lib), "import", "-q", str(src.digest)], check=True,
                           env=readq_env(lib))
            mark_libs[tree.name][n] = lib
            mark_ids[n] = json.loads((lib / "index.json").read_bytes())["ids"]
    for r in range(args.repeat):
        for tree in (trees if r % 2 == 0 else trees[::-1]):
            one_run(tree, inp, work, fzf)
            mark_runs(tree, mark_libs[tree.name], mark_ids, args.marks, r)
    out: dict[str, dict[str, float | None]] = {}
    for tree in trees:
        f = tree.figs
        res = {k: rnd(median(v)) for k, v in f.items() if k != "filter_ms"}
        res["filter_p50_ms"] = rnd(median(f.get("filter_ms", [])), 2)
        res["filter_p95_ms"] = rnd(p95(f.get("filter_ms", [])), 2)
        res["import_over_split"] = rnd(median(f["import_s"]) / median(f["read_split_s"]), 2)
        res["mark_ratio"] = rnd(median(f[f"cli_mark_s@{args.papers}"]) / median(f[f"cli_mark_s@{args.small}"]), 2)
        out[tree.name] = res
    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?")
    doc = {"papers": args.papers, "small": args.small, "repeat": args.repeat, "nproc": os.cpu_count(), "cpu": cpu,
           "base": str(trees[0].root), "results": out}
    emit_json(doc, args.json)
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
