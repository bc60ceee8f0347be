"""The search index's catalogue mode: columns saved with the index, papers matched by ids."""

from __future__ import annotations

import dataclasses
import json
import struct
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synth import make_papers  # noqa: E402
from readq.model import Paper, Status  # noqa: E402
from readq.search import SearchIndex, persist  # noqa: E402
from readq.search.cache import load_or_build
from readq.search.persist import index_path  # noqa: E402
from tests.helpers.spy import spy_index_builds  # noqa: E402

QUERIES = ["", "video", "e", "Video", "^temp", '"video te"', "is:starred vllamb", "year:>=2024 diffusion",
           "org:nvidia", "upvotes:>10", "authors:<3", "seen:1", "has:links", "has:org", "digest:0", "arxiv:24"]


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    return make_papers(500, seed=5)


def _results(index: SearchIndex) -> dict[str, list[int]]:
    return {q: list(index.search(q).order) for q in QUERIES}


def _header(path: Path) -> dict:
    raw = path.read_bytes()
    (hlen,) = struct.unpack("<Q", raw[8:16])
    return json.loads(raw[16 : 16 + hlen])


_builds = spy_index_builds


def test_catalogue_mode_gives_the_same_results_and_follows_state(papers: list[Paper], tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    load_or_build(papers, tmp_path, "g", warm=False, catalog=True)
    assert _header(index_path(tmp_path))["catalog"] is True
    builds = _builds(monkeypatch)
    changed = [dataclasses.replace(p, status=Status.READ, starred=True) if i % 3 == 0 else p
               for i, p in enumerate(papers)]
    loaded = load_or_build(changed, tmp_path, "g", warm=False, catalog=True)
    assert builds == [] and loaded.from_catalog
    assert _results(loaded) == _results(SearchIndex(changed))
    assert loaded.search("is:read").total == sum(p.status is Status.READ for p in changed)
    loaded.update(dataclasses.replace(changed[0], status=Status.NEW, upvotes=12345, org="Zebra Org"))
    assert loaded.search("upvotes:>12000").total == 1 and loaded.search("org:zebra").total == 1


def test_reordered_papers_are_not_trusted(papers: list[Paper], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_or_build(papers, tmp_path, "g", warm=False, catalog=True)
    builds = _builds(monkeypatch)
    other = papers[1:] + papers[:1]
    idx = load_or_build(other, tmp_path, "g", warm=False, catalog=True)
    assert builds == [len(papers)]
    assert _results(idx) == _results(SearchIndex(other))


def test_a_file_without_columns_is_used_then_upgraded(papers: list[Paper], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    load_or_build(papers, tmp_path, "g", warm=False)  # plain mode: no columns saved
    assert "catalog" not in _header(index_path(tmp_path))
    builds = _builds(monkeypatch)
    idx = load_or_build(papers, tmp_path, "g", warm=False, catalog=True)
    assert builds == [] and not idx.from_catalog
    assert _header(index_path(tmp_path))["catalog"] is True  # re-saved with the columns
    assert _results(load_or_build(papers, tmp_path, "g", warm=False, catalog=True)) == _results(idx)


def test_plain_mode_ignores_saved_columns(papers: list[Paper], tmp_path: Path) -> None:
    load_or_build(papers, tmp_path, "g", warm=False, catalog=True)
    changed = [dataclasses.replace(p, upvotes=999) for p in papers]
    loaded = load_or_build(changed, tmp_path, "g", warm=False)
    assert not loaded.from_catalog and loaded.search("upvotes:>998").total == len(papers)


def test_bad_saved_columns_rebuild(papers: list[Paper], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_or_build(papers, tmp_path, "g", warm=False, catalog=True)
    path = index_path(tmp_path)
    raw = path.read_bytes()
    (hlen,) = struct.unpack("<Q", raw[8:16])
    header = json.loads(raw[16 : 16 + hlen])
    header["orgs"] = header["orgs"][:1]  # org codes now point past the table (same length: pad)
    new = json.dumps(header).encode()
    assert len(new) <= hlen
    path.write_bytes(raw[:16] + new + b" " * (hlen - len(new)) + raw[16 + hlen :])
    builds = _builds(monkeypatch)
    idx = load_or_build(papers, tmp_path, "g", warm=False, catalog=True)
    assert builds == [len(papers)]
    assert _results(idx) == _results(SearchIndex(papers))


def test_library_uses_catalogue_mode(tmp_path: Path) -> None:
    from readq.store import Library
    from readq.model import Entry, Source

    lib = Library(tmp_path)
    lib.ingest([Entry(title=p.title, abstract=p.abstract, org="Org" if i % 2 else None,
                      source=Source("d.txt", "2025-01-01")) for i, p in enumerate(make_papers(20, seed=2))])
    lib.search_index(lib.papers())
    again = Library(tmp_path)
    idx = again.search_index(again.papers())
    assert idx.from_catalog and idx.search("org:org").total == 10
    subset = again.papers()[:5]
    assert not again.search_index(subset).from_catalog
