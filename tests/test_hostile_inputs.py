"""Hostile and odd inputs to `readq import`, through the real CLI.

Why: users point readq at whatever they saved: empty files, images, web pages, exotic encodings,
folders full of junk, files they cannot read, a closed stdin. Each must give the papers it
honestly holds plus warnings (exit 0), or one error line naming the file and a non-zero exit;
never a traceback; and a run that imports nothing must leave the library byte-for-byte untouched
(or not create it). One digest saved in different encodings must give identical papers.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from readq.cli import cli
from readq.store import Library
from readq.model import Entry, Source

SAMPLES = Path(__file__).resolve().parent.parent / "sample_digests"
FURNITURE = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n"


def run(lib: Path, *args: str, input: str | bytes | None = None) -> Result:
    return CliRunner().invoke(cli, ["--library", str(lib), *args], input=input, catch_exceptions=True)


def _paragraphs() -> list[str]:
    return (SAMPLES / "000_44acc7d1eb537eca.txt").read_text(encoding="utf-8").split("\n\n")


def _head_size() -> int:
    """How many paragraphs make a head of a few papers that ends with a complete abstract."""
    paras = _paragraphs()
    for n in range(1, len(paras)):
        if len("\n\n".join(paras[:n])) > 6000 and len(paras[n - 1]) > 300:
            return n
    raise AssertionError("sample digest too short")


def seed_text() -> str:
    """The head of a real digest (a handful of complete papers), with some Latin-1 letters."""
    head = "\n\n".join(_paragraphs()[: _head_size()]) + "\n"
    return head.replace("Pose-free 3D Scene", "Pose-free 3D Scène (café, Zürich)", 1)


def truncated_text() -> str:
    """The same head plus the next paper's title and the first 150 characters of its abstract."""
    paras = _paragraphs()
    n = _head_size()
    return seed_text() + "\n" + paras[n] + "\n\n" + paras[n + 1][:150]


def snapshot(lib: Path) -> dict[str, bytes] | None:
    if not lib.exists():
        return None
    return {p.name: p.read_bytes() for p in sorted(lib.iterdir()) if p.is_file()}


