"""iter_inputs: files, folders, stdin; problems become InputFile errors, never exceptions."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from readq.digest import InputFile, iter_inputs


def test_file_folder_and_stdin(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_bytes(b"two")
    (tmp_path / "a.md").write_bytes(b"one")
    (tmp_path / ".hidden.txt").write_bytes(b"no")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_bytes(b"no")
    (tmp_path / "c.png").write_bytes(b"\x89PNG")
    (tmp_path / "d.tar.gz").write_bytes(b"x")
    single = tmp_path / "b" / "2.txt"
    got = list(iter_inputs([str(single), str(tmp_path), "-"], stdin=io.BytesIO(b"from stdin")))
    assert got[0] == InputFile(str(single), b"two", None, 3)
    names = [Path(i.name).relative_to(tmp_path).as_posix() if i.name != "<stdin>" else i.name for i in got[1:]]
    assert names == ["a.md", "c.png", "d.tar.gz", "b/2.txt", "<stdin>"]
    by_name = {Path(i.name).name: i for i in got[1:]}
    assert by_name["c.png"].data is None and by_name["c.png"].error == "skipped: not a digest (.png)"
    assert by_name["d.tar.gz"].error == "skipped: not a digest (.tar.gz)"
    assert got[-1] == InputFile("<stdin>", b"from stdin", None, 10)


def test_missing_and_unreadable(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.txt")
    assert list(iter_inputs([missing])) == [InputFile(missing, None, "no such file or directory", 0)]
    below_file = tmp_path / "f.txt"
    below_file.write_text("x")
    got = list(iter_inputs([str(below_file / "child.txt")]))
    assert got[0].data is None and got[0].error


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root reads anything")
def test_permission_denied(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    secret.chmod(0)
    assert list(iter_inputs([str(secret)]))[0].error == "permission denied"


def test_empty_folder(tmp_path: Path) -> None:
    got = list(iter_inputs([str(tmp_path)]))
    assert len(got) == 1 and got[0].data is None and "empty folder" in (got[0].error or "")


def test_explicit_file_with_image_extension_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "digest.pdf"
    path.write_bytes(b"text after all")
    assert list(iter_inputs([str(path)]))[0].data == b"text after all"


def test_permission_denied_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    path = tmp_path / "secret.txt"
    path.write_text("x")
    real_open = builtins.open

    def fake_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    assert list(iter_inputs([str(path)])) == [InputFile(str(path), None, "permission denied", 0)]


def test_stdin_default_and_broken_stream() -> None:
    class Broken(io.RawIOBase):
        def read(self, *args):  # type: ignore[no-untyped-def]
            raise OSError("boom")

    got = list(iter_inputs(["-"], stdin=Broken()))  # type: ignore[arg-type]
    assert got[0].name == "<stdin>" and got[0].data is None and "boom" in (got[0].error or "")
