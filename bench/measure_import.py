"""`import_s`: `readq import` of the digest into an empty library, whole process, alternating with
`read_split_s`, the floor: a bare Python process that reads, decodes and splits the same file; and
`cli_first_query_s`, the first `readq list --query Q --json` right after each import (what a new
user's first search costs, whatever the import left behind)."""

from __future__ import annotations

import json
import shutil

from bench.figures import Figures, Repeats, median, rnd
from bench.inputs import CLI_QUERIES, Inputs
from bench.procs import PY, READQ, log, readq_env, run_timed

SPLIT_CODE = ("import sys\nd = open(sys.argv[1], 'rb').read().decode('utf-8')\n"
              "blocks = d.split('\\n\\n')\nprint(len(blocks))\n")


def measure_import(inp: Inputs, reps: Repeats, fig: Figures) -> list[str]:
    """Import into a fresh library each run; the library of the last run stays for the figures
    that follow. Returns the imported paper ids."""
    n, libdir = fig.papers, inp.libdir
    imports, reads, rss_import, first_queries = [], [], [], []
    for _ in range(reps.whole):
        if libdir.exists():
            shutil.rmtree(libdir)
        run = run_timed([*READQ, "--library", str(libdir), "import", "-q", str(inp.digest)], env=readq_env(libdir))
        if run.rc != 0:
            raise RuntimeError(f"readq import failed: {run.stderr[-800:]}")
        imports.append(run.seconds)
        rss_import.append(run.rss_mb)
        first = run_timed([*READQ, "--library", str(libdir), "list", "--query", CLI_QUERIES[0], "--json"],
                          env=readq_env(libdir))
        first_queries.append(first.seconds)
        reads.append(run_timed([PY, "-c", SPLIT_CODE, str(inp.digest)]).seconds)
    fig.res["import_s"], fig.res["read_split_s"] = rnd(median(imports)), rnd(median(reads))
    fig.extra["import_rss_mb"] = rnd(median(rss_import), 1)
    fig.extra["cli_first_query_s"] = rnd(median(first_queries))
    index = json.loads((libdir / "index.json").read_bytes())
    fig.extra["imported_papers"] = len(index["ids"])
    if fig.extra["imported_papers"] != n:
        log(f"WARNING: imported {fig.extra['imported_papers']} papers, expected {n}")
    log(f"n={n}: import {fig.res['import_s']}s vs read+split {fig.res['read_split_s']}s; first query "
        f"{fig.extra['cli_first_query_s']}s")
    return index["ids"]
