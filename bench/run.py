#!/usr/bin/env python
"""readq benchmarks: import, query, mark, TUI start/filter/mark, memory; and peers on the same work.

    python bench/run.py --papers 1000,10000,100000 --json bench/results/full.json
    python bench/run.py --quick --skip-peers          # a couple of minutes
    options: --repeat N (default 5) · --quick · --skip-peers · --workdir DIR · --peer-timeout S

Every figure is a median over repeated runs (p95 too where it is a latency); whole-process figures
are wall-clock times of a fresh process, readq and its peer alternating in the same loop so a noisy
machine hits both alike. See bench/README.md for what each figure means and the latest results.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PY = sys.executable
READQ_SCRIPT = Path(PY).parent / "readq"
READQ = [str(READQ_SCRIPT)] if READQ_SCRIPT.exists() else [PY, "-m", "readq"]
TODAY = "2026-06-01"  # READQ_TODAY for imports: year-less dates resolve the same on every run

# Realistic filter queries: one and two words, hyphenated, phrase-like; all occur in the corpus.
QUERIES = ["video understanding", "temporal grounding", "diffusion", "zero-shot", "benchmark",
           "long-context", "token pruning", "reinforcement learning"]
CLI_QUERIES = QUERIES[:4]  # whole-process figures use the first four

KEYS = ["import_s", "read_split_s", "first_paint_s", "ready_s", "filter_p50_ms", "filter_p95_ms",
        "mark_p50_ms", "mark_p95_ms", "cli_mark_s", "cli_query_s", "rss_mb"]

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- statistics
def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def p95(xs: list[float]) -> float | None:
    if not xs:
        return None
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(0.95 * (len(s) - 1))))]  # nearest rank on the sorted samples


def rnd(x: float | None, nd: int = 4) -> float | None:
    return None if x is None else round(x, nd)


# ---------------------------------------------------------------------------- processes
class Run:
    __slots__ = ("seconds", "rss_mb", "rc", "stderr", "timed_out")

    def __init__(self, seconds: float, rss_mb: float, rc: int, stderr: str, timed_out: bool) -> None:
        self.seconds, self.rss_mb, self.rc, self.stderr, self.timed_out = seconds, rss_mb, rc, stderr, timed_out


def _vmhwm_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def run_timed(cmd: list[str], *, env: dict[str, str] | None = None, stdin: Path | None = None,
              timeout: float | None = None, stdout: Any = subprocess.DEVNULL) -> Run:
    """Wall time and peak RSS of one whole process; stdout discarded, stderr kept.

    Peak RSS is the child's VmHWM, sampled every 10 ms until it exits (so a peak in its last
    10 ms can be missed). Not wait4's ru_maxrss: Linux carries it over fork+exec, so every child
    of this (large) process would report this process's own peak."""
    with tempfile.TemporaryFile() as err, (open(stdin, "rb") if stdin else open(os.devnull, "rb")) as fin:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=fin, stdout=stdout, stderr=err, env=env, start_new_session=True)
        killed = threading.Event()
        peak = [0.0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.01):
                v = _vmhwm_mb(proc.pid)
                if v:
                    peak[0] = max(peak[0], v)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()

        def kill() -> None:
            killed.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)  # exited, not yet reaped: /proc still readable
        seconds = time.perf_counter() - t0
        v = _vmhwm_mb(proc.pid)
        peak[0] = max(peak[0], v or 0.0)
        done.set()
        proc.wait()
        if timer:
            timer.cancel()
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return Run(seconds, peak[0], proc.returncode, text, killed.is_set())


def readq_env(library: Path) -> dict[str, str]:
    env = dict(os.environ, READQ_TODAY=TODAY, READQ_LIBRARY=str(library))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def py_json(args: list[str], env: dict[str, str] | None = None, timeout: float | None = None) -> dict:
    """Run `python <args>` and parse the last stdout line as JSON."""
    proc = subprocess.run([PY, *args], capture_output=True, text=True, env=env, timeout=timeout)
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(args[:2])} failed ({proc.returncode}): {proc.stderr.strip()[-800:]}")
    return json.loads(lines[-1])


# ---------------------------------------------------------------------------- inputs
def hf_date(iso: str, votes: int | None) -> str:
    d = _dt.date.fromisoformat(iso)
    s = f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    return f"{s} {votes}" if votes is not None else s


