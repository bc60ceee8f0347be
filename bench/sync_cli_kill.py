"""kill -9 at random instants during `readq sync` itself: the library opens, the next sync completes, 0 lost.

Two libraries (devices A and B) import the same digest and sync through a bare git repository.
Each round starts `readq sync` for one device as a child process (`READQ_LIBRARY` set), marks a
random paper of that device from this process meanwhile (acknowledged when `set_status`
returns; its stamp is then read from the device log), and SIGKILLs the child after a random
delay: mid-bootstrap, mid-git, mid-import, mid-journal append or mid-cursor write. At the end
both libraries must open, `readq sync` on A, B, A (no kills) must succeed, both libraries must
export the same JSON, and every paper's status must be the one of its acknowledged mark with the
greatest stamp (nothing acknowledged lost, the later change winning).

    python bench/sync_cli_kill.py --rounds 220 [--seed N] [--max-delay S] [--workdir DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.procs import emit_json  # noqa: E402
from readq.store import Library  # noqa: E402
from readq.sync.hook import hook_for  # noqa: E402

STATUSES = ("to-read", "read", "skipped", "new")
DIGEST = ROOT / "readq" / "samples" / "000_44acc7d1eb537eca.txt"


def readq(lib: Path, *args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "readq", *args], env={**env, "READQ_LIBRARY": str(lib)},
                          capture_output=True, text=True, timeout=300)
    if check and done.returncode != 0:
        raise RuntimeError(f"readq {' '.join(args)} on {lib.name} failed ({done.returncode}): {done.stderr.strip()}")
    return done


def exported(lib: Path, env: dict[str, str]) -> list[dict[str, object]]:
    records = json.loads(readq(lib, "export", "--format", "json", "--sort", "title", env=env).stdout)
    for rec in records:
        rec.pop("added", None)  # each library's own import time
    return records


def run(rounds: int, seed: int, workdir: Path, *, max_delay: float = 1.5) -> dict[str, object]:
    rng = random.Random(seed)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(workdir), "GIT_CONFIG_NOSYSTEM": "1"}
    remote = workdir / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    libs = {name: workdir / name for name in ("a", "b")}
    for lib in libs.values():
        readq(lib, "import", str(DIGEST), env=env)
    ids = Library(libs["a"]).ids()[:12]
    acked: dict[str, tuple[str, str]] = {}  # paper -> (stamp, status) of its newest acknowledged mark
    marks = kills = 0
    started = time.perf_counter()
    for _ in range(rounds):
        name = rng.choice(("a", "b"))
        lib = libs[name]
        first = not (lib / "sync.json").exists()
        args = ["sync", "--git", str(remote)] if first or rng.random() < 0.1 else ["sync"]
        proc = subprocess.Popen([sys.executable, "-m", "readq", *args], env={**env, "READQ_LIBRARY": str(lib)},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        delay = rng.uniform(0.0, max_delay)
        before = delay * rng.random()
        time.sleep(before)
        if (lib / "sync.json").exists():  # marks are recorded once the library syncs
            pid, status = rng.choice(ids), rng.choice(STATUSES)
            if Library(lib).set_status([pid], status):
                hook = hook_for(lib)
                assert hook is not None
                stamp = hook.log.last_stamp()
                assert stamp is not None
                if pid not in acked or acked[pid][0] < stamp.encode():
                    acked[pid] = (stamp.encode(), status)
                marks += 1
        time.sleep(max(0.0, delay - before))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
    for lib in libs.values():  # opens (and repairs) after any kill
        Library(lib).load()
    for name in ("a", "b", "a"):
        readq(libs[name], "sync", "--git", str(remote), env=env)
    state_a, state_b = exported(libs["a"], env), exported(libs["b"], env)
    by_id = {rec["id"]: rec for rec in state_a}
    lost = [pid for pid, (_, status) in acked.items() if by_id[pid]["status"] != status]
    result = {"rounds": rounds, "seed": seed, "max_delay_s": max_delay, "kills": kills, "acknowledged_marks": marks,
              "papers_marked": len(acked), "lost": len(lost), "libraries_equal": state_a == state_b,
              "seconds": round(time.perf_counter() - started, 1)}
    if lost or state_a != state_b:
        result["lost_ids"] = lost
        by_b = {rec["id"]: rec for rec in state_b}
        result["differences"] = sorted(  # (paper, field, on A, on B): what a failed run has to explain
            (pid, key, str(rec.get(key))[:80], str(by_b.get(pid, {}).get(key))[:80])
            for pid, rec in by_id.items() for key in set(rec) | set(by_b.get(pid, {}))
            if rec.get(key) != by_b.get(pid, {}).get(key))[:20]
        result["only_on"] = {"a": sorted(set(by_id) - set(by_b))[:10], "b": sorted(set(by_b) - set(by_id))[:10]}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--max-delay", type=float, default=1.5, help="Kill within this many seconds of the start.")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="readq-sync-cli-kill-"))
    workdir.mkdir(parents=True, exist_ok=True)
    result = run(args.rounds, args.seed, workdir, max_delay=args.max_delay)
    emit_json(result, args.json)
    sys.exit(0 if result["lost"] == 0 and result["libraries_equal"] else 1)


if __name__ == "__main__":
    main()
