"""bench/resolve_bench.py runs end to end on a small library (no timing asserts)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_resolve_bench_smoke(tmp_path: Path) -> None:
    out = tmp_path / "resolve.json"
    subprocess.run([sys.executable, str(ROOT / "bench" / "resolve_bench.py"), "--papers", "60", "--json", str(out)],
                   check=True, cwd=ROOT, capture_output=True, timeout=300)
    rows = {r["scenario"]: r for r in json.loads(out.read_text())}
    assert rows["dated"]["requests_per_paper"] <= 0.1
    assert all(r["wrong_ids"] == 0 and r["failed"] == 0 for r in rows.values())
    assert rows["undated"]["resolved"] == rows["undated"]["papers"]