def render_digest(papers: list) -> str:
    """The papers as one HF "Daily Papers" plain-text digest (the hf-daily layout of seed 004):
    page chrome, the digest date, then per paper: title / blank / abstract / blank / metadata block
    ("• N authors" or "OrgSlug Org Name", "·", "Mon D, YYYY [upvotes]") / blank."""
    out = ["Get trending papers in your email inbox!", "", "Subscribe", "", "Daily Papers", "",
           "byAK and the research community", "", "Jun 1, 2026", ""]
    for p in papers:
        out += [p.title, ""]
        abstract = p.abstract
        if p.links:
            abstract += f" Code: {p.links[0]}"
        out += [abstract, ""]
        meta: list[str] = []
        if p.published:
            if p.org:
                meta.append(f"{p.org.replace(' ', '')} {p.org}")
            elif p.authors_count:
                meta.append(f"  • {p.authors_count} authors")
            meta += ["·", hf_date(p.published, p.upvotes)]
        elif p.authors_count:
            meta.append(f"  • {p.authors_count} authors")
        if meta:
            out += [*meta, ""]
    return "\n".join(out) + "\n"


def cobib_label(p: Any) -> str:
    return "p" + p.id


def render_cobib_yaml(papers: list) -> str:
    """coBib's database format (one `---`/`...` YAML document per entry, fields sorted, like its
    own YAMLParser.dump); strings as JSON-style double-quoted scalars, which are valid YAML."""
    q = json.dumps
    parts = []
    for p in papers:
        lines = ["---", f"{cobib_label(p)}:", "  ENTRYTYPE: article", f"  abstract: {q(p.abstract, ensure_ascii=False)}"]
        if p.arxiv_id:
            lines += ["  archivePrefix: arXiv", f"  eprint: '{p.arxiv_id}'"]
        if p.published:
            lines.append(f"  month: {MONTHS[int(p.published[5:7]) - 1].lower()}")
        lines += ["  tags:", f"  - {p.status.value}", f"  title: {q(p.title, ensure_ascii=False)}"]
        if p.links:
            lines += ["  url:", f"  - {p.links[0]}"]
        if p.published:
            lines.append(f"  year: {p.published[:4]}")
        lines.append("...")
        parts.append("\n".join(lines))
    return "\n".join(parts) + "\n"


class Inputs:
    """The generated files for one size, cached in the workdir (generation is deterministic)."""

    def __init__(self, workdir: Path, n: int) -> None:
        from bench.synth import make_papers

        self.dir = workdir / f"n{n}"
        self.dir.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        self.papers = make_papers(n, seed=0)
        assert len({p.title for p in self.papers}) == n, "synthetic papers must be distinct"
        self.digest = self.dir / "digest.txt"
        self.lines = self.dir / "lines.txt"
        stamp = self.dir / "stamp"
        if not (stamp.exists() and stamp.read_text() == str(n)):
            self.digest.write_text(render_digest(self.papers), encoding="utf-8")
            with open(self.lines, "w", encoding="utf-8") as f:
                for p in self.papers:  # one line per paper: title and abstract, as readq searches them
                    f.write(f"{p.title} {p.abstract}\n".replace("\r", " "))
            stamp.write_text(str(n))
        log(f"n={n}: inputs ready ({time.perf_counter() - t0:.1f}s; digest {self.digest.stat().st_size / 1e6:.1f} MB)")


# ---------------------------------------------------------------------------- in-process workers
def worker_mark(library: str, ops: int, seed: int) -> None:
    """readq: `Library.set_status` on random papers, each a real change, durable on return."""
    from readq.store import Library

    lib = Library(library)
    lib.load()
    ids = lib.ids()
    rng = random.Random(seed)
    statuses = ["to-read", "read", "skipped", "new"]
    times = []
    for i in range(ops):
        pid = rng.choice(ids)
        status = statuses[i % 4]
        if lib.state(pid)[0].value == status:
            status = statuses[(i + 1) % 4]
        t0 = time.perf_counter()
        lib.set_status([pid], status)
        times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"ms": times}))


