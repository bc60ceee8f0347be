"""kill -9 at random instants during `readq sync` (the CLI, as a child process): bounded rounds here;
bench/sync_cli_kill.py runs 200+ (see bench/README.md)."""

from __future__ import annotations

from pathlib import Path

from bench.sync_cli_kill import run


def test_kill_9_during_readq_sync_loses_nothing(tmp_path: Path) -> None:
    result = run(12, seed=7, workdir=tmp_path, max_delay=1.2)
    assert result["kills"] >= 3, result
    assert result["acknowledged_marks"] >= 3, result
    assert result["lost"] == 0 and result["libraries_equal"] is True, result
