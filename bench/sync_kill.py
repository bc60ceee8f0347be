"""kill -9 at random instants during sync: the directory stays usable, the next sync completes, 0 lost.

Two devices (A and B) share a bare git repository in a work directory. Each round starts a child
process for one device that loops "record one change, sync through git" and SIGKILLs it after a
random delay: mid-append, mid-commit, mid-merge or mid-push. A change counts as acknowledged when
`Replica.record` has returned; the child then writes its stamp to an ack file. At the end each
device opens its sync directory (it must open), syncs A, B, A without kills (it must complete),
and every acknowledged stamp must be in both devices' merged logs, with both states equal.

    python bench/sync_kill.py --rounds 200 [--seed N] [--workdir DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
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
from readq.sync.git import GitCarrier, SyncError  # noqa: E402
from readq.sync.log import LogReader  # noqa: E402
from readq.sync.replica import Replica  # noqa: E402

DEVICES = ("device-a", "device-b")
STATUSES = ("new", "to-read", "read", "skipped")


def child(sync_dir: Path, device: str, remote: str, acks: Path, seed: int) -> None:
    """Record and sync forever (until killed); the phase file says what it was doing when killed."""
    rng = random.Random(seed)
    phase = os.open(acks.with_suffix(".phase"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(phase, b"o")  # opening the replica
    rep = Replica(sync_dir, device)
    carrier = GitCarrier(sync_dir, rep.own_files(), timeout=30)
    fd = os.open(acks, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    while True:
        os.write(phase, b"r")  # recording
        pid = f"p{rng.randrange(20)}"
        change = rng.choice([("status", rng.choice(STATUSES)), ("starred", rng.random() < 0.5),
                             ("tag+", rng.choice("abc")), ("note", f"{device} {rng.random():.6f}")])
        ops = rep.record([(pid, *change)])
        os.write(fd, "".join(op.clock + "\n" for op in ops).encode())  # acknowledged
        os.write(phase, b"s")  # syncing
        try:
            carrier.sync(remote)
        except SyncError as exc:  # e.g. a lock left by the other device's killed run: try again
            print(f"sync error: {exc}", file=sys.stderr)


def run(rounds: int, seed: int, workdir: Path, *, max_delay: float = 0.9) -> dict[str, object]:
    """The whole experiment; returns its figures (see the module doc)."""
    rng = random.Random(seed)
    remote = workdir / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    dirs = {dev: workdir / dev for dev in DEVICES}
    acks = {dev: workdir / f"{dev}.acks" for dev in DEVICES}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    phases = {"starting": 0, "opening": 0, "recording": 0, "syncing": 0}
    names = {"o": "opening", "r": "recording", "s": "syncing"}
    for number in range(rounds):
        dev = rng.choice(DEVICES)
        proc = subprocess.Popen([sys.executable, __file__, "--child", str(dirs[dev]), dev, str(remote),
                                 str(acks[dev]), str(rng.randrange(1 << 30))],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, max_delay))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        trail = acks[dev].with_suffix(".phase")
        last = trail.read_bytes()[-1:].decode() if trail.exists() else ""
        phases[names.get(last, "starting")] += 1
        with open(trail, "ab") as handle:
            handle.write(b"k")  # killed
        if number % 50 == 49:
            print(f"round {number + 1}/{rounds}", file=sys.stderr)
    replicas = {dev: Replica(dirs[dev], dev) for dev in DEVICES}  # must open
    carriers = {dev: GitCarrier(dirs[dev], replicas[dev].own_files(), timeout=60) for dev in DEVICES}
    for dev in (DEVICES[0], DEVICES[1], DEVICES[0]):
        carriers[dev].sync(str(remote))  # must complete
    acked: set[str] = set()
    for path in acks.values():
        if path.exists():
            acked |= set(path.read_text().split())
    lost: dict[str, int] = {}
    states = []
    for dev in DEVICES:
        ops, _ = LogReader(dirs[dev]).read()
        lost[dev] = len(acked - {op.clock for op in ops})
        replicas[dev].refresh()
        states.append(replicas[dev].derive() | {"_registers": sorted(map(str, replicas[dev].state.registers.items()))})
    fsck = {dev: subprocess.run(["git", "fsck", "--no-progress"], cwd=dirs[dev], capture_output=True).returncode == 0
            for dev in DEVICES}
    return {"rounds": rounds, "seed": seed, "killed_while": phases, "acknowledged": len(acked), "lost": lost,
            "states_equal": states[0] == states[1], "git_fsck_ok": fsck,
            "seconds": round(time.perf_counter() - started, 1)}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _, _, sync_dir, device, remote, acks, seed = sys.argv
        child(Path(sync_dir), device, remote, Path(acks), int(seed))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="readq-sync-kill-"))
    workdir.mkdir(parents=True, exist_ok=True)
    result = run(args.rounds, args.seed, workdir)
    emit_json(result, args.json)
    ok = (result["states_equal"] and not any(result["lost"].values())  # type: ignore[union-attr]
          and all(result["git_fsck_ok"].values()))  # type: ignore[union-attr]
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
