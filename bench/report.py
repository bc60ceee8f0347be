"""What a benchmark run reports: the readq/peer ratios of each size, the targets checked at the
largest size, the readable table printed at the end, and the JSON file (`--json`)."""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import subprocess
import time
from pathlib import Path
from typing import Any, Callable

from bench.figures import Figures, ratio, rnd
from bench.inputs import CLI_QUERIES, QUERIES
from bench.procs import ROOT

# The headline figures, in table order; documented in bench/README.md and checked by tests/test_bench_smoke.py.
KEYS = ["import_s", "read_split_s", "first_paint_s", "ready_s", "filter_p50_ms", "filter_p95_ms",
        "mark_p50_ms", "mark_p95_ms", "cli_mark_s", "cli_query_s", "rss_mb"]

EXTRA_ROWS = ("list_shown_s", "ready_cold_s", "cli_first_query_s", "filter_install_p95_ms", "tui_mark_p50_ms", "tui_mark_p95_ms",
              "tui_mark_durable_p95_ms", "cli_list_s", "import_rss_mb", "cli_query_rss_mb")


def add_ratios(fig: Figures) -> None:
    """readq/peer for every figure both have (< 1: readq is faster or smaller)."""
    res, extra, peer, ratios = fig.res, fig.extra, fig.peer, fig.ratios
    ratios["cli_query/fzf"] = ratio(res["cli_query_s"], peer.get("fzf_filter_s"))
    ratios["cli_query/cobib_search"] = ratio(res["cli_query_s"], peer.get("cobib_search_s"))
    ratios["cli_list/cobib_list"] = ratio(extra["cli_list_s"], peer.get("cobib_list_s"))
    ratios["cli_mark/cobib_modify"] = ratio(res["cli_mark_s"], peer.get("cobib_modify_s"))
    ratios["first_paint/cobib_first_paint"] = ratio(res.get("first_paint_s"), peer.get("cobib_first_paint_s"))
    ratios["ready/cobib_ready"] = ratio(res.get("ready_s"), peer.get("cobib_ready_s"))
    ratios["rss/cobib_tui_rss"] = ratio(res.get("rss_mb"), peer.get("cobib_tui_rss_mb"))
    ratios["mark_p95/tinydb_update_p95"] = ratio(res["mark_p95_ms"], peer.get("tinydb_update_p95_ms"))
    ratios["cli_query/papis_query"] = ratio(res["cli_query_s"], peer.get("papis_list_query_s"))


def _at_most(key: str, limit: float) -> Callable[[dict], tuple[Any, bool | None]]:
    """A target `res[key] <= limit`; n/a (None) when the figure is missing."""
    return lambda r: (r[key], None if r[key] is None else r[key] <= limit)


TARGETS: list[tuple[str, Callable[[dict], tuple[Any, bool | None]]]] = [
    # (label, check(res) -> (value_text, met or None))
    ("filter p95 <= 16 ms", _at_most("filter_p95_ms", 16)),
    ("first paint <= 0.5 s", _at_most("first_paint_s", 0.5)),
    ("ready <= 2 s", _at_most("ready_s", 2)),
    ("durable mark p95 <= 5 ms", lambda r: (r["mark_p95_ms"], r["mark_p95_ms"] <= 5)),
    ("import <= 8x bare read", lambda r: (rnd(r["import_s"] / r["read_split_s"], 2), r["import_s"] <= 8 * r["read_split_s"])),
    ("cli_query <= fzf", lambda r: (r["ratios"]["cli_query/fzf"], None if r["ratios"]["cli_query/fzf"] is None else r["ratios"]["cli_query/fzf"] <= 1)),
    ("peak memory <= 600 MB", _at_most("rss_mb", 600)),
]