def worker_tinydb(path: str, ops: int, seed: int, budget: float) -> None:
    """TinyDB with its default JSONStorage: `table.update` of one paper's status (whole-file rewrite).
    Stops after `ops` updates or `budget` seconds (at least 3 updates)."""
    from tinydb import TinyDB

    db = TinyDB(path)  # default storage: JSONStorage (json module, no fsync)
    table = db.table("papers")
    n = len(table)
    rng = random.Random(seed)
    statuses = ["to-read", "read", "skipped", "new"]
    times: list[float] = []
    start = time.perf_counter()
    for i in range(ops):
        doc_id = rng.randint(1, n)
        t0 = time.perf_counter()
        table.update({"status": statuses[i % 4]}, doc_ids=[doc_id])
        times.append((time.perf_counter() - t0) * 1000)
        if len(times) >= 3 and time.perf_counter() - start > budget:
            break
    print(json.dumps({"ms": times, "n": n}))


# ---------------------------------------------------------------------------- peers
class Peers:
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


def cobib_config(dirpath: Path, yaml_path: Path) -> Path:
    cfg = dirpath / "cobib_config.py"
    cfg.write_text(
        "from cobib.config import config\n"
        f"config.database.file = {str(yaml_path)!r}\n"
        f"config.database.cache = {str(dirpath / 'cobib-cache')!r}\n"
        "config.database.git = False\n"
        "config.logging.version = None\n"  # no "what's new" banner
    )
    return cfg


def papis_setup(inp: Inputs) -> Path:
    """A papis library: one folder + info.yaml per paper. It is passed by path (`-l DIR`) and
    searched over title and abstract (`--set match-format "{doc[title]} {doc[abstract]}"`)."""
    lib = inp.dir / "papis-lib"
    stamp = inp.dir / "papis.stamp"
    if not stamp.exists():
        if lib.exists():
            shutil.rmtree(lib)
        lib.mkdir()
        q = json.dumps
        for p in inp.papers:
            d = lib / p.id
            d.mkdir()
            info = [f"ref: {q(cobib_label(p))}", f"title: {q(p.title, ensure_ascii=False)}",
                    f"abstract: {q(p.abstract, ensure_ascii=False)}", f"tags: {q(p.status.value)}"]
            if p.published:
                info.append(f"year: {p.published[:4]}")
            (d / "info.yaml").write_text("\n".join(info) + "\n", encoding="utf-8")
        stamp.write_text("ok")
    return lib


