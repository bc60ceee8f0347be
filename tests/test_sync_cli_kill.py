"""kill -9 at random instants during `readq sync` (the CLI, as a child process): bounded rounds here;
bench/sync_cli_kill.py runs 200+ (see bench/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.sync_cli_kill import run


def test_kill_9_during_readq_sync_loses_nothing(tmp_path: Path) -> None:
    result = run(12, seed=7, workdir=tmp_path, max_delay=1.2)
    assert result["kills"] >= 3, result
    assert result["acknowledged_marks"] >= 3, result
    assert result["lost"] == 0 and result["libraries_equal"] is True, result


def test_kill_9_while_every_sync_compacts_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same with the device log folded into the snapshot at every sync (threshold 0)."""
    monkeypatch.setenv("READQ_SYNC_COMPACT_BYTES", "0")
    result = run(12, seed=11, workdir=tmp_path, max_delay=1.2)
    assert result["kills"] >= 3, result
    assert result["lost"] == 0 and result["libraries_equal"] is True, result
