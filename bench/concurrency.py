"""Bigger concurrency run: many processes interleaving changes on one library, count lost updates.

    python bench/concurrency.py [--writers 4] [--ops 500] [--cli-writers 3] [--cli-calls 40]
                                [--imports 30] [--papers 200] [--seed S]

Prints processes, operations, lost updates (must be 0), errors and inconsistent reads (must be 0);
exits 1 if any problem was found. The harness is shared with tests/test_concurrency.py.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from helpers.concurrency import run_concurrency  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=4, help="long-lived Library writers (first is the TUI)")
    parser.add_argument("--ops", type=int, default=500, help="transactions per writer")
    parser.add_argument("--shared", type=int, default=6, help="papers every writer changes")
    parser.add_argument("--cli-writers", type=int, default=3, help="processes running readq mark/star")
    parser.add_argument("--cli-calls", type=int, default=40, help="readq calls per CLI writer")
    parser.add_argument("--imports", type=int, default=30, help="catalogue rewrites by the importer")
    parser.add_argument("--papers", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    path = Path(tempfile.mkdtemp(prefix="readq-conc-")) / "lib"
    stats = run_concurrency(
        path, papers=args.papers, writers=args.writers, ops=args.ops, shared=args.shared,
        cli_writers=args.cli_writers, cli_calls=args.cli_calls, imports=args.imports, seed=args.seed,
    )
    print(f"library: {path}")
    print(f"processes: {stats.processes} (writers {args.writers}, cli {args.cli_writers}, "
          f"importer {int(bool(args.imports))}, reader 1)")
    print(f"operations: {stats.operations} ({stats.cli_calls} readq CLI calls, {stats.journal_records} "
          f"journal transactions, {stats.imports} imports)")
    print(f"reader states checked: {stats.reads}")
    print(f"lost updates: {stats.lost}")
    print(f"errors: {stats.errors}")
    print(f"inconsistent reads: {stats.inconsistent_reads}")
    print(f"seconds: {stats.seconds:.1f}")
    for problem in stats.problems[:20]:
        print(f"PROBLEM: {problem[-800:]}")
    return 1 if stats.problems or stats.lost or stats.errors or stats.inconsistent_reads else 0


if __name__ == "__main__":
    sys.exit(main())
