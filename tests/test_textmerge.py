"""Extending a saved search index on import: the merged index answers as a fresh build would."""

from __future__ import annotations

import dataclasses
import os
import random
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synth import make_papers  # noqa: E402
from readq.ingest import import_paths  # noqa: E402
from readq.search import SearchIndex, textmerge  # noqa: E402
from readq.search.cache import Previous, load_or_build  # noqa: E402
from readq.search.textindex import FieldPostings, TextIndex  # noqa: E402
from readq.store import Library  # noqa: E402
from tests.helpers.spy import spy_index_builds  # noqa: E402

WORDS = ("video diffusion model text-to-video e.g. 2401.12345 zero-shot Über café 東京 emoji😀 a b c "
         "long-context token pruning x--y -edge- Benchmark the of and").split()
QUERIES = ["video", "e", "Video", "^temp", '"video te"', "diffusion model", "zero-shot", "2401", "über",
           "東京", "x--y", "!video", "video | café", "long-context", "token prun", "benchmrk"]


def _doc(r: random.Random) -> str:
    return " ".join(r.choice(WORDS) for _ in range(r.randint(0, 30)))


def _pairs(ti: TextIndex, fp: FieldPostings, n: int) -> set[tuple[str, int]]:
    tok = np.repeat(np.arange(len(fp.indptr) - 1), np.diff(fp.indptr)).tolist()
    out = {(ti.vocab.tokens[t], d) for t, d in zip(tok, fp.docs.tolist())}
    for t in np.flatnonzero(fp.dense_row >= 0).tolist():
        bits = np.unpackbits(fp.bitmaps[fp.dense_row[t]])[:n]
        out.update((ti.vocab.tokens[t], d) for d in np.flatnonzero(bits).tolist())
    return out


def _forward(ti: TextIndex, fp: FieldPostings, n: int) -> set[tuple[str, int]]:
    return {(ti.vocab.tokens[t], d) for d in range(n)
            for t in fp.fwd_tok[fp.fwd_indptr[d] : fp.fwd_indptr[d + 1]].tolist()}


