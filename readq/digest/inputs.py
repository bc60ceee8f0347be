"""Turning command-line paths into bytes: files, folders (recursively) and "-" for stdin.

Never raises: every problem becomes an `InputFile` with `error` set, so the import can report
one line per bad path and carry on with the rest.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

STDIN_NAME = "<stdin>"

# Extensions that are never a text digest; only applied inside folders (a file named on the
# command line is always tried, and binary content is refused by `decode`).
NOT_DIGEST = frozenset(
    """
    png jpg jpeg gif webp bmp ico svg tif tiff heic avif psd
    pdf ps eps djvu epub mobi doc docx xls xlsx ppt pptx odt ods odp
    zip gz tgz bz2 xz zst 7z rar tar lz lzma
    mp3 mp4 m4a mov avi mkv webm wav flac ogg
    woff woff2 ttf otf eot
    exe dll so dylib bin o a class jar pyc pyo whl egg
    sqlite db parquet npy npz pkl pickle h5 pt safetensors onnx
    iso dmg img
    """.split()
)


@dataclass(frozen=True)
class InputFile:
    """One input: its display name, its bytes (None when unreadable) and why not."""

    name: str
    data: bytes | None
    error: str | None
    size: int


def _reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, NotADirectoryError) or exc.errno == errno.ENOTDIR:
        return "not a directory (a path component is a file)"
    return (exc.strerror or type(exc).__name__).lower()


def _read(path: str) -> InputFile:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return InputFile(path, None, _reason(exc), 0)
    except (ValueError, MemoryError) as exc:  # embedded NUL in the path; absurdly large file
        return InputFile(path, None, f"cannot read ({type(exc).__name__})", 0)
    return InputFile(path, data, None, len(data))


def _extension(name: str) -> str:
    lower = name.lower()
    if lower.endswith(".tar.gz"):
        return "tar.gz"
    return os.path.splitext(lower)[1].lstrip(".")


def _walk(folder: str) -> Iterator[InputFile]:
    """Files under `folder` in sorted order, hidden files and folders skipped."""
    found = False
    errors: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=errors.append):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            found = True
            ext = _extension(name)
            if ext in NOT_DIGEST or ext == "tar.gz":
                yield InputFile(path, None, f"skipped: not a digest (.{ext})", _size(path))
                continue
            if not os.path.isfile(path):
                yield InputFile(path, None, "skipped: not a regular file", 0)
                continue
            yield _read(path)
    for exc in errors:
        yield InputFile(getattr(exc, "filename", None) or folder, None, _reason(exc), 0)
    if not found and not errors:
        yield InputFile(folder, None, "empty folder (no files to read)", 0)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _stdin(stdin: BinaryIO | None) -> InputFile:
    stream = stdin
    if stream is None:
        stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        return InputFile(STDIN_NAME, None, "standard input is not available", 0)
    try:
        data = stream.read()
    except (OSError, ValueError) as exc:
        return InputFile(STDIN_NAME, None, f"cannot read standard input ({exc})", 0)
    if isinstance(data, str):  # a text stream was passed in
        data = data.encode("utf-8")
    return InputFile(STDIN_NAME, data, None, len(data))


def iter_inputs(paths: Sequence[str], *, stdin: BinaryIO | None = None) -> Iterator[InputFile]:
    """Every input named by `paths`, in order; folders are expanded recursively."""
    for path in paths:
        if path == "-":
            yield _stdin(stdin)
        elif os.path.isdir(path):
            yield from _walk(path)
        else:
            yield _read(path)
