"""Carry a sync directory through git, with the git command line (no home-made transport).

The sync directory is a git work tree. `GitCarrier.sync`:

1. recovers from an interrupted run (a `kill -9` mid-sync): removes a stale `index.lock` (we hold
   our own lock, and git children die with us), aborts a half-done merge, puts other devices'
   files back as committed (only git writes them, so nothing is lost);
2. commits this device's own files (its log folder and snapshot), and nothing else;
3. fetches the remote and merges it. Each device only writes its own files, so a merge never
   conflicts (unrelated first histories are allowed: two devices may start apart);
4. pushes; if another device pushed meanwhile, fetches, merges and pushes again.

The first call with a remote (any git URL or a local path) stores it as `origin` in the work
tree's git config; later calls use it. Every git call runs with a fixed identity
(`-c user.name=readq -c user.email=readq@localhost`), so a machine with no git identity works,
with prompts disabled and a timeout, and failures become one-line `SyncError`s.

A Syncthing or Dropbox folder needs no carrier: the devices' logs sit side by side in it and
`readq.sync.replica.Replica` reads them all.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from readq.store.atomic import locked

BRANCH = "main"
REMOTE = "origin"
IDENTITY = ("-c", "user.name=readq", "-c", "user.email=readq@localhost")
LOCK_NAME = "readq-sync.lock"  # inside .git, so it is never committed
DEFAULT_TIMEOUT = 60.0
PUSH_ATTEMPTS = 5


class SyncError(Exception):
    """A sync that could not finish; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one sync did."""

    remote: str
    committed: bool
    merged: bool  # the remote had commits this device did not
    pushed: bool

    def summary(self) -> str:
        parts = ["committed local changes" if self.committed else "no local changes",
                 "merged remote changes" if self.merged else "remote had nothing new",
                 "pushed" if self.pushed else "nothing to push"]
        return f"synced with {self.remote}: " + ", ".join(parts)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: have the kernel kill a git child if readq is killed, so no orphan holds git's locks."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for line in lines:
        if line.lower().startswith(("fatal:", "error:")):
            return line
    return lines[0] if lines else "no message"


class GitCarrier:
    """Moves one sync directory's files to and from a git remote for `device`."""

    def __init__(self, work: Path, own: list[Path], *, timeout: float = DEFAULT_TIMEOUT, git: str = "git") -> None:
        self.work = work
        self.own = [p.relative_to(work).as_posix() for p in own]
        self.timeout = timeout
        self.git_exe = shutil.which(git)

    # ------------------------------------------------------------------ running git
    def run(self, *args: str, check: bool = True, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
        """Run one git command in the work tree; `SyncError` on failure (when `check`) or timeout."""
        if self.git_exe is None:
            raise SyncError("git is not installed (or not on PATH): install git, or sync through a shared folder")
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "LC_ALL": "C"}
        env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o ConnectTimeout=20")
        limit = self.timeout if timeout is None else timeout
        try:
            done = subprocess.run(
                [self.git_exe, *IDENTITY, "-c", "core.fsync=committed", "-c", "gc.auto=0", *args],
                cwd=self.work, env=env, capture_output=True, text=True, timeout=limit,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        except subprocess.TimeoutExpired:
            raise SyncError(f"git {args[0]} timed out after {limit:g}s") from None
        except OSError as exc:
            raise SyncError(f"cannot run git: {exc.strerror or exc}") from None
        if check and done.returncode != 0:
            raise SyncError(f"git {args[0]} failed: {_first_line(done.stderr or done.stdout)}")
        return done

    def remote(self) -> str | None:
        """The remembered remote, or None."""
        if not (self.work / ".git").is_dir():
            return None
        done = self.run("config", "--get", f"remote.{REMOTE}.url", check=False)
        return done.stdout.strip() or None

    # ------------------------------------------------------------------ the sync
    def sync(self, remote: str | None = None) -> SyncReport:
        """Commit this device's files, merge the remote's, push; see the module docstring."""
        if self.git_exe is None:
            self.run("--version")  # raises the "not installed" error
        self.work.mkdir(parents=True, exist_ok=True)
        self._init()
        with locked(self.work / ".git" / LOCK_NAME):
            self._recover()
            self._start_branch()
            url = self._remember(remote)
            committed = self._commit_own()
            merged = pushed = False
            for _ in range(PUSH_ATTEMPTS):
                merged |= self._fetch_and_merge(url)
                pushed_now, rejected = self._push(url)
                pushed |= pushed_now
                if not rejected:
                    return SyncReport(url, committed, merged, pushed)
            raise SyncError(f"could not push to {url}: other devices kept pushing; try again")

    def _init(self) -> None:
        """Make the work tree a repository; idempotent, so a sync killed mid-way is finished.

        A `.git` that git does not recognise is what a kill during `git init` leaves: it holds
        nothing of value (this device's logs live in the work tree), so it is made again."""
        git_dir = self.work / ".git"
        if git_dir.is_dir() and not self._owns_repository():
            shutil.rmtree(git_dir, ignore_errors=True)
        if not git_dir.is_dir():
            self.run("init", "-q")

    def _start_branch(self) -> None:
        """Before the first commit: HEAD names readq's branch, and logs are bytes to git."""
        if not self._has_head():
            self.run("symbolic-ref", "HEAD", f"refs/heads/{BRANCH}")
        attributes = self.work / ".gitattributes"
        if not attributes.exists():
            attributes.write_text("* -text\n")  # no line-ending conversion

    def _remember(self, remote: str | None) -> str:
        known = self.remote()
        if remote:
            if Path(remote).expanduser().exists():
                remote = str(Path(remote).expanduser().resolve())
            if known is None:
                self.run("remote", "add", REMOTE, remote)
            elif known != remote:
                self.run("remote", "set-url", REMOTE, remote)
            return remote
        if known is None:
            raise SyncError("no remote yet: run `readq sync --git REMOTE` once (a git URL or a local path)")
        return known

    def _recover(self) -> None:
        """Undo what a killed sync may have left; never touches this device's own files."""
        git_dir = self.work / ".git"
        for name in ("index.lock", "HEAD.lock", f"refs/heads/{BRANCH}.lock", "ORIG_HEAD.lock",
                     f"refs/remotes/{REMOTE}/{BRANCH}.lock", "config.lock", "packed-refs.lock"):
            with contextlib.suppress(FileNotFoundError):
                (git_dir / name).unlink()
        if (git_dir / "MERGE_HEAD").exists():
            self.run("merge", "--abort", check=False)
            with contextlib.suppress(FileNotFoundError):
                (git_dir / "MERGE_HEAD").unlink()
        if not self._has_head():
            return
        keep = [f":(exclude){p}" for p in self.own]
        self.run("reset", "-q", check=False)  # the index as committed; our own files are re-added next
        # other devices' files are written only by git: put them back as committed
        self.run("checkout", "-q", "HEAD", "--", ".", *keep, check=False)
        self.run("clean", "-fdq", "--", ".", *keep, ":(exclude).gitattributes", check=False)

    def _owns_repository(self) -> bool:
        """True when git sees `<work>/.git` itself as the repository (not a damaged one, and not
        some repository further up the directory tree)."""
        done = self.run("rev-parse", "--absolute-git-dir", check=False)
        return done.returncode == 0 and Path(done.stdout.strip()).resolve() == (self.work / ".git").resolve()

    def _has_head(self) -> bool:
        return self.run("rev-parse", "-q", "--verify", "HEAD", check=False).returncode == 0

    def _commit_own(self) -> bool:
        paths = [p for p in self.own if (self.work / p).exists()]
        if (self.work / ".gitattributes").exists():
            paths.append(".gitattributes")
        if paths:
            self.run("add", "-A", "--", *paths)
        if self._has_head() and self.run("diff", "--cached", "--quiet", check=False).returncode == 0:
            return False
        if not paths and not self._has_head():
            return False
        self.run("commit", "-q", "--no-verify", "-m", f"readq sync: {self.own[0] if self.own else 'device'}")
        return True

    def _fetch_and_merge(self, url: str) -> bool:
        # The refspec is given, not read from the config: a sync killed inside `git remote add`
        # can leave the remote's URL without its fetch line.
        done = self.run("fetch", "-q", REMOTE, f"+refs/heads/*:refs/remotes/{REMOTE}/*", check=False)
        if done.returncode != 0:
            raise SyncError(f"cannot reach {url}: {_first_line(done.stderr)}")
        theirs = f"refs/remotes/{REMOTE}/{BRANCH}"
        if self.run("rev-parse", "-q", "--verify", theirs, check=False).returncode != 0:
            return False  # an empty remote: the push creates the branch
        if not self._has_head():
            self.run("reset", "-q", theirs)
            self.run("checkout", "-q", "--", ".")
            return True
        if self.run("merge-base", "--is-ancestor", theirs, "HEAD", check=False).returncode == 0:
            return False
        self.run("merge", "-q", "--no-edit", "--allow-unrelated-histories", "-m", "readq sync: merge", theirs)
        return True

    def _push(self, url: str) -> tuple[bool, bool]:
        """(pushed, rejected because the remote moved on)."""
        if not self._has_head():
            return False, False
        theirs = f"refs/remotes/{REMOTE}/{BRANCH}"
        same = self.run("rev-parse", "-q", "--verify", theirs, check=False).stdout.strip()
        if same and same == self.run("rev-parse", "HEAD").stdout.strip():
            return False, False
        done = self.run("push", "-q", REMOTE, f"HEAD:refs/heads/{BRANCH}", check=False)
        if done.returncode == 0:
            return True, False
        message = done.stderr
        if "rejected" in message or "fetch first" in message or "non-fast-forward" in message:
            return False, True
        raise SyncError(f"cannot push to {url}: {_first_line(message)}")
