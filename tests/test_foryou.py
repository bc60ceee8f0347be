"""The for-you core: labels, training, fallback, blend, explanations, the feature cache."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from readq.foryou import rank
from readq.foryou.cache import CACHE_FILE, load_or_build
from readq.foryou.features import Features, paper_text, prune
from readq.foryou.model import MIN_DECISIONS, decisions, label, train
from readq.model import Paper, Source, Status


def paper(i: int, title: str, abstract: str, status: Status = Status.NEW, starred: bool = False,
          date: str = "2025-01-01") -> Paper:
    return Paper(id=f"p{i:03d}", title=title, abstract=abstract, status=status, starred=starred,
                 published=date, sources=(Source("d.txt", date),))


def corpus() -> list[Paper]:
    """Two clear topics (speech, robots) plus filler; reader keeps speech, skips robots."""
    out = []
    for i in range(30):
        out.append(paper(i, f"Speech recognition model {i}", "audio speech transcription acoustic "
                         f"encoder for spoken language number {i}"))
        out.append(paper(100 + i, f"Robot grasping policy {i}", "robot manipulation grasp "
                         f"embodied control arm number {i}"))
    return out


def decided(papers: list[Paper], n: int) -> list[Paper]:
    out = []
    for p in papers:
        i = int(p.id[1:])
        if i % 100 < n:
            p = replace(p, status=Status.TO_READ if i < 100 else Status.SKIPPED)
        out.append(p)
    return out


def test_labels() -> None:
    assert label(paper(1, "a", "b", Status.TO_READ)) == 1
    assert label(paper(1, "a", "b", Status.READ)) == 1
    assert label(paper(1, "a", "b", Status.SKIPPED, starred=True)) == 1
    assert label(paper(1, "a", "b", Status.SKIPPED)) == 0
    assert label(paper(1, "a", "b")) is None


def test_ranking_puts_the_kept_topic_first_and_explains() -> None:
    papers = decided(corpus(), 10)
    ranking = rank(papers)
    assert ranking.model is not None and ranking.message.startswith("For you: learned from 20")
    new = [pid for pid in ranking.order if pid not in decisions(papers)]
    assert all(int(pid[1:]) < 100 for pid in new[:20])  # every undecided speech paper first
    why = ranking.explain(new[0])
    assert why and all(int(pid[1:]) < 100 for pid, _ in why)
    assert [p.id for p in ranking.sort(papers[:4])] == sorted(
        [p.id for p in papers[:4]], key=ranking.position().__getitem__)


def test_cold_start_and_fallback() -> None:
    papers = decided(corpus(), 3)  # 6 decisions: a model, with the centroid mixed in
    ranking = rank(papers)
    assert ranking.model is not None and ranking.model.centroid_weight > 0
    new = [pid for pid in ranking.order if pid not in decisions(papers)]
    assert sum(int(pid[1:]) < 100 for pid in new[:10]) >= 8
    few = decided(corpus(), 2)[: MIN_DECISIONS - 1]
    fallback = rank(few)
    assert fallback.model is None and fallback.message.startswith("For you needs 5 decisions")
    assert fallback.explain(few[0].id) == []
    only_skips = [replace(p, status=Status.SKIPPED) for p in corpus()[:10]]
    assert rank(only_skips).model is None


def test_fallback_order_is_newest_upvoted_seen() -> None:
    old = paper(1, "a", "x", date="2020-01-01")
    new = paper(2, "b", "y", date="2026-01-01")
    assert rank([old, new]).order == ("p002", "p001")


def test_only_kept_decisions_train_a_centroid_like_model() -> None:
    papers = [replace(p, status=Status.TO_READ) if int(p.id[1:]) < 6 else p for p in corpus()]
    assert train(Features.build(papers), decisions(papers)) is not None


def test_similar_and_prune() -> None:
    papers = corpus()
    features = Features.build(papers)
    near = features.similar("p000", 5)
    assert len(near) == 5 and all(int(pid[1:]) < 100 for pid, _ in near)
    assert "p000" not in [pid for pid, _ in near]
    pruned = prune(features.matrix, 3)
    assert max(pruned.getnnz(axis=1)) == 3


def test_cache_reuses_rows_and_refreshes_changed_papers(tmp_path: Path) -> None:
    papers = corpus()
    first = load_or_build(papers, tmp_path)
    assert (tmp_path / CACHE_FILE).exists()
    again = load_or_build(papers, tmp_path)
    assert (first.matrix != again.matrix).nnz == 0
    changed = [replace(papers[0], title="Robot arm", abstract="robot manipulation grasp arm"), *papers[1:],
               paper(999, "Speech new", "audio speech")]
    updated = load_or_build(changed, tmp_path)
    assert updated.ids[-1] == "p999" and updated.matrix.shape[0] == len(changed)
    near = updated.similar("p000", 3)
    assert all(int(pid[1:]) >= 100 for pid, _ in near)  # its new text is about robots
    (tmp_path / CACHE_FILE).write_bytes(b"damaged")
    assert load_or_build(papers, tmp_path).matrix.shape[0] == len(papers)


def test_paper_text_uses_title_abstract_authors_org() -> None:
    p = replace(paper(1, "Title", "Abstract"), authors=("Ada Lovelace",), org="Lab")
    text = paper_text(p)
    assert all(w in text for w in ("Title", "Abstract", "Ada Lovelace", "Lab"))


def test_importing_readq_foryou_loads_no_heavy_library() -> None:
    code = ("import sys, readq.foryou, readq.cli, readq.tui.screens.annotate; "
            "print([m for m in ('sklearn', 'scipy') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_empty_library_ranks_to_nothing(tmp_path: Path) -> None:
    ranking = rank([], cache_dir=tmp_path)
    assert ranking.order == () and ranking.model is None


def test_cache_built_in_another_process(tmp_path: Path, samples: Path) -> None:
    """The app vectorizes a big uncached library in a subprocess (tokenizing holds the GIL)."""
    from readq.foryou.cache import build_in_subprocess, needs_subprocess
    from readq.ingest import import_paths
    from readq.store import Library

    lib = Library(tmp_path / "lib")
    import_paths(lib, [str(samples)])
    assert needs_subprocess(lib.cache_dir, 10_000) and not needs_subprocess(lib.cache_dir, 10)
    assert build_in_subprocess(lib.path)
    assert (lib.cache_dir / CACHE_FILE).exists() and not needs_subprocess(lib.cache_dir, 10_000)
    assert load_or_build(lib.papers(), lib.cache_dir).matrix.shape[0] == len(lib.papers())
