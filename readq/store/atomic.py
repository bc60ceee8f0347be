"""Durable file primitives: atomic replace, fsynced append, and an inter-process lock.

Every write readq makes goes through here so the crash-safety argument lives in one place:
data is written to a temporary file in the same directory, flushed and fsynced, renamed over the
target (atomic on POSIX), and the directory is fsynced so the rename itself survives power loss.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

try:  # POSIX advisory locks; Windows falls back to a no-op lock (single-process use).
    import fcntl
except ImportError:  # pragma: no cover - not on Linux/macOS
    fcntl = None  # type: ignore[assignment]

TMP_PREFIX = ".readq-tmp-"


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # read once at import: os.umask is process-wide and not thread-safe


class FileExistsNoForce(FileExistsError):
    """Raised when a write would clobber an existing file and overwriting was not allowed."""


def fsync_dir(directory: Path) -> None:
    """Make a rename or file creation in `directory` durable."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows cannot open directories
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some filesystems refuse fsync on dirs
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path | str, data: bytes | Iterable[bytes], *, overwrite: bool = True,
                 durable: bool = True) -> None:
    """Replace `path` with `data` so readers see either the old or the new file, never a mix.

    `data` may be an iterable of byte chunks, written as they come: a 200 MB catalogue is then
    never held in memory as one payload (nor as its list of parts).

    With `overwrite=False` an existing file is left alone and `FileExistsNoForce` is raised; the
    check and the rename are made atomic by `os.link` (which fails if the target exists).
    """
    path = Path(path)
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=TMP_PREFIX, dir=directory)
    tmp = Path(tmp_name)
    try:
        # mkstemp makes 0600 files; give the result the mode a plain open() would (or keep the old one).
        try:
            mode = path.stat().st_mode & 0o777
        except OSError:
            mode = 0o666 & ~_UMASK
        with contextlib.suppress(OSError):
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, (bytes, bytearray, memoryview)):
                handle.write(data)
            else:
                for chunk in data:
                    handle.write(chunk)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise FileExistsNoForce(f"{path} already exists (use --force to overwrite)") from None
            except OSError as exc:  # filesystems without hard links
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV):
                    raise
                if path.exists():
                    raise FileExistsNoForce(f"{path} already exists (use --force to overwrite)") from None
                os.replace(tmp, path)
        if durable:
            fsync_dir(directory)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def append_durable(path: Path, data: bytes) -> int:
    """Append `data` to `path` and fsync it; returns the file size afterwards.

    One `write` call on an O_APPEND descriptor: a concurrent appender can never interleave with it,
    and a crash leaves at most a torn last line, which readers detect and ignore.
    """
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
        size = os.fstat(fd).st_size
    finally:
        os.close(fd)
    if created:
        fsync_dir(path.parent)
    return size


def clean_temp_files(directory: Path) -> list[Path]:
    """Remove temporaries left by a crash mid-write; returns what was removed."""
    removed: list[Path] = []
    if not directory.is_dir():
        return removed
    for leftover in directory.glob(TMP_PREFIX + "*"):
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed.append(leftover)
    return removed


@contextlib.contextmanager
def _holding(fd: int, *, shared: bool) -> Iterator[None]:
    """flock `fd` for the block, then release and close it."""
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        if fcntl is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@contextlib.contextmanager
def read_locked(lock_path: Path) -> Iterator[None]:
    """A shared lock for reading the catalogue and the journal as one snapshot.

    Never creates the library directory; without a usable lock file it reads unlocked.
    """
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    with _holding(fd, shared=True):
        yield


@contextlib.contextmanager
def locked(lock_path: Path, *, shared: bool = False) -> Iterator[None]:
    """Hold an advisory lock on `lock_path` (exclusive by default) for the `with` block."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    with _holding(fd, shared=shared):
        yield


def trim_torn_tail(path: Path) -> None:
    """Drop a partial last line a crash mid-append left (it was never acknowledged)."""
    try:
        with open(path, "rb+") as handle:
            size = handle.seek(0, os.SEEK_END)
            if size == 0:
                return
            handle.seek(size - 1)
            if handle.read(1) == b"\n":
                return
            back = min(size, 1 << 20)
            handle.seek(size - back)
            cut = handle.read(back).rfind(b"\n")
            handle.truncate((size - back + cut + 1) if cut >= 0 else 0)
            handle.flush()
            os.fsync(handle.fileno())
    except FileNotFoundError:
        return
