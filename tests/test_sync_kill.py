"""kill -9 at random instants while a device records and syncs through git (50 rounds here;
`bench/sync_kill.py` runs 200+): the directory opens, the next sync completes, nothing acknowledged
is lost and both devices derive the same state."""

from __future__ import annotations

from pathlib import Path

from bench.sync_kill import run


def test_kill_9_during_sync_loses_nothing(tmp_path: Path) -> None:
    result = run(rounds=50, seed=1414, workdir=tmp_path, max_delay=0.6)
    assert result["acknowledged"] > 0
    assert result["lost"] == {"device-a": 0, "device-b": 0}
    assert result["states_equal"] is True
    assert all(result["git_fsck_ok"].values())
    assert result["killed_while"]["syncing"] > 0
