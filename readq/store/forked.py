"""One function run in a forked child while the parent goes on: `Forked`.

An import holds every paper in memory when it writes the catalogue, and the search index is
derived from those same papers. Building that index later (in the first query or the app's first
start) means loading the whole catalogue again first; building it in the import after the write
makes the import pay both in a row. So the import forks after merging: the child sees the papers
copy-on-write (nothing is pickled or copied up front) and builds and saves the index while the
parent serialises and fsyncs the catalogue, each on its own core.

The child only ever writes derived data, atomically, keyed by the generation the parent is about
to write; if either side dies the other's file is still whole and the index is simply stale (the
next reader rebuilds it). The child leaves with `os._exit`, so no parent state (buffers, atexit
handlers, locks held by the parent) is flushed or released twice. Where there is no fork the
function runs in the parent when it is waited for.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

__all__ = ["Forked"]

_MAX_ERROR = 2000


class Forked:
    """`fn` running in a child process; `wait()` returns None when it succeeded, else the reason."""

    def __init__(self, fn: Callable[[], object]) -> None:
        self._fn: Callable[[], object] | None = fn
        self._pid: int | None = None
        self._read_fd = -1
        if not hasattr(os, "fork"):
            return
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: run, report a failure through the pipe, never return
            code = 1
            try:
                os.close(read_fd)
                fn()
                code = 0
            except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
                try:
                    os.write(write_fd, f"{type(exc).__name__}: {exc}".encode()[:_MAX_ERROR])
                except BaseException:  # noqa: BLE001
                    pass
            finally:
                os._exit(code)
        os.close(write_fd)
        self._pid, self._read_fd, self._fn = pid, read_fd, None

    def wait(self) -> str | None:
        """Wait for the child (or run `fn` here when there was no fork); None on success."""
        if self._fn is not None:
            fn, self._fn = self._fn, None
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - the caller turns it into a warning
                return f"{type(exc).__name__}: {exc}"
            return None
        if self._pid is None:
            return None
        try:
            message = b""
            while chunk := os.read(self._read_fd, 4096):
                message += chunk
            _, status = os.waitpid(self._pid, 0)
        finally:
            self._pid = None
            os.close(self._read_fd)
        if os.waitstatus_to_exitcode(status) == 0:
            return None
        return message.decode("utf-8", "replace") or f"exit status {os.waitstatus_to_exitcode(status)}"

    def cancel(self) -> None:
        """Stop the child (the parent failed; what it would save would be stale anyway)."""
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            self.wait()
        self._fn = None