# ---------------------------------------------------------------------------- one size
def bench_size(n: int, args: argparse.Namespace, peers: Peers) -> dict[str, Any]:
    inp = Inputs(args.workdir, n)
    heavy = n >= 50_000
    rep = args.repeat
    rep_heavy = max(1, min(rep, 3)) if heavy else rep  # whole-process runs of many seconds
    res: dict[str, Any] = {"papers": n}
    extra: dict[str, Any] = {}
    peer: dict[str, Any] = {}
    ratios: dict[str, Any] = {}
    libdir = inp.dir / "lib"

    # ---- import vs bare read-and-split, alternating
    imports, reads, rss_import = [], [], []
    split_code = ("import sys\nd = open(sys.argv[1], 'rb').read().decode('utf-8')\n"
                  "blocks = d.split('\\n\\n')\nprint(len(blocks))\n")
    for r in range(rep_heavy):
        if libdir.exists():
            shutil.rmtree(libdir)
        run = run_timed([*READQ, "--library", str(libdir), "import", "-q", str(inp.digest)], env=readq_env(libdir))
        if run.rc != 0:
            raise RuntimeError(f"readq import failed: {run.stderr[-800:]}")
        imports.append(run.seconds)
        rss_import.append(run.rss_mb)
        reads.append(run_timed([PY, "-c", split_code, str(inp.digest)]).seconds)
    res["import_s"], res["read_split_s"] = rnd(median(imports)), rnd(median(reads))
    extra["import_rss_mb"] = rnd(median(rss_import), 1)
    index = json.loads((libdir / "index.json").read_bytes())
    extra["imported_papers"] = len(index["ids"])
    if extra["imported_papers"] != n:
        log(f"WARNING: imported {extra['imported_papers']} papers, expected {n}")
    log(f"n={n}: import {res['import_s']}s vs read+split {res['read_split_s']}s")
    ids = index["ids"]
    rng = random.Random(n)

    # ---- peer files (untimed setup)
    cobib_cfg = papis_cfg = None
    penv = peers.env() if not peers.skip else None
    if peers.cobib:
        y = inp.dir / "cobib.yaml"
        if not y.exists():
            y.write_text(render_cobib_yaml(inp.papers), encoding="utf-8")
        cobib_cfg = cobib_config(inp.dir, y)
        shutil.rmtree(inp.dir / "cobib-cache", ignore_errors=True)
        run = run_timed([str(peers.cobib), "-c", str(cobib_cfg), "list"], env=penv, timeout=peers.timeout)
        peer["cobib_cold_list_s"] = None if run.timed_out else rnd(run.seconds)
        if run.timed_out or run.rc != 0:
            peers.notes[f"cobib@{n}"] = ("timed out" if run.timed_out else f"exit {run.rc}: {run.stderr[-300:]}")
            log(f"coBib at n={n}: {peers.notes[f'cobib@{n}']}")
            cobib_cfg = None
        else:
            log(f"n={n}: coBib first (cold, builds its cache) list {run.seconds:.2f}s")
    if peers.papis and n <= args.papis_max:
        t0 = time.perf_counter()
        papis_lib = papis_setup(inp)
        shutil.rmtree(peers.home / "cache" / "papis", ignore_errors=True)  # its document cache
        papis_cfg = [str(peers.papis), "-l", str(papis_lib), "--set", "match-format", "{doc[title]} {doc[abstract]}",
                     "list", "--all", "--format", "{doc[title]}"]
        run = run_timed([*papis_cfg, "nomatchwhatsoever"], env=penv, timeout=peers.timeout)
        peer["papis_cold_s"] = None if run.timed_out else rnd(run.seconds)
        if run.timed_out or run.rc not in (0, 1) or "[ERROR]" in run.stderr:
            peers.notes[f"papis@{n}"] = "timed out" if run.timed_out else f"exit {run.rc}: {run.stderr[-300:]}"
            log(f"papis at n={n}: {peers.notes[f'papis@{n}']}")
            papis_cfg = None
        else:
            log(f"n={n}: papis setup {time.perf_counter() - t0:.1f}s, first (cold, builds its cache) run {run.seconds:.2f}s")
    elif peers.papis:
        peers.notes[f"papis@{n}"] = f"not run above --papis-max {args.papis_max} papers"

    # ---- whole-process query: readq list --query --json vs fzf -e --filter vs coBib/papis search
    q_readq, q_fzf, q_cobib, q_papis, q_rss = [], [], [], [], []
    for r in range(rep_heavy if heavy else rep):
        for q in CLI_QUERIES:
            run = run_timed([*READQ, "--library", str(libdir), "list", "--query", q, "--json"], env=readq_env(libdir))
            if run.rc not in (0, 1):
                raise RuntimeError(f"readq list --query failed: {run.stderr[-800:]}")
            q_readq.append(run.seconds)
            q_rss.append(run.rss_mb)
            if peers.fzf:
                q_fzf.append(run_timed([peers.fzf, "-e", "--filter", q], stdin=inp.lines).seconds)
            # coBib reads its whole database per command (30 s at 10k papers here): at >= 50k one search
            if cobib_cfg and (not heavy or (r == 0 and q == CLI_QUERIES[0])):
                run = run_timed([str(peers.cobib), "-c", str(cobib_cfg), "search", *q.split()], env=penv,
                                timeout=peers.timeout)
                if not run.timed_out:
                    q_cobib.append(run.seconds)
                else:
                    peers.notes[f"cobib-search@{n}"] = f"`cobib search {q}` killed at the {peers.timeout:.0f} s timeout"
            if papis_cfg and (not heavy or r == 0):
                run = run_timed([*papis_cfg, q], env=penv, timeout=peers.timeout)
                if not run.timed_out and "[ERROR]" not in run.stderr:
                    q_papis.append(run.seconds)
    res["cli_query_s"] = rnd(median(q_readq))
    extra["cli_query_rss_mb"] = rnd(median(q_rss), 1)
    peer["fzf_filter_s"] = rnd(median(q_fzf))
    peer["cobib_search_s"] = rnd(median(q_cobib))
    peer["papis_list_query_s"] = rnd(median(q_papis))
    log(f"n={n}: cli_query {res['cli_query_s']}s; fzf {peer['fzf_filter_s']}; coBib search {peer['cobib_search_s']}; "
        f"papis {peer['papis_list_query_s']}")

    # ---- whole-process list (no query): readq list vs cobib list
    l_readq, l_cobib = [], []
    for r in range(rep_heavy):
        l_readq.append(run_timed([*READQ, "--library", str(libdir), "list"], env=readq_env(libdir)).seconds)
        if cobib_cfg and not heavy:  # at >= 50k its cold `list` above is the only one (minutes each)
            run = run_timed([str(peers.cobib), "-c", str(cobib_cfg), "list"], env=penv, timeout=peers.timeout)
            if not run.timed_out:
                l_cobib.append(run.seconds)
    extra["cli_list_s"] = rnd(median(l_readq))
    peer["cobib_list_s"] = rnd(median(l_cobib))

    # ---- whole-process mark: readq mark vs cobib modify tags
    m_readq, m_cobib = [], []
    statuses = ["to-read", "read", "skipped", "new"]
    for r in range(rep):
        pid = rng.choice(ids)
        run = run_timed([*READQ, "--library", str(libdir), "mark", statuses[r % 4], pid], env=readq_env(libdir))
        if run.rc != 0:
            raise RuntimeError(f"readq mark failed: {run.stderr[-800:]}")
        m_readq.append(run.seconds)
        if cobib_cfg and (not heavy or r == 0):
            run = run_timed([str(peers.cobib), "-c", str(cobib_cfg), "modify", "-s", f"tags:{statuses[r % 4]}",
                             "--", "p" + pid], env=penv, timeout=peers.timeout)
            if not run.timed_out and run.rc == 0:
                m_cobib.append(run.seconds)
    res["cli_mark_s"] = rnd(median(m_readq))
    peer["cobib_modify_s"] = rnd(median(m_cobib))
    log(f"n={n}: cli_mark {res['cli_mark_s']}s; coBib modify {peer['cobib_modify_s']}")

    # ---- in-process durable mark (Library.set_status) vs TinyDB default JSONStorage table.update
    ops = args.mark_ops
    marks = py_json([str(Path(__file__)), "--worker", "mark", str(libdir), str(ops), "1"])["ms"]
    res["mark_p50_ms"], res["mark_p95_ms"] = rnd(median(marks), 3), rnd(p95(marks), 3)
    if not peers.skip:
        tdb = inp.dir / "tinydb.json"
        shutil.copyfile(libdir / "papers.json", tdb)  # the same catalogue, in TinyDB's own format
        t = py_json([str(Path(__file__)), "--worker", "tinydb", str(tdb), str(ops), "1", str(args.tinydb_budget)])
        peer["tinydb_update_p50_ms"], peer["tinydb_update_p95_ms"] = rnd(median(t["ms"]), 2), rnd(p95(t["ms"]), 2)
        peer["tinydb_update_samples"] = len(t["ms"])
        tdb.unlink()
    log(f"n={n}: mark p50 {res['mark_p50_ms']} ms p95 {res['mark_p95_ms']} ms; TinyDB update p95 "
        f"{peer.get('tinydb_update_p95_ms')} ms")

    # ---- TUI: first paint, ready, filter per keystroke, mark, rss (fresh process per run)
    tui_runs: list[dict] = []
    tui_skip = None
    # all queries on the first run, two on the others; a tiny (smoke-test) library types three
    tui_queries = QUERIES if n >= 1000 else QUERIES[:3]
    # one extra start with readq's derived caches (the persisted search index, `lib/cache/`) removed,
    # as on the first start after an import; the figures below are the warm starts that follow
    if (libdir / "cache").is_dir():
        shutil.rmtree(libdir / "cache")
        t0 = time.monotonic()
        cold = py_json([str(ROOT / "bench" / "tui_probe.py"), str(libdir), "--t0", repr(t0), "--queries", "[]",
                        "--marks", "0"], env=readq_env(libdir), timeout=1800)
        extra["ready_cold_s"] = rnd(cold.get("ready_s"))
    for r in range(rep_heavy if heavy else rep):
        t0 = time.monotonic()
        out = py_json([str(ROOT / "bench" / "tui_probe.py"), str(libdir), "--t0", repr(t0),
                       "--queries", json.dumps(tui_queries if r == 0 else tui_queries[:2]),
                       "--marks", str(args.tui_marks)], env=readq_env(libdir), timeout=1800)
        if "skipped" in out:
            tui_skip = out["skipped"]
            break
        if out.get("error"):
            raise RuntimeError(f"TUI probe: {out['error']}")
        tui_runs.append(out)
    if tui_runs:
        fl = [x for o in tui_runs for x in o["filter_ms"]]
        mk = [x for o in tui_runs for x in o["mark_ms"]]
        res["first_paint_s"] = rnd(median([o["first_paint_s"] for o in tui_runs]))
        res["ready_s"] = rnd(median([o["ready_s"] for o in tui_runs]))
        res["filter_p50_ms"], res["filter_p95_ms"] = rnd(median(fl), 2), rnd(p95(fl), 2)
        res["rss_mb"] = rnd(median([o["rss_mb"] for o in tui_runs]), 1)
        extra["tui_mark_p50_ms"], extra["tui_mark_p95_ms"] = rnd(median(mk), 2), rnd(p95(mk), 2)
        extra["filter_keystrokes"] = len(fl)
        extra["filter_timeouts"] = sum(o["filter_timeouts"] for o in tui_runs)
        extra["tui_method"] = tui_runs[0]["method"]
        extra["list_shown_s"] = rnd(median([o["list_shown_s"] for o in tui_runs]))
        extra["tui_mark_durable_p95_ms"] = rnd(p95([x for o in tui_runs for x in o["mark_durable_ms"]]), 2)
        extra["filter_install_p95_ms"] = rnd(p95([x for o in tui_runs for x in o["filter_install_ms"]]), 2)
        log(f"n={n}: TUI first paint {res['first_paint_s']}s ready {res['ready_s']}s filter p50 "
            f"{res['filter_p50_ms']} p95 {res['filter_p95_ms']} ms; rss {res['rss_mb']} MB")
    else:
        for k in ("first_paint_s", "ready_s", "filter_p50_ms", "filter_p95_ms", "rss_mb"):
            res[k] = None
        extra["tui_skipped"] = tui_skip
        log(f"n={n}: TUI skipped: {tui_skip}")

    # ---- coBib TUI start-up (Textual, headless), same probe style
    if cobib_cfg:
        try:
            t0 = time.monotonic()
            c = []
            for r in range(1 if heavy else rep):
                t0 = time.monotonic()
                c.append(peer_json([str(peers.cobib.parent / "python"), str(ROOT / "bench" / "peers" / "cobib_tui_probe.py"),
                                    str(cobib_cfg), "--t0", repr(t0)], env=penv, timeout=peers.timeout))
            if all(o.get("first_paint_s") is not None for o in c):
                peer["cobib_first_paint_s"] = rnd(median([o["first_paint_s"] for o in c]))
            if all(o.get("ready_s") is not None for o in c):
                peer["cobib_ready_s"] = rnd(median([o["ready_s"] for o in c]))
                peer["cobib_tui_rss_mb"] = rnd(median([o["rss_mb"] for o in c]), 1)
        except Exception as exc:  # noqa: BLE001 - a peer problem is a note, not a failed run
            peers.notes[f"cobib-tui@{n}"] = str(exc)[:300]
            log(f"coBib TUI at n={n}: {exc}")

    # ---- ratios readq/peer (< 1: readq is faster)
    def ratio(a: Any, b: Any) -> float | None:
        return float(f"{a / b:.3g}") if a is not None and b else None

    ratios["cli_query/fzf"] = ratio(res["cli_query_s"], peer.get("fzf_filter_s"))
    ratios["cli_query/cobib_search"] = ratio(res["cli_query_s"], peer.get("cobib_search_s"))
    ratios["cli_list/cobib_list"] = ratio(extra["cli_list_s"], peer.get("cobib_list_s"))
    ratios["cli_mark/cobib_modify"] = ratio(res["cli_mark_s"], peer.get("cobib_modify_s"))
    ratios["first_paint/cobib_first_paint"] = ratio(res.get("first_paint_s"), peer.get("cobib_first_paint_s"))
    ratios["ready/cobib_ready"] = ratio(res.get("ready_s"), peer.get("cobib_ready_s"))
    ratios["rss/cobib_tui_rss"] = ratio(res.get("rss_mb"), peer.get("cobib_tui_rss_mb"))
    ratios["mark_p95/tinydb_update_p95"] = ratio(res["mark_p95_ms"], peer.get("tinydb_update_p95_ms"))
    ratios["cli_query/papis_query"] = ratio(res["cli_query_s"], peer.get("papis_list_query_s"))
    res["extra"], res["peers"], res["ratios"] = extra, peer, ratios
    return res


