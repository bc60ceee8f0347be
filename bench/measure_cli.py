"""Whole-process CLI figures, readq and its peers alternating in the same loop:
`cli_query_s` (`readq list --query Q --json` vs `fzf -e --filter`, `cobib search`, papis),
`cli_list_s` (`readq list` vs `cobib list`) and `cli_mark_s` (`readq mark` vs `cobib modify`)."""

from __future__ import annotations

import random

from bench.figures import Figures, Repeats, median, rnd
from bench.inputs import CLI_QUERIES, Inputs
from bench.peers.tools import Peers, PeerSetup
from bench.procs import READQ, log, readq_env, run_timed

STATUSES = ["to-read", "read", "skipped", "new"]


def measure_cli_query(inp: Inputs, reps: Repeats, peers: Peers, setup: PeerSetup, fig: Figures) -> None:
    """Each CLI query through readq, then fzf, coBib and papis; coBib and papis once per query at >= 50k."""
    n, libdir, cobib_cfg = fig.papers, inp.libdir, setup.cobib_cfg
    q_readq, q_fzf, q_cobib, q_papis, q_rss = [], [], [], [], []
    for r in range(reps.whole):
        for q in CLI_QUERIES:
            run = run_timed([*READQ, "--library", str(libdir), "list", "--query", q, "--json"], env=readq_env(libdir))
            if run.rc not in (0, 1):
                raise RuntimeError(f"readq list --query failed: {run.stderr[-800:]}")
            q_readq.append(run.seconds)
            q_rss.append(run.rss_mb)
            if peers.fzf:
                q_fzf.append(run_timed([peers.fzf, "-e", "--filter", q], stdin=inp.lines).seconds)
            # coBib reads its whole database per command (30 s at 10k papers here): at >= 50k one search
            if cobib_cfg and (not reps.heavy or (r == 0 and q == CLI_QUERIES[0])):
                run = run_timed([str(peers.cobib), "-c", str(cobib_cfg), "search", *q.split()], env=setup.env,
                                timeout=peers.timeout)
                if not run.timed_out:
                    q_cobib.append(run.seconds)
                else:
                    peers.notes[f"cobib-search@{n}"] = f"`cobib search {q}` killed at the {peers.timeout:.0f} s timeout"
            if setup.papis_cmd and (not reps.heavy or r == 0):
                run = run_timed([*setup.papis_cmd, q], env=setup.env, timeout=peers.timeout)
                if not run.timed_out and "[ERROR]" not in run.stderr:
                    q_papis.append(run.seconds)
    fig.res["cli_query_s"] = rnd(median(q_readq))
    fig.extra["cli_query_rss_mb"] = rnd(median(q_rss), 1)
    fig.peer["fzf_filter_s"] = rnd(median(q_fzf))
    fig.peer["cobib_search_s"] = rnd(median(q_cobib))
    fig.peer["papis_list_query_s"] = rnd(median(q_papis))
    log(f"n={n}: cli_query {fig.res['cli_query_s']}s; fzf {fig.peer['fzf_filter_s']}; coBib search "
        f"{fig.peer['cobib_search_s']}; papis {fig.peer['papis_list_query_s']}")


def measure_cli_list(inp: Inputs, reps: Repeats, peers: Peers, setup: PeerSetup, fig: Figures) -> None:
    """`readq list` (no query) vs `cobib list`; at >= 50k coBib's cold list in the setup is its only one."""
    libdir, cobib_cfg = inp.libdir, setup.cobib_cfg
    l_readq, l_cobib = [], []
    for _ in range(reps.whole):
        l_readq.append(run_timed([*READQ, "--library", str(libdir), "list"], env=readq_env(libdir)).seconds)
        if cobib_cfg and not reps.heavy:  # at >= 50k its cold `list` above is the only one (minutes each)
            run = run_timed([str(peers.cobib), "-c", str(cobib_cfg), "list"], env=setup.env, timeout=peers.timeout)
            if not run.timed_out:
                l_cobib.append(run.seconds)
    fig.extra["cli_list_s"] = rnd(median(l_readq))
    fig.peer["cobib_list_s"] = rnd(median(l_cobib))


def measure_cli_mark(inp: Inputs, reps: Repeats, peers: Peers, setup: PeerSetup, fig: Figures, ids: list[str]) -> None:
    """`readq mark STATUS ID` on random papers vs `cobib modify -s tags:STATUS` (once at >= 50k)."""
    n, libdir, cobib_cfg = fig.papers, inp.libdir, setup.cobib_cfg
    rng = random.Random(n)
    m_readq, m_cobib = [], []
    for r in range(reps.every):
        pid = rng.choice(ids)
        run = run_timed([*READQ, "--library", str(libdir), "mark", STATUSES[r % 4], pid], env=readq_env(libdir))
        if run.rc != 0:
            raise RuntimeError(f"readq mark failed: {run.stderr[-800:]}")
        m_readq.append(run.seconds)
        if cobib_cfg and (not reps.heavy or r == 0):
            run = run_timed([str(peers.cobib), "-c", str(cobib_cfg), "modify", "-s", f"tags:{STATUSES[r % 4]}",
                             "--", "p" + pid], env=setup.env, timeout=peers.timeout)
            if not run.timed_out and run.rc == 0:
                m_cobib.append(run.seconds)
    fig.res["cli_mark_s"] = rnd(median(m_readq))
    fig.peer["cobib_modify_s"] = rnd(median(m_cobib))
    log(f"n={n}: cli_mark {fig.res['cli_mark_s']}s; coBib modify {fig.peer['cobib_modify_s']}")
