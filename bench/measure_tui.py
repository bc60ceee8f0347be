"""TUI figures, each run a fresh headless process: readq's (`bench/tui_probe.py`: first paint, ready,
filter per keystroke, mark, peak RSS; plus one cold start without the derived caches) and coBib's
(also Textual; `bench/peers/cobib_tui_probe.py`: first paint, ready, peak RSS)."""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path
from typing import Any

from bench.figures import Figures, Repeats, median, p95, rnd
from bench.inputs import QUERIES, Inputs
from bench.peers.tools import Peers, PeerSetup
from bench.procs import READQ, ROOT, log, peer_json, py_json, readq_env, run_timed

TUI_PROBE = str(ROOT / "bench" / "tui_probe.py")
COBIB_TUI_PROBE = str(ROOT / "bench" / "peers" / "cobib_tui_probe.py")


def _probe(inp: Inputs, queries: list[str], marks: int, *, libdir: Path | None = None) -> dict[str, Any]:
    """One probe process; `--t0` is taken just before the spawn, so interpreter start counts."""
    libdir = libdir or inp.libdir
    t0 = time.monotonic()
    return py_json([TUI_PROBE, str(libdir), "--t0", repr(t0), "--queries", json.dumps(queries),
                    "--marks", str(marks)], env=readq_env(libdir), timeout=1800)


def _summarise(runs: list[dict[str, Any]], fig: Figures) -> None:
    fl = [x for o in runs for x in o["filter_ms"]]
    mk = [x for o in runs for x in o["mark_ms"]]
    res, extra = fig.res, fig.extra
    res["first_paint_s"] = rnd(median([o["first_paint_s"] for o in runs]))
    res["ready_s"] = rnd(median([o["ready_s"] for o in runs]))
    res["filter_p50_ms"], res["filter_p95_ms"] = rnd(median(fl), 2), rnd(p95(fl), 2)
    res["rss_mb"] = rnd(median([o["rss_mb"] for o in runs]), 1)
    extra["tui_mark_p50_ms"], extra["tui_mark_p95_ms"] = rnd(median(mk), 2), rnd(p95(mk), 2)
    extra["filter_keystrokes"] = len(fl)
    extra["filter_timeouts"] = sum(o["filter_timeouts"] for o in runs)
    extra["tui_method"] = runs[0]["method"]
    extra["list_shown_s"] = rnd(median([o["list_shown_s"] for o in runs]))
    extra["tui_mark_durable_p95_ms"] = rnd(p95([x for o in runs for x in o["mark_durable_ms"]]), 2)
    extra["filter_install_p95_ms"] = rnd(p95([x for o in runs for x in o["filter_install_ms"]]), 2)
    log(f"n={fig.papers}: TUI first paint {res['first_paint_s']}s ready {res['ready_s']}s filter p50 "
        f"{res['filter_p50_ms']} p95 {res['filter_p95_ms']} ms; rss {res['rss_mb']} MB")


def measure_tui(inp: Inputs, reps: Repeats, args: argparse.Namespace, fig: Figures) -> None:
    """All queries typed on the first run, two on the others (a tiny smoke-test library types three).
    One extra start first, on a library just imported and not yet opened by anything
    (`ready_cold_s`, the first start after an import); the figures are the warm starts that follow."""
    tui_queries = QUERIES if fig.papers >= 1000 else QUERIES[:3]
    cold = inp.dir / "lib-cold"
    shutil.rmtree(cold, ignore_errors=True)
    if run_timed([*READQ, "--library", str(cold), "import", "-q", str(inp.digest)], env=readq_env(cold)).rc == 0:
        fig.extra["ready_cold_s"] = rnd(_probe(inp, [], 0, libdir=cold).get("ready_s"))
    shutil.rmtree(cold, ignore_errors=True)
    runs: list[dict[str, Any]] = []
    skipped = None
    for r in range(reps.whole):
        out = _probe(inp, tui_queries if r == 0 else tui_queries[:2], args.tui_marks)
        if "skipped" in out:
            skipped = out["skipped"]
            break
        if out.get("error"):
            raise RuntimeError(f"TUI probe: {out['error']}")
        runs.append(out)
    if runs:
        _summarise(runs, fig)
    else:
        for k in ("first_paint_s", "ready_s", "filter_p50_ms", "filter_p95_ms", "rss_mb"):
            fig.res[k] = None
        fig.extra["tui_skipped"] = skipped
        log(f"n={fig.papers}: TUI skipped: {skipped}")


def measure_cobib_tui(reps: Repeats, peers: Peers, setup: PeerSetup, fig: Figures) -> None:
    """coBib's TUI start-up, the same probe style; once at >= 50k. A failure is a peer note."""
    if not setup.cobib_cfg or peers.cobib is None or setup.env is None:
        return
    try:
        c = []
        for _ in range(1 if reps.heavy else reps.every):
            t0 = time.monotonic()
            c.append(peer_json([str(peers.cobib.parent / "python"), COBIB_TUI_PROBE, str(setup.cobib_cfg),
                                "--t0", repr(t0)], env=setup.env, timeout=peers.timeout))
        if all(o.get("first_paint_s") is not None for o in c):
            fig.peer["cobib_first_paint_s"] = rnd(median([o["first_paint_s"] for o in c]))
        if all(o.get("ready_s") is not None for o in c):
            fig.peer["cobib_ready_s"] = rnd(median([o["ready_s"] for o in c]))
            fig.peer["cobib_tui_rss_mb"] = rnd(median([o["rss_mb"] for o in c]), 1)
    except Exception as exc:  # noqa: BLE001 - a peer problem is a note, not a failed run
        peers.notes[f"cobib-tui@{fig.papers}"] = str(exc)[:300]
        log(f"coBib TUI at n={fig.papers}: {exc}")