@pytest.fixture
def lib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An existing library (one paper) so "untouched" means byte-identical, not just absent."""
    monkeypatch.setenv("READQ_TODAY", "2026-11-23")
    path = tmp_path / "lib"
    Library(path).ingest([Entry(title="A paper already in the library", abstract="Kept. " * 10,
                                source=Source(file="old.txt", digest_date="2025-01-01"))])
    return path


def assert_nothing_imported(lib: Path, before: dict[str, bytes] | None, result: Result, name: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("readq:")]
    assert len(errors) == 1 and name in errors[0], result.stderr
    assert snapshot(lib) == before


def assert_imported(result: Result) -> None:
    assert result.exit_code == 0, result.output
    assert result.exception is None, result.exception
    assert "Traceback" not in result.output


NOTHING_READABLE = {
    "empty": b"",
    "binary": b"\x89PNG\r\n\x1a\n" + random.Random(3).randbytes(4096),
    "html": b"<!doctype html><html><head><title>My blog</title></head><body><h1>Hello</h1>"
    b"<p>Nothing about papers here, just a <a href='https://example.org'>link</a>.</p></body></html>",
    "long-line": b"x" * 5_000_000,
    "furniture": FURNITURE.encode(),
}


@pytest.mark.parametrize("kind", list(NOTHING_READABLE))
def test_file_with_no_papers_fails_cleanly_and_touches_nothing(lib: Path, tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.txt"
    path.write_bytes(NOTHING_READABLE[kind])
    before = snapshot(lib)
    assert_nothing_imported(lib, before, run(lib, "import", str(path)), path.name)


def test_nothing_readable_does_not_create_a_library(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = run(tmp_path / "new-lib", "import", str(path))
    assert_nothing_imported(tmp_path / "new-lib", None, result, "empty.txt")


def test_missing_path_is_one_line_naming_it(lib: Path, tmp_path: Path) -> None:
    before = snapshot(lib)
    result = run(lib, "import", str(tmp_path / "does-not-exist.txt"))
    assert_nothing_imported(lib, before, result, "does-not-exist.txt")
    assert "no such file" in result.stderr


def test_unreadable_file_is_one_line_naming_it(lib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(seed_text(), encoding="utf-8")
    path.chmod(0)
    if os.geteuid() == 0:
        # root reads mode-000 files anyway; make the read fail the way EACCES does for a user.
        import builtins

        from readq.digest import inputs

        def denied(file: object, *args: object, **kwargs: object) -> object:
            if str(file) == str(path):
                raise PermissionError(13, "Permission denied", str(file))
            return builtins.open(file, *args, **kwargs)  # type: ignore[call-overload]

        monkeypatch.setattr(inputs, "open", denied, raising=False)
    before = snapshot(lib)
    result = run(lib, "import", str(path))
    assert_nothing_imported(lib, before, result, "secret.txt")
    assert "permission denied" in result.stderr


def test_truncated_digest_keeps_the_complete_papers(lib: Path, tmp_path: Path) -> None:
    complete = tmp_path / "complete.txt"
    complete.write_text(seed_text(), encoding="utf-8")
    path = tmp_path / "truncated.txt"
    path.write_text(truncated_text(), encoding="utf-8")
    reference = run(tmp_path / "reference", "import", "--json", str(complete))
    result = run(lib, "import", "--json", str(path))
    assert_imported(result)
    titles = {p.title for p in Library(lib).papers()}
    assert {p.title for p in Library(tmp_path / "reference").papers()} <= titles  # none lost
    assert json.loads(result.stdout)["entries"] >= json.loads(reference.stdout)["entries"] >= 3


def test_title_without_abstract_is_imported_with_a_warning(lib: Path, tmp_path: Path) -> None:
    text = FURNITURE + "\nMar 12\n\nA Title With No Abstract: Lonely Headings for Video\n"
    path = tmp_path / "lonely.txt"
    path.write_text(text, encoding="utf-8")
    before = snapshot(lib)
    result = run(lib, "import", str(path))
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        titles = {p.title for p in Library(lib).papers()}
        assert "A Title With No Abstract: Lonely Headings for Video" in titles
        assert "abstract" in result.stderr.lower()
    else:
        assert_nothing_imported(lib, before, result, "lonely.txt")


ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    "utf-16-le-bom": lambda t: b"\xff\xfe" + t.encode("utf-16-le"),
    "utf-16-be-bom": lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
    "latin-1": lambda t: t.encode("latin-1"),
    "crlf": lambda t: t.replace("\n", "\r\n").encode("utf-8"),
}


def exported(lib: Path) -> list[dict]:
    result = run(lib, "export", "--format", "json")
    assert result.exit_code == 0, result.output
    papers = json.loads(result.stdout)
    for paper in papers:
        paper.pop("added", None)
        for source in paper.get("sources", []):
            source.pop("file", None)
    return sorted(papers, key=lambda p: p["id"])


def test_one_digest_in_every_encoding_gives_identical_papers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READQ_TODAY", "2026-11-23")
    text = seed_text()
    results = {}
    for name, encode in ENCODINGS.items():
        path = tmp_path / f"digest-{name}.txt"
        path.write_bytes(encode(text))
        lib = tmp_path / f"lib-{name}"
        result = run(lib, "import", str(path))
        assert_imported(result)
        results[name] = exported(lib)
    reference = results["utf-8"]
    assert len(reference) >= 3
    assert any("Scène (café, Zürich)" in p["title"] for p in reference)
    for name, papers in results.items():
        assert papers == reference, f"{name} differs from utf-8"


def test_folder_with_good_and_bad_files_imports_the_good_and_names_the_bad(lib: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text(seed_text(), encoding="utf-8")
    (folder / "sub" / "good-utf16.txt").write_bytes(b"\xff\xfe" + seed_text().encode("utf-16-le"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "noise.txt").write_bytes(random.Random(5).randbytes(2000))
    (folder / "picture.png").write_bytes(NOTHING_READABLE["binary"])
    (folder / "furniture.md").write_text(FURNITURE, encoding="utf-8")
    result = run(lib, "import", "--json", str(folder))
    assert_imported(result)
    summary = json.loads(result.stdout)
    assert summary["files_read"] == 2 and summary["new"] >= 3
    assert summary["duplicates"] >= summary["new"]  # the UTF-16 copy merged into the UTF-8 one
    for bad in ("empty.txt", "noise.txt", "picture.png", "furniture.md"):
        assert bad in result.stderr, f"{bad} not reported"


def test_empty_stdin_fails_cleanly(lib: Path) -> None:
    before = snapshot(lib)
    result = run(lib, "import", "-", input=b"")
    assert_nothing_imported(lib, before, result, "stdin")


def _readq(lib: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, READQ_TODAY="2026-11-23")
    return subprocess.run([sys.executable, "-m", "readq", "--library", str(lib), *args],
                          capture_output=True, env=env, timeout=60, **kwargs)  # type: ignore[call-overload]


def test_closed_stdin_fails_cleanly(lib: Path) -> None:
    """fd 0 closed before readq starts (`readq import - <&-`): sys.stdin is None."""
    before = snapshot(lib)
    proc = _readq(lib, "import", "-", stdin=None, preexec_fn=lambda: os.close(0))
    assert proc.returncode == 1, proc.stderr
    assert b"Traceback" not in proc.stderr + proc.stdout
    assert b"stdin" in proc.stderr
    assert snapshot(lib) == before


def test_stdin_closed_mid_digest_keeps_what_arrived(lib: Path) -> None:
    """The writer goes away mid-abstract: the complete papers before the cut are imported."""
    partial = truncated_text().encode("utf-8")
    proc = _readq(lib, "import", "-", input=partial)
    assert proc.returncode == 0, proc.stderr
    assert b"Traceback" not in proc.stderr + proc.stdout
    assert any(p.title.startswith("FrozenRecon") for p in Library(lib).papers())


MARKDOWN = Path(__file__).resolve().parent / "data" / "digests" / "markdownload_hf_daily.md"


@pytest.mark.parametrize(
    "extra",
    [b"\n[Code](http://[broken-host/x)\n", b"\nUpvote: \xc2\xb21\n"],
    ids=["malformed-ipv6-link", "superscript-upvotes"],
)
def test_one_odd_line_does_not_cost_the_whole_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   extra: bytes) -> None:
    """Found by bench/fuzz_ingest.py: `urlsplit` raising on `http://[...` and `int("²1")` after
    `str.isdigit()` made the markdown parser throw, and the safety net then skipped every paper."""
    monkeypatch.setenv("READQ_TODAY", "2026-11-23")
    good = tmp_path / "good.md"
    good.write_bytes(MARKDOWN.read_bytes())
    odd = tmp_path / "odd.md"
    odd.write_bytes(MARKDOWN.read_bytes() + extra)
    expected = run(tmp_path / "lib-good", "import", "--json", str(good))
    result = run(tmp_path / "lib-odd", "import", "--json", str(odd))
    assert_imported(result)
    assert "internal parser error" not in result.stderr
    assert json.loads(result.stdout)["entries"] == json.loads(expected.stdout)["entries"] > 0
