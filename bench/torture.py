"""Long crash torture: SIGKILL a library writer at random instants for minutes, count losses.

    python bench/torture.py --seconds 300 [--rounds N] [--seed S] [--papers P] [--max-life SEC]

Prints rounds, kills, acknowledged changes, changes lost and unexpected changes (both must be 0);
exits 1 if any problem was found. The harness is shared with tests/test_crash.py.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from helpers.torture import run_torture  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=None, help="stop after N child lives (kills)")
    parser.add_argument("--seconds", type=float, default=120.0, help="stop after this long")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--papers", type=int, default=200, help="papers in the starting library")
    parser.add_argument("--max-life", type=float, default=0.3, help="kill within this long after start")
    parser.add_argument("--dir", type=Path, default=None, help="library parent dir (default: a temp dir)")
    args = parser.parse_args(argv)
    base = args.dir or Path(tempfile.mkdtemp(prefix="readq-torture-"))
    path = base / "lib"
    started = time.monotonic()
    stats = run_torture(
        path, seconds=args.seconds, rounds=args.rounds, seed=args.seed, papers=args.papers,
        max_life=args.max_life, progress=True,
    )
    print(f"library: {path}")
    print(f"elapsed: {time.monotonic() - started:.1f}s")
    print(f"rounds: {stats.rounds}")
    print(f"kills: {stats.kills}")
    print(f"acknowledged changes: {stats.acknowledged} transactions, {stats.acknowledged_fields} field values, "
          f"{stats.imports_acknowledged} imports, {stats.compactions_acknowledged} compactions")
    print(f"in flight at the kill: {stats.in_flight_landed} landed, {stats.in_flight_dropped} dropped")
    print(f"torn journal tails injected: {stats.torn_tails_injected}; "
          f"temporary files cleaned on restart: {stats.temp_files_cleaned}")
    print(f"changes lost: {stats.lost}")
    print(f"unexpected changes: {stats.unexpected}")
    print(f"half-applied transactions: {stats.torn}")
    for problem in stats.problems[:20]:
        print(f"PROBLEM: {problem}")
    return 1 if stats.problems or stats.lost or stats.unexpected or stats.torn else 0


if __name__ == "__main__":
    sys.exit(main())
