"""Side-by-side start-up and `list --query` figures for two readq checkouts, alternating runs.

    python bench/catalog_ab.py --old /tmp/catalog-base --old-lib L_OLD --new . --new-lib L_NEW \
        [--repeat 3] [--lines lines.txt] [--what tui,query]

Each run is a fresh process with PYTHONPATH set to that checkout. TUI: `bench/tui_probe.py` of the
*new* checkout (ready_s, rss_mb); it reads ready from `ReadqApp.filterable_at`, so both checkouts
need the app's public readiness signal (an older one makes the probe report an error).
Query: `readq --library LIB list --query Q --json > /dev/null`, wall time and peak RSS (from wait4).
With `--lines FILE` (one line per paper: title and abstract) also `fzf -e --filter Q` on it.
Prints medians as JSON. Libraries are used read-only except for the probe's marks (journal
appends): pass copies.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

QUERIES = ["video understanding", "temporal grounding", "diffusion", "zero-shot"]
PY = sys.executable


def timed(cmd: list[str], env: dict[str, str] | None = None, stdin: Path | None = None) -> tuple[float, float]:
    t0 = time.monotonic()
    with open(os.devnull, "wb") as out, (open(stdin, "rb") if stdin else open(os.devnull, "rb")) as inp:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, stdin=inp, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
    secs = time.monotonic() - t0
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"{cmd} failed: {proc.stderr.read().decode()[-500:] if proc.stderr else ''}")
    return secs, usage.ru_maxrss / 1024


def env_for(checkout: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = checkout
    return env


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--old", required=True)
    ap.add_argument("--old-lib", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--new-lib", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--lines", default=None)
    ap.add_argument("--what", default="tui,query")
    args = ap.parse_args()
    sides = {"old": (args.old, args.old_lib), "new": (args.new, args.new_lib)}
    probe = str(Path(args.new) / "bench" / "tui_probe.py")
    res: dict[str, dict[str, list[float]]] = {s: {} for s in [*sides, "fzf"]}
    what = set(args.what.split(","))
    for _ in range(args.repeat):
        for side, (checkout, lib) in sides.items():
            if "tui" in what:
                out = subprocess.run(
                    [PY, probe, lib, "--t0", str(time.monotonic()), "--queries", '["video understanding","diffusion"]',
                     "--marks", "5"], env=env_for(checkout), capture_output=True, text=True, check=True)
                data = json.loads(out.stdout.strip().splitlines()[-1])
                for key in ("first_paint_s", "list_shown_s", "ready_s", "rss_mb"):
                    res[side].setdefault(key, []).append(data[key])
            if "query" in what:
                for q in QUERIES:
                    secs, rss = timed([PY, "-m", "readq", "--library", lib, "list", "--query", q, "--json"],
                                      env_for(checkout))
                    res[side].setdefault("cli_query_s", []).append(secs)
                    res[side].setdefault("cli_query_rss_mb", []).append(rss)
        if "query" in what and args.lines:
            for q in QUERIES:
                secs, rss = timed(["fzf", "-e", "--filter", q], stdin=Path(args.lines))
                res["fzf"].setdefault("fzf_filter_s", []).append(secs)
    summary = {side: {k: round(statistics.median(v), 3) for k, v in d.items()} for side, d in res.items() if d}
    summary["runs"] = {side: {k: [round(x, 3) for x in v] for k, v in d.items()} for side, d in res.items() if d}
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
