"""Running whole processes for the benchmark: wall time and peak RSS of a child, the environment
readq runs in, JSON from helper processes, and the progress log on stderr."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
READQ_SCRIPT = Path(PY).parent / "readq"
READQ = [str(READQ_SCRIPT)] if READQ_SCRIPT.exists() else [PY, "-m", "readq"]
TODAY = "2026-06-01"  # READQ_TODAY for imports: year-less dates resolve the same on every run


def emit_json(doc: Any, path: Path | None) -> None:
    """Print a benchmark's result as indented JSON, and write it to `path` too when given."""
    text = json.dumps(doc, indent=2)
    print(text)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Run:
    """One finished process: wall seconds, peak RSS in MB, exit code, its stderr, and whether the
    timeout killed it."""

    __slots__ = ("seconds", "rss_mb", "rc", "stderr", "timed_out")

    def __init__(self, seconds: float, rss_mb: float, rc: int, stderr: str, timed_out: bool) -> None:
        self.seconds, self.rss_mb, self.rc, self.stderr, self.timed_out = seconds, rss_mb, rc, stderr, timed_out


def vmhwm_mb(pid: int | str) -> float | None:
    """Peak RSS (VmHWM) of a live or exited-but-unreaped process (or "self"), in MB; None once it is gone.

    VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork+exec, so a child of a big parent (the
    benchmark holding 100k papers) would report the parent's peak."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


class _PeakSampler:
    """Samples a child's VmHWM every 10 ms on a daemon thread until stopped."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0.0
        self._done = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while not self._done.wait(0.01):
            self.note(vmhwm_mb(self.pid))

    def note(self, value: float | None) -> None:
        if value:
            self.peak = max(self.peak, value)

    def stop(self) -> None:
        self._done.set()


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
        sampler = _PeakSampler(proc.pid)

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
        sampler.note(vmhwm_mb(proc.pid))
        sampler.stop()
        proc.wait()
        if timer:
            timer.cancel()
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return Run(seconds, sampler.peak, proc.returncode, text, killed.is_set())


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


def peer_json(cmd: list[str], env: dict[str, str], timeout: float) -> dict:
    """Run a peer's helper command and parse its last stdout line that starts with `{` as JSON."""
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip().startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
    return json.loads(lines[-1])
