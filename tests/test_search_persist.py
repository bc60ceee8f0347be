"""Persisted search index: round trip, invalidation (key, papers, damage), warm-up."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synth import make_papers  # noqa: E402
from readq.model import Paper, Status  # noqa: E402
from readq.search import SearchIndex  # noqa: E402
from readq.search import persist  # noqa: E402
from readq.search.cache import load_or_build
from readq.search.persist import CacheMismatch, index_path  # noqa: E402
from tests.helpers.spy import spy_index_builds  # noqa: E402

QUERIES = ["", "video", "vide", "e", "st", "Video", "^temp", "ding$", '"video te"', "is:starred vllamb",
           "text-to-video", "recurent", "!survey", "long context | streaming memory", "year:>=2024 diffusion",
           "org:nvidia", "digest:0", "has:arxiv", "has:abstract", "arxiv:24"]


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    return make_papers(700, seed=11)


def _results(index: SearchIndex) -> dict[str, list[int]]:
    return {q: list(index.search(q).order) for q in QUERIES}


_spy_builds = spy_index_builds


def test_round_trip_gives_identical_results(papers: list[Paper], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = SearchIndex(papers)
    builds = _spy_builds(monkeypatch)
    first = load_or_build(papers, tmp_path, "gen-1", warm=False)
    assert builds == [len(papers)] and index_path(tmp_path).exists()
    second = load_or_build(papers, tmp_path, "gen-1", warm=False)
    assert builds == [len(papers)]  # loaded, not rebuilt
    want = _results(fresh)
    assert _results(first) == want
    assert _results(second) == want
    assert second.papers == papers
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".readq-tmp-")]


def test_status_and_stars_come_from_current_papers(papers: list[Paper], tmp_path: Path) -> None:
    load_or_build(papers, tmp_path, "g", warm=False)
    changed = [dataclasses.replace(p, status=Status.READ, starred=True, upvotes=999) for p in papers]
    loaded = load_or_build(changed, tmp_path, "g", warm=False)
    assert loaded.search("is:read").total == len(papers)
    assert loaded.search("is:starred").total == len(papers)
    assert loaded.search("upvotes:>998").total == len(papers)
    loaded.update(dataclasses.replace(changed[0], status=Status.NEW))
    assert loaded.search("is:new").total == 1


def test_key_mismatch_rebuilds(papers: list[Paper], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_or_build(papers, tmp_path, "gen-1", warm=False)
    builds = _spy_builds(monkeypatch)
    load_or_build(papers, tmp_path, "gen-2", warm=False)
    assert builds == [len(papers)]
    load_or_build(papers, tmp_path, "gen-2", warm=False)  # the rebuilt one was saved
    assert builds == [len(papers)]
    with pytest.raises(CacheMismatch):
        SearchIndex.load(index_path(tmp_path), papers, key="gen-1")


@pytest.mark.parametrize("change", ["reorder", "drop", "retitle", "new_id", "abstract"])
def test_paper_mismatch_rebuilds(papers: list[Paper], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 change: str) -> None:
    load_or_build(papers, tmp_path, "g", warm=False)
    other = list(papers)
    if change == "reorder":
        other[0], other[1] = other[1], other[0]
    elif change == "drop":
        other.pop()
    elif change == "retitle":
        other[5] = dataclasses.replace(other[5], title="Completely different zebra title")
    elif change == "new_id":
        other[5] = dataclasses.replace(other[5], id="zzzzzzzzzz")
    else:
        other[5] = dataclasses.replace(other[5], abstract=other[5].abstract + " zebra")
    builds = _spy_builds(monkeypatch)
    idx = load_or_build(other, tmp_path, "g", warm=False)
    assert builds == [len(other)]
    assert _results(idx) == _results(SearchIndex(other))
    if change == "retitle":
        assert idx.search("zebra").total == 1


def _damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "truncate":
        data = data[: len(data) // 2]
    elif how == "flip_payload":
        data[-100] ^= 0xFF
    elif how == "flip_header":
        data[20] ^= 0x01
    elif how == "garbage":
        data = bytearray(b"not an index at all" * 10)
    elif how == "empty":
        data = bytearray()
    elif how == "old_version":
        data = data.replace(b'"version": 1', b'"version": 0', 1)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["truncate", "flip_payload", "flip_header", "garbage", "empty", "old_version"])
def test_damaged_cache_rebuilds_and_overwrites(papers: list[Paper], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    load_or_build(papers, tmp_path, "g", warm=False)
    path = index_path(tmp_path)
    _damage(path, how)
    builds = _spy_builds(monkeypatch)
    idx = load_or_build(papers, tmp_path, "g", warm=False)
    assert builds == [len(papers)]
    assert _results(idx) == _results(SearchIndex(papers))
    SearchIndex.load(path, papers, key="g")  # overwritten with a good one


def test_structurally_bad_arrays_are_rejected(papers: list[Paper], tmp_path: Path) -> None:
    """A file with a valid checksum but out-of-range postings (e.g. a bug) must not be used."""
    idx = SearchIndex(papers)
    idx.state.text.title.docs = idx.state.text.title.docs.copy()
    idx.state.text.title.docs[0] = len(papers) + 5
    path = tmp_path / "bad.bin"
    idx.save(path, key="g")
    with pytest.raises(CacheMismatch):
        SearchIndex.load(path, papers, key="g")


def test_unwritable_cache_dir_still_returns_an_index(papers: list[Paper], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    idx = load_or_build(papers[:50], blocker / "sub", "g", warm=False)  # mkdir fails: not fatal
    assert len(idx) == 50


def test_other_format_versions_are_removed(papers: list[Paper], tmp_path: Path) -> None:
    old = tmp_path / "search-index.v0.bin"
    old.write_bytes(b"old")
    load_or_build(papers[:30], tmp_path, "g", warm=False)
    assert not old.exists() and index_path(tmp_path).exists()


def test_empty_library_round_trip(tmp_path: Path) -> None:
    load_or_build([], tmp_path, "g", warm=False)
    idx = load_or_build([], tmp_path, "g", warm=False)
    assert len(idx) == 0 and idx.search("video").total == 0


def test_saved_index_without_compound_tokens_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A small library whose titles and abstracts have no hyphenated words: the saved index (with
    an empty compound scan) must load, not be rebuilt on every start."""
    plain = [Paper(id=f"p{i}", title=f"Plain title number {i}", abstract="words only here") for i in range(5)]
    load_or_build(plain, tmp_path, "g", warm=False)
    builds = _spy_builds(monkeypatch)
    idx = load_or_build(plain, tmp_path, "g", warm=False)
    assert builds == [] and idx.search("plain").total == 5


def test_warmup_does_not_change_results(papers: list[Paper], tmp_path: Path) -> None:
    cold = load_or_build(papers, tmp_path, "g", warm=False)
    want = _results(cold)
    warm = load_or_build(papers, tmp_path, "g", warm=True)
    assert warm.wait_warm(60)
    assert warm.state.pinned  # single-character terms were precomputed
    assert _results(warm) == want
    warm.replace_all(papers[:10])  # retires the old state, warms the new one
    assert warm.wait_warm(60)
    assert len(warm) == 10 and warm.search("e").total <= 10
