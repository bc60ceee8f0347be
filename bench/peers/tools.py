"""The peers of one benchmark run: which tools are installed, the environment they run in, and
their untimed setup per library size (coBib's database with its cache warmed, papis' library with
its cache built), so the timed runs that follow compare warm peers with warm readq."""

from __future__ import annotations

import argparse
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from bench.figures import Figures, rnd
from bench.inputs import Inputs
from bench.peers.formats import cobib_config, papis_setup, render_cobib_yaml
from bench.procs import log, run_timed


class Peers:
    """The peer tools found or installed for this run (None when skipped) and why any is missing."""

    def __init__(self, workdir: Path, skip: bool, timeout: float) -> None:
        self.skip = skip
        self.timeout = timeout
        self.notes: dict[str, str] = {}
        self.fzf = self.cobib = self.papis = None
        self.home = workdir / "peer-home"  # HOME/XDG dirs for peers: never the user's own config
        if skip:
            self.notes["all"] = "skipped (--skip-peers)"
            return
        from bench.peers.setup import ensure_fzf, ensure_venv

        self.fzf, why = ensure_fzf()
        if why:
            self.notes["fzf"] = why
            log(f"fzf skipped: {why}")
        self.cobib, why = ensure_venv("cobib")
        if why:
            self.notes["cobib"] = why
            log(f"coBib skipped: {why}")
        self.papis, why = ensure_venv("papis")
        if why:
            self.notes["papis"] = why
            log(f"papis skipped: {why}")

    def env(self) -> dict[str, str]:
        h = self.home
        for d in ("config", "data", "cache", "state"):
            (h / d).mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, HOME=str(h), XDG_CONFIG_HOME=str(h / "config"), XDG_DATA_HOME=str(h / "data"),
                   XDG_CACHE_HOME=str(h / "cache"), XDG_STATE_HOME=str(h / "state"), TERM="dumb", COLUMNS="120")
        env.pop("PYTHONPATH", None)
        return env


@dataclass
class PeerSetup:
    """What the timed peer runs of one size use: coBib's config file and papis' command line (each
    None when that peer is missing or failed its setup run), and the peers' environment."""

    cobib_cfg: Path | None
    papis_cmd: list[str] | None
    env: dict[str, str] | None


def _prepare_cobib(n: int, inp: Inputs, peers: Peers, env: dict[str, str] | None, fig: Figures) -> Path | None:
    """Write coBib's database and config, and run one untimed `cobib list` that builds its cache."""
    y = inp.dir / "cobib.yaml"
    if not y.exists():
        y.write_text(render_cobib_yaml(inp.papers), encoding="utf-8")
    cfg = cobib_config(inp.dir, y)
    shutil.rmtree(inp.dir / "cobib-cache", ignore_errors=True)
    run = run_timed([str(peers.cobib), "-c", str(cfg), "list"], env=env, timeout=peers.timeout)
    fig.peer["cobib_cold_list_s"] = None if run.timed_out else rnd(run.seconds)
    if run.timed_out or run.rc != 0:
        peers.notes[f"cobib@{n}"] = ("timed out" if run.timed_out else f"exit {run.rc}: {run.stderr[-300:]}")
        log(f"coBib at n={n}: {peers.notes[f'cobib@{n}']}")
        return None
    log(f"n={n}: coBib first (cold, builds its cache) list {run.seconds:.2f}s")
    return cfg


def _prepare_papis(n: int, inp: Inputs, peers: Peers, env: dict[str, str] | None, fig: Figures) -> list[str] | None:
    """Write papis' library and run one untimed search that builds its document cache."""
    t0 = time.perf_counter()
    papis_lib = papis_setup(inp)
    shutil.rmtree(peers.home / "cache" / "papis", ignore_errors=True)  # its document cache
    cmd = [str(peers.papis), "-l", str(papis_lib), "--set", "match-format", "{doc[title]} {doc[abstract]}",
           "list", "--all", "--format", "{doc[title]}"]
    run = run_timed([*cmd, "nomatchwhatsoever"], env=env, timeout=peers.timeout)
    fig.peer["papis_cold_s"] = None if run.timed_out else rnd(run.seconds)
    if run.timed_out or run.rc not in (0, 1) or "[ERROR]" in run.stderr:
        peers.notes[f"papis@{n}"] = "timed out" if run.timed_out else f"exit {run.rc}: {run.stderr[-300:]}"
        log(f"papis at n={n}: {peers.notes[f'papis@{n}']}")
        return None
    log(f"n={n}: papis setup {time.perf_counter() - t0:.1f}s, first (cold, builds its cache) run {run.seconds:.2f}s")
    return cmd


def prepare_peers(n: int, inp: Inputs, peers: Peers, args: argparse.Namespace, fig: Figures) -> PeerSetup:
    """The peers' files for this size and their untimed cache-building runs (`*_cold_*` figures)."""
    env = peers.env() if not peers.skip else None
    cobib_cfg = _prepare_cobib(n, inp, peers, env, fig) if peers.cobib else None
    papis_cmd = None
    if peers.papis and n <= args.papis_max:
        papis_cmd = _prepare_papis(n, inp, peers, env, fig)
    elif peers.papis:
        peers.notes[f"papis@{n}"] = f"not run above --papis-max {args.papis_max} papers"
    return PeerSetup(cobib_cfg, papis_cmd, env)