def peer_json(cmd: list[str], env: dict[str, str], timeout: float) -> dict:
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip().startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
    return json.loads(lines[-1])


# ---------------------------------------------------------------------------- targets and table
TARGETS = [
    # (label, check(res) -> (value_text, met or None))
    ("filter p95 <= 16 ms", lambda r: (r["filter_p95_ms"], None if r["filter_p95_ms"] is None else r["filter_p95_ms"] <= 16)),
    ("first paint <= 0.5 s", lambda r: (r["first_paint_s"], None if r["first_paint_s"] is None else r["first_paint_s"] <= 0.5)),
    ("ready <= 2 s", lambda r: (r["ready_s"], None if r["ready_s"] is None else r["ready_s"] <= 2)),
    ("durable mark p95 <= 5 ms", lambda r: (r["mark_p95_ms"], r["mark_p95_ms"] <= 5)),
    ("import <= 8x bare read", lambda r: (rnd(r["import_s"] / r["read_split_s"], 2), r["import_s"] <= 8 * r["read_split_s"])),
    ("cli_query <= fzf", lambda r: (r["ratios"]["cli_query/fzf"], None if r["ratios"]["cli_query/fzf"] is None else r["ratios"]["cli_query/fzf"] <= 1)),
    ("peak memory <= 600 MB", lambda r: (r["rss_mb"], None if r["rss_mb"] is None else r["rss_mb"] <= 600)),
]