@pytest.mark.parametrize("seed", range(24))
def test_a_merged_index_holds_what_a_fresh_build_holds(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Random corpora, random new and changed documents (sizes around the 2,048-document chunk),
    dense-row blocks of 1 or the default: every (token, document) pair, document frequency and
    forward entry is the same as in an index built over the final texts."""
    r = random.Random(seed)
    if seed % 2:
        monkeypatch.setattr(textmerge, "_ROWS", 1)
    n = r.choice([1, 7, 300, 2047, 2049, 4200])
    titles, abstracts = [_doc(r) for _ in range(n)], [_doc(r) for _ in range(n)]
    share = r.choice([0.0, 0.01, 0.2, 0.6, 1.0])
    is_new = [r.random() < share for _ in range(n)]
    old_t, old_a, old_pos = [], [], []
    for i in (i for i in range(n) if not is_new[i]):
        if r.random() < 0.05:  # a paper whose text changed since: dropped from the old index
            old_t.append(_doc(r))
            old_a.append(_doc(r))
            old_pos.append(-1)
        old_t.append(titles[i])
        old_a.append(abstracts[i])
        old_pos.append(i)
    new_idx = [i for i in range(n) if is_new[i]]
    merged = textmerge.merge_indexes(
        TextIndex.build(old_t, old_a), np.asarray(old_pos),
        TextIndex.build([titles[i] for i in new_idx], [abstracts[i] for i in new_idx]), np.asarray(new_idx), n)
    fresh = TextIndex.build(titles, abstracts)
    for field in ("title", "abstract"):
        m, f = getattr(merged, field), getattr(fresh, field)
        assert _pairs(merged, m, n) == _pairs(fresh, f, n)
        df_m = {merged.vocab.tokens[t]: int(x) for t, x in enumerate(m.df.tolist()) if x}
        df_f = {fresh.vocab.tokens[t]: int(x) for t, x in enumerate(f.df.tolist()) if x}
        assert df_m == df_f
        sparse = {(merged.vocab.tokens[t], d) for t in range(len(m.indptr) - 1)
                  for d in m.docs[m.indptr[t] : m.indptr[t + 1]].tolist()}
        assert _forward(merged, m, n) == sparse
    TextIndex.from_arrays(merged.to_arrays())  # passes the structural checks of a loaded index
    assert sorted(merged.vocab.words.tokens() + merged.vocab.compounds.tokens()) == sorted(merged.vocab.tokens)


def test_bad_positions_are_refused() -> None:
    a = TextIndex.build(["a b", "c"], ["", ""])
    b = TextIndex.build(["d"], [""])
    with pytest.raises(ValueError):
        textmerge.merge_indexes(a, np.array([1, 0]), b, np.array([2]), 3)  # old order not kept
    with pytest.raises(ValueError):
        textmerge.merge_indexes(a, np.array([0, 1]), b, np.array([1]), 3)  # a position twice


def _results(index: SearchIndex) -> dict[str, list[int]]:
    return {q: list(index.search(q).order) for q in QUERIES}


def test_extending_the_saved_index_searches_like_a_fresh_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    papers = make_papers(3000, seed=9)
    old, later = papers[:2900], papers
    old = [dataclasses.replace(p, abstract="an abstract that changed later") if i == 5 else p
           for i, p in enumerate(old)]
    load_or_build(old, tmp_path, "g1", warm=False, catalog=True)
    builds = spy_index_builds(monkeypatch)
    sizes: list[int] = []
    real = TextIndex.build.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(TextIndex, "build", classmethod(lambda cls, t, a: sizes.append(len(t)) or real(cls, t, a)))
    prev = Previous("g1", [p.id for p in old], frozenset({old[5].id}))
    extended = load_or_build(later, tmp_path, "g2", warm=False, catalog=True, previous=prev)
    assert builds == [] and sizes == [101]  # the 100 new papers and the changed one
    monkeypatch.undo()
    assert _results(extended) == _results(SearchIndex(later))
    reloaded = load_or_build(later, tmp_path, "g2", warm=False, catalog=True)
    assert reloaded.from_catalog and _results(reloaded) == _results(SearchIndex(later))


def test_an_unusable_previous_index_means_a_full_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    papers = make_papers(400, seed=3)
    ids = [p.id for p in papers]
    load_or_build(papers[:300], tmp_path, "g1", warm=False, catalog=True)
    builds = spy_index_builds(monkeypatch)
    load_or_build(papers, tmp_path, "g2", warm=False, catalog=True,
                  previous=Previous("g0", ids[:300]))  # saved for another generation
    load_or_build(papers, tmp_path, "g3", warm=False, catalog=True,
                  previous=Previous("g2", ids[::-1]))  # the papers kept changed order
    others = [dataclasses.replace(p, id=f"other{i}") for i, p in enumerate(make_papers(400, seed=4))]
    load_or_build(papers[:100] + others, tmp_path, "g4", warm=False, catalog=True,
                  previous=Previous("g3", ids))  # mostly new papers: a full build is as cheap
    assert builds == [400, 400, 500]


def _import(lib: Library, paths: list[Path]) -> None:
    lib.index_on_import = True
    import_paths(lib, [str(p) for p in paths])


def test_an_import_into_a_library_extends_its_index(tmp_path: Path, seed_files: list[Path],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Import the seeds one after another: the index is extended each time (in-process here) and
    answers every query as an index built over the final catalogue does."""
    monkeypatch.delattr(os, "fork")  # the index is built in-process, where the spy sees it
    builds = spy_index_builds(monkeypatch)
    lib = Library(tmp_path / "lib")
    _import(lib, seed_files[:3])
    for path in seed_files[3:]:
        _import(lib, [path])
    assert len(builds) == 1  # the first import builds; the later ones extend
    monkeypatch.undo()
    saved = Library(tmp_path / "lib").search_index()
    assert saved.from_catalog and len(saved) == len(lib.papers())
    assert _results(saved) == _results(SearchIndex(lib.papers()))
