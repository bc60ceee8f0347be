"""Smoke test of the benchmark harness: a tiny run finishes and writes every documented key.

No timing assertions: the figures themselves are for bench/README.md, not for CI.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

KEYS = ["import_s", "read_split_s", "first_paint_s", "ready_s", "filter_p50_ms", "filter_p95_ms",
        "mark_p50_ms", "mark_p95_ms", "cli_mark_s", "cli_query_s", "rss_mb"]


def test_bench_run_smoke(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--papers", "200", "--skip-peers", "--repeat", "1",
         "--json", str(out), "--workdir", str(tmp_path / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    doc = json.loads(out.read_text())
    assert doc["keys"] == KEYS
    res = doc["results"]["200"]
    for key in KEYS:
        assert key in res, key
    for key in ("import_s", "read_split_s", "mark_p50_ms", "mark_p95_ms", "cli_mark_s", "cli_query_s"):
        assert isinstance(res[key], (int, float)) and res[key] > 0, key
    # TUI figures are numbers when the app is importable, else null with the reason recorded
    if res["first_paint_s"] is None:
        assert res["extra"].get("tui_skipped")
    else:
        assert res["ready_s"] >= res["first_paint_s"] > 0
        assert res["rss_mb"] > 0
    assert res["extra"]["imported_papers"] == 200
    assert "import_s" in proc.stdout  # the readable table