def evaluate(results: dict[str, dict]) -> list[dict]:
    """Targets at the largest size run (they are stated at 100k); plus size-independence of mark and
    'ahead of coBib on every shared figure'."""
    if not results:
        return []
    sizes = sorted(results, key=int)
    big = results[sizes[-1]]
    out = []
    for label, check in TARGETS:
        value, met = check(big)
        out.append({"target": label, "papers": big["papers"], "value": value, "met": met})
    if len(sizes) > 1:
        small, large = results[sizes[0]]["mark_p95_ms"], big["mark_p95_ms"]
        out.append({"target": "mark p95 independent of size (largest/smallest <= 2)", "papers": big["papers"],
                    "value": rnd(large / small, 2), "met": large / small <= 2})
    cobib = {k: v for k, v in big["ratios"].items() if "cobib" in k and v is not None}
    if cobib:
        out.append({"target": "ahead of coBib on every shared figure (all ratios < 1)", "papers": big["papers"],
                    "value": cobib, "met": all(v < 1 for v in cobib.values())})
    return out


def fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def table(results: dict[str, dict], targets: list[dict]) -> str:
    sizes = sorted(results, key=int)
    rows: list[tuple[str, list[Any]]] = [(k, [results[s].get(k) for s in sizes]) for k in KEYS]
    rows.append(("— extra", [""] * len(sizes)))
    for k in ("list_shown_s", "ready_cold_s", "filter_install_p95_ms", "tui_mark_p50_ms", "tui_mark_p95_ms",
              "tui_mark_durable_p95_ms", "cli_list_s", "import_rss_mb", "cli_query_rss_mb"):
        rows.append((k, [results[s]["extra"].get(k) for s in sizes]))
    rows.append(("— peers", [""] * len(sizes)))
    pkeys = sorted({k for s in sizes for k in results[s]["peers"]})
    rows += [(k, [results[s]["peers"].get(k) for s in sizes]) for k in pkeys]
    rows.append(("— ratios readq/peer (<1 = readq faster)", [""] * len(sizes)))
    rkeys = list(results[sizes[0]]["ratios"])
    rows += [(k, [results[s]["ratios"].get(k) for s in sizes]) for k in rkeys]
    w0 = max(len(r[0]) for r in rows)
    head = f"| {'figure':<{w0}} | " + " | ".join(f"{int(s):>9,}" for s in sizes) + " |"
    lines = [head, "|" + "-" * (w0 + 2) + "|" + "|".join("-" * 11 for _ in sizes) + "|"]
    for name, vals in rows:
        lines.append(f"| {name:<{w0}} | " + " | ".join(f"{fmt(v):>9}" for v in vals) + " |")
    if targets:
        lines += ["", f"Targets (at {targets[0]['papers']:,} papers):", ""]
        for t in targets:
            mark = "met" if t["met"] else ("n/a" if t["met"] is None else "NOT met")
            lines.append(f"- {t['target']}: {fmt(t['value'])} -> {mark}")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        info["cpu"] = next((ln.split(":", 1)[1].strip() for ln in lscpu.splitlines() if ln.startswith("Model name")), None)
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as f:
            info["mem_gb"] = round(int(f.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        import textual

        info["textual"] = textual.__version__
    except Exception:  # noqa: BLE001
        pass
    try:
        info["readq_commit"] = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                              capture_output=True, text=True).stdout.strip() or None
    except OSError:
        pass
    return info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--papers", default=None, help="comma-separated sizes (default 1000,10000,100000; --quick: 1000,10000)")
    ap.add_argument("--json", type=Path, default=None, help="write all results here")
    ap.add_argument("--repeat", type=int, default=None, help="runs per figure (default 5, --quick 2); whole-process "
                    "figures at >= 50k papers use at most 3")
    ap.add_argument("--quick", action="store_true", help="fewer runs and sizes, a couple of minutes")
    ap.add_argument("--skip-peers", action="store_true", help="readq only (no fzf/coBib/papis/TinyDB)")
    ap.add_argument("--workdir", type=Path, default=None, help="generated inputs and libraries (default: a temp dir)")
    ap.add_argument("--peer-timeout", type=float, default=600.0, help="seconds before a peer command is abandoned")
    ap.add_argument("--papis-max", type=int, default=1_000, help="papis only up to this size (its first run, "
                    "which builds its cache from one folder per paper, took 52 s at 1,000 papers here)")
    ap.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:
        kind, *rest = args.worker
        if kind == "mark":
            worker_mark(rest[0], int(rest[1]), int(rest[2]))
        elif kind == "tinydb":
            worker_tinydb(rest[0], int(rest[1]), int(rest[2]), float(rest[3]))
        return

    sizes = [int(s.replace("_", "")) for s in (args.papers or ("1000,10000" if args.quick else "1000,10000,100000")).split(",")]
    args.repeat = max(1, args.repeat or (2 if args.quick else 5))
    args.mark_ops = 50 if args.quick else 200
    args.tui_marks = 8 if args.quick else 20
    args.tinydb_budget = 10.0 if args.quick else 30.0
    own_tmp = args.workdir is None
    args.workdir = Path(args.workdir or tempfile.mkdtemp(prefix="readq-bench-")).resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    log(f"sizes {sizes}, repeat {args.repeat}, workdir {args.workdir}")
    peers = Peers(args.workdir, args.skip_peers, args.peer_timeout)
    results: dict[str, dict] = {}
    started = time.perf_counter()
    try:
        for n in sizes:
            results[str(n)] = bench_size(n, args, peers)
            if args.json:  # keep partial results if a later size fails
                write_json(args.json, sizes, args, peers, results, started)
    finally:
        if own_tmp:
            shutil.rmtree(args.workdir, ignore_errors=True)
    targets = evaluate(results)
    print(table(results, targets))
    if peers.notes:
        print("\nPeer notes:")
        for k, v in peers.notes.items():
            print(f"- {k}: {v}")
    if args.json:
        write_json(args.json, sizes, args, peers, results, started)
        print(f"\nJSON: {args.json}")


def write_json(path: Path, sizes: list[int], args: argparse.Namespace, peers: Peers, results: dict, started: float) -> None:
    doc = {
        "machine": machine(),
        "config": {"sizes": sizes, "repeat": args.repeat, "quick": args.quick, "skip_peers": args.skip_peers,
                   "queries": QUERIES, "cli_queries": CLI_QUERIES, "mark_ops": args.mark_ops,
                   "seconds": round(time.perf_counter() - started, 1)},
        "keys": KEYS,
        "results": results,
        "targets": evaluate(results),
        "peer_notes": peers.notes,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