def evaluate(results: dict[str, dict]) -> list[dict]:
    """Targets at the largest size run (they are stated at 100k); plus size-independence of mark and
    'ahead of coBib on every shared figure'."""
    if not results:
        return []
    sizes = sorted(results, key=int)
    big = results[sizes[-1]]
    out = []
    for label, check in TARGETS:
        value, met = check(big)
        out.append({"target": label, "papers": big["papers"], "value": value, "met": met})
    if len(sizes) > 1:
        small, large = results[sizes[0]]["mark_p95_ms"], big["mark_p95_ms"]
        out.append({"target": "mark p95 independent of size (largest/smallest <= 2)", "papers": big["papers"],
                    "value": rnd(large / small, 2), "met": large / small <= 2})
    cobib = {k: v for k, v in big["ratios"].items() if "cobib" in k and v is not None}
    if cobib:
        out.append({"target": "ahead of coBib on every shared figure (all ratios < 1)", "papers": big["papers"],
                    "value": cobib, "met": all(v < 1 for v in cobib.values())})
    return out


def fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def _rows(results: dict[str, dict], sizes: list[str]) -> list[tuple[str, list[Any]]]:
    """The table's rows: headline figures, extras, peers (sorted), ratios; a section title row each."""
    rows: list[tuple[str, list[Any]]] = [(k, [results[s].get(k) for s in sizes]) for k in KEYS]
    rows.append(("— extra", [""] * len(sizes)))
    for k in EXTRA_ROWS:
        rows.append((k, [results[s]["extra"].get(k) for s in sizes]))
    rows.append(("— peers", [""] * len(sizes)))
    pkeys = sorted({k for s in sizes for k in results[s]["peers"]})
    rows += [(k, [results[s]["peers"].get(k) for s in sizes]) for k in pkeys]
    rows.append(("— ratios readq/peer (<1 = readq faster)", [""] * len(sizes)))
    rkeys = list(results[sizes[0]]["ratios"])
    rows += [(k, [results[s]["ratios"].get(k) for s in sizes]) for k in rkeys]
    return rows


def table(results: dict[str, dict], targets: list[dict]) -> str:
    """A Markdown table, one column per size, then the targets as a list."""
    sizes = sorted(results, key=int)
    rows = _rows(results, sizes)
    w0 = max(len(r[0]) for r in rows)
    head = f"| {'figure':<{w0}} | " + " | ".join(f"{int(s):>9,}" for s in sizes) + " |"
    lines = [head, "|" + "-" * (w0 + 2) + "|" + "|".join("-" * 11 for _ in sizes) + "|"]
    for name, vals in rows:
        lines.append(f"| {name:<{w0}} | " + " | ".join(f"{fmt(v):>9}" for v in vals) + " |")
    if targets:
        lines += ["", f"Targets (at {targets[0]['papers']:,} papers):", ""]
        for t in targets:
            mark = "met" if t["met"] else ("n/a" if t["met"] is None else "NOT met")
            lines.append(f"- {t['target']}: {fmt(t['value'])} -> {mark}")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """Where the run happened: date, Python, platform, CPUs and model, memory, Textual, readq commit."""
    info: dict[str, Any] = {
        "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        info["cpu"] = next((ln.split(":", 1)[1].strip() for ln in lscpu.splitlines() if ln.startswith("Model name")), None)
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as f:
            info["mem_gb"] = round(int(f.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        import textual

        info["textual"] = textual.__version__
    except Exception:  # noqa: BLE001
        pass
    try:
        info["readq_commit"] = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                              capture_output=True, text=True).stdout.strip() or None
    except OSError:
        pass
    return info


def write_json(path: Path, sizes: list[int], args: argparse.Namespace, notes: dict[str, str],
               results: dict, started: float) -> None:
    """The whole run as JSON: machine, configuration, keys, results per size, targets, peer notes."""
    doc = {
        "machine": machine(),
        "config": {"sizes": sizes, "repeat": args.repeat, "quick": args.quick, "skip_peers": args.skip_peers,
                   "queries": QUERIES, "cli_queries": CLI_QUERIES, "mark_ops": args.mark_ops,
                   "seconds": round(time.perf_counter() - started, 1)},
        "keys": KEYS,
        "results": results,
        "targets": evaluate(results),
        "peer_notes": notes,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
