"""Install the peer tools the benchmark compares readq with; never touches readq's own venv.

* fzf: taken from PATH; when missing and running as root on Debian/Ubuntu, `apt-get update` then
  `apt-get install -y fzf`; otherwise a one-line skip reason.
* coBib and papis: each in its own venv under `bench/.peers/` (which ignores itself in git), made
  with the interpreter running the benchmark and filled with `pip install cobib` / `pip install papis`.

Every function returns `(thing, None)` on success or `(None, reason)`; nothing here raises, so a
peer that cannot be installed becomes a skip line in the report, not a crashed run.

    python -m bench.peers.setup            # set up all peers now (run.py calls the same functions)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PEERS_DIR = Path(__file__).resolve().parent.parent / ".peers"

VENVS = {
    # name: (pip requirement, console script)
    "cobib": ("cobib", "cobib"),
    "papis": ("papis", "papis"),
}


def _log(msg: str) -> None:
    print(f"[peers] {msg}", file=sys.stderr, flush=True)


def peers_dir() -> Path:
    PEERS_DIR.mkdir(parents=True, exist_ok=True)
    ignore = PEERS_DIR / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# venvs and generated peer data: never committed\n*\n")
    return PEERS_DIR


def ensure_fzf() -> tuple[str | None, str | None]:
    found = shutil.which("fzf")
    if found:
        return found, None
    if os.name != "posix" or os.geteuid() != 0:
        return None, "fzf not on PATH and not root: install fzf (e.g. `sudo apt-get install -y fzf`) to compare"
    if not shutil.which("apt-get"):
        return None, "fzf not on PATH and no apt-get: install fzf to compare"
    _log("installing fzf with apt-get (root)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "fzf"]):
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["?"]
            return None, f"`{' '.join(cmd)}` failed: {tail[0]}"
    found = shutil.which("fzf")
    return (found, None) if found else (None, "apt-get installed fzf but it is not on PATH")


def ensure_venv(name: str) -> tuple[Path | None, str | None]:
    """The console script of peer `name` in its own venv, created on first use."""
    requirement, script = VENVS[name]
    venv = peers_dir() / f"{name}-venv"
    exe = venv / "bin" / script
    if exe.exists():
        return exe, None
    _log(f"creating {venv} and running `pip install {requirement}` (first run only)")
    try:
        if not (venv / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        proc = subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", requirement],
            capture_output=True,
            text=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        return None, f"could not create a venv for {name}: {exc}"
    if proc.returncode != 0 or not exe.exists():
        lines = [ln for ln in (proc.stderr or "").splitlines() if not ln.startswith("WARNING")]
        return None, f"`pip install {requirement}` failed: {(lines or ['?'])[-1]}"
    return exe, None


def venv_python(name: str) -> Path:
    return peers_dir() / f"{name}-venv" / "bin" / "python"


def main() -> None:
    print("fzf:", ensure_fzf())
    for name in VENVS:
        print(f"{name}:", ensure_venv(name))


if __name__ == "__main__":
    main()
