"""Search behaviour: syntax, smart case, predicates, ranking, fuzziness, highlighting, robustness."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import threading

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

# `bench/` is not an installed package; `pythonpath = ["."]` in pytest's config would replace this
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synth import make_papers  # noqa: E402
from readq.model import Paper, Source, Status  # noqa: E402
from readq.search import Kind, SearchIndex, highlight_spans, parse_query  # noqa: E402

VLLAMB = "VideoLLaMB: Long-context Video Understanding with Recurrent Memory Bridges"


def P(pid: str, title: str, abstract: str = "", **kw: object) -> Paper:
    return Paper(id=pid, title=title, abstract=abstract, **kw)  # type: ignore[arg-type]


@pytest.fixture
def papers() -> list[Paper]:
    return [
        P("a1", VLLAMB, "We bridge memory for long videos.", published="2024-09-02", org="Nvidia",
          upvotes=12, authors_count=4, arxiv_id="2409.01071", links=("https://x.org",),
          sources=(Source("000_digest.txt", "2025-03-12"),)),
        P("a2", "Audio Spectrogram Transformers", "Speech and sound with video context.",
          published="2025-01-10", upvotes=3, status=Status.TO_READ, starred=True,
          sources=(Source("001_b2f.txt", "2025-02-01"), Source("003_x.txt", "2025-03-01"))),
        P("a3", "A Survey of Diffusion Models", "Image synthesis overview. No moving pictures.",
          published="2023-05-01", status=Status.READ, authors_count=9),
        P("a4", "Temporal Grounding in Long Videos", "Localize moments; text-to-video retrieval.",
          published="2025-06-01", status=Status.SKIPPED, org="Google DeepMind"),
        P("a5", "Efficient Tokenizers", "We study the Video tokenizer for diffusion video models.",
          published="2022-01-01", sources=(Source("004_d74.txt", "2022-01-05"),)),
    ]


@pytest.fixture
def index(papers: list[Paper]) -> SearchIndex:
    return SearchIndex(papers)


def ids(index: SearchIndex, q: str) -> list[str]:
    r = index.search(q)
    assert r.total == len(r.order)
    return [index.papers[i].id for i in r.order]


# --- syntax ---------------------------------------------------------------------------------------


def test_empty_query_lists_everything_newest_first(index: SearchIndex) -> None:
    assert ids(index, "") == ["a4", "a2", "a1", "a3", "a5"]
    assert ids(index, "   ") == ids(index, "")


def test_plain_term_matches_title_or_abstract_substring(index: SearchIndex) -> None:
    assert set(ids(index, "video")) == {"a1", "a2", "a4", "a5"}
    assert ids(index, "spectro") == ["a2"]  # inside a word
    assert ids(index, "moments") == ["a4"]  # abstract only


def test_space_is_and(index: SearchIndex) -> None:
    assert ids(index, "video long") == ["a1", "a4"]  # a1: both whole words in title
    assert ids(index, "video survey") == []


def test_or_between_adjacent_terms(index: SearchIndex) -> None:
    assert set(ids(index, "survey | audio")) == {"a2", "a3"}
    assert set(ids(index, "survey | audio spectrogram")) == {"a2"}
    assert ids(index, "| survey |") == ["a3"]


def test_exact_prefix_suffix_equal(index: SearchIndex) -> None:
    assert ids(index, "'memory") == ["a1"]
    assert ids(index, "^temporal") == ["a4"]
    assert ids(index, "^videollamb:") == ["a1"]
    assert ids(index, "models$") == ["a3"]
    assert ids(index, "^efficient tokenizers$") == ["a5"]  # two terms: prefix AND suffix
    assert ids(index, "^efficient\\ tokenizers$") == ["a5"]
    assert ids(index, "'vllamb") == []  # exact terms are never fuzzy


def test_phrase_spanning_words(index: SearchIndex) -> None:
    assert ids(index, '"video understanding"') == ["a1"]
    assert ids(index, '"long videos"') == ["a4", "a1"]
    assert ids(index, '"videos long"') == []


def test_hyphenated_and_punctuated_terms(index: SearchIndex) -> None:
    assert ids(index, "text-to-video") == ["a4"]
    assert ids(index, "text-to-") == ["a4"]
    assert ids(index, "long-context") == ["a1"]
    assert ids(index, "2409.01071") == []  # arxiv ids are a predicate, not text


def test_negation(index: SearchIndex) -> None:
    assert set(ids(index, "!video")) == {"a3"}
    assert set(ids(index, "!survey")) == {"a1", "a2", "a4", "a5"}
    assert set(ids(index, "!^a ")) == {"a1", "a4", "a5"}
    assert ids(index, "!'vllamb") == ids(index, "")  # negation is exact: no fuzzy exclusion
    assert ids(index, "video !long !audio") == ["a5"]


def test_smart_case(index: SearchIndex) -> None:
    assert set(ids(index, "video")) == {"a1", "a2", "a4", "a5"}
    assert set(ids(index, "Video")) == {"a1", "a4", "a5"}  # a4 via "Videos", a5 via "Video tokenizer"
    assert ids(index, "VIDEO") == []
    assert ids(index, "^Temporal") == ["a4"]
    assert ids(index, "^TEMPORAL") == []


# --- predicates -----------------------------------------------------------------------------------


def test_status_and_star_predicates(index: SearchIndex) -> None:
    assert ids(index, "is:starred") == ["a2"]
    assert ids(index, "is:to-read") == ["a2"]
    assert ids(index, "status:toread") == ["a2"]
    assert ids(index, "is:read") == ["a3"]
    assert ids(index, "is:skipped") == ["a4"]
    assert set(ids(index, "is:new")) == {"a1", "a5"}
    assert set(ids(index, "is:unread")) == {"a1", "a2", "a5"}
    assert set(ids(index, "!is:starred")) == {"a1", "a3", "a4", "a5"}
    assert ids(index, "is:starred | is:read") == ["a2", "a3"]


def test_update_is_seen_by_predicates_immediately(index: SearchIndex, papers: list[Paper]) -> None:
    index.update(dataclasses.replace(papers[0], status=Status.READ, starred=True))
    assert set(ids(index, "is:read")) == {"a1", "a3"}
    assert set(ids(index, "is:starred")) == {"a1", "a2"}
    assert index.papers[0].status is Status.READ
    assert ids(index, "is:read videollamb") == ["a1"]
    index.update(P("zz", "unknown paper"))  # not in the index: ignored
    assert len(index) == 5


def test_numeric_and_string_predicates(index: SearchIndex) -> None:
    assert ids(index, "year:2025") == ["a4", "a2"]
    assert ids(index, "year:>=2025") == ["a4", "a2"]
    assert ids(index, "year:<2023") == ["a5"]
    assert ids(index, "year:2022..2023") == ["a3", "a5"]
    assert ids(index, "upvotes:>10") == ["a1"]
    assert ids(index, "upvotes:>=3") == ["a2", "a1"]
    assert ids(index, "authors:>5") == ["a3"]
    assert ids(index, "seen:>1") == ["a2"]
    assert ids(index, "org:nvidia") == ["a1"]
    assert ids(index, "org:DEEPMIND") == ["a4"]
    assert ids(index, "!org:nvidia") == ["a4", "a2", "a3", "a5"]
    assert ids(index, "digest:001") == ["a2"]
    assert ids(index, "arxiv:2409.0107") == ["a1"]
    assert ids(index, "has:links") == ["a1"]
    assert ids(index, "has:arxiv") == ["a1"]
    assert ids(index, "year:>=2025 upvotes:>1 audio") == ["a2"]


def test_incomplete_and_unknown_predicates(index: SearchIndex) -> None:
    everything = ids(index, "")
    assert ids(index, "year:") == everything  # still typing
    assert ids(index, "upvotes:>") == everything
    assert ids(index, "foo:bar") == []  # unknown field = plain text
    assert ids(index, "is:banana") == []
    q = parse_query("year:abc")
    assert q.groups[0][0].kind is Kind.FUZZY


# --- ranking and fuzziness ------------------------------------------------------------------------


def test_title_match_beats_abstract_only() -> None:
    idx = SearchIndex([
        P("new", "Unrelated Title", "all about diffusion here", published="2026-01-01"),
        P("old", "Diffusion Everywhere", "nothing", published="2019-01-01"),
    ])
    assert ids(idx, "diffusion") == ["old", "new"]


def test_whole_word_beats_inside_word_and_ties_are_newest_first() -> None:
    idx = SearchIndex([
        P("inside", "Prevideo Tricks", published="2026-01-01"),
        P("whole_old", "Video Tricks", published="2020-01-01"),
        P("whole_new", "Video Magic", published="2024-01-01"),
        P("whole_new2", "Another Video", published="2024-01-01"),
    ])
    assert ids(idx, "video") == ["whole_new2", "whole_new", "whole_old", "inside"]


def test_typo_and_subsequence_tolerance(index: SearchIndex) -> None:
    assert ids(index, "videollamb recurent") == ["a1"]
    assert ids(index, "vllamb") == ["a1"]
    assert ids(index, "spectogram") == ["a2"]  # missing letter
    assert ids(index, "temproal") == ["a4"]  # transposition
    assert ids(index, "xyzzyq") == []


def test_fuzzy_does_not_match_everything() -> None:
    ps = make_papers(300, seed=3)
    idx = SearchIndex(ps)
    for q in ("vllamb", "recurent", "tmprl"):
        assert 0 < idx.search(q).total < len(ps) // 4 or q == "tmprl"
    assert idx.search("qzxv").total == 0


def test_search_agrees_with_brute_force_on_synthetic_papers() -> None:
    ps = make_papers(400, seed=7)
    idx = SearchIndex(ps)
    for term in ("video", "temporal", "text-to-video", "e.g", "llm", "zero-shot", "state-of"):
        got = set(idx.search(f"'{term}").order)
        want = {i for i, p in enumerate(ps) if term in p.title.lower() or term in p.abstract.lower()}
        assert got == want, term
    got = set(idx.search("!video").order)
    assert got == {i for i, p in enumerate(ps) if "video" not in (p.title + "\n" + p.abstract).lower()}


def test_synth_is_deterministic_and_distinct() -> None:
    a, b = make_papers(500, seed=1), make_papers(500, seed=1)
    assert a == b
    assert len({p.title for p in a}) == 500 and len({p.id for p in a}) == 500
    assert all(len(p.id) == 10 for p in a)


# --- API behaviour --------------------------------------------------------------------------------


def test_replace_all_and_cancel(index: SearchIndex) -> None:
    r = index.search("video", cancel=lambda: True)
    assert r.cancelled and r.total == 0
    index.replace_all([P("b1", "Only One")])
    assert len(index) == 1 and ids(index, "one") == ["b1"]
    assert ids(index, "video") == []


def test_empty_index() -> None:
    idx = SearchIndex([])
    assert len(idx) == 0
    assert idx.search("video is:starred").total == 0
    assert idx.search("").total == 0


def test_concurrent_updates_during_search() -> None:
    ps = make_papers(500, seed=2)
    idx = SearchIndex(ps)
    stop = threading.Event()

    def flip() -> None:
        k = 0
        while not stop.is_set():
            p = ps[k % len(ps)]
            idx.update(dataclasses.replace(p, starred=not p.starred))
            k += 1

    t = threading.Thread(target=flip)
    t.start()
    try:
        for q in ("is:starred video", "!is:starred", "video | audio", "is:new temporal"):
            for _ in range(20):
                r = idx.search(q)
                assert r.total == len(r.order)
    finally:
        stop.set()
        t.join()


def test_search_package_does_not_import_textual() -> None:
    code = "import sys, readq.search; assert not any(m.startswith('textual') for m in sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


# --- highlighting ---------------------------------------------------------------------------------


def test_highlight_substring_and_smart_case() -> None:
    text = "Video understanding with video memory"
    assert highlight_spans("video", text) == [(0, 5), (25, 30)]
    assert highlight_spans("Video", text) == [(0, 5)]
    assert highlight_spans("under mem", text) == [(6, 11), (31, 34)]
    assert highlight_spans("!video is:starred year:2025", text) == []
    assert highlight_spans("vid video", text) == [(0, 5), (25, 30)]  # merged


def test_highlight_fuzzy_title_characters() -> None:
    spans = highlight_spans("videollamb recurent", VLLAMB)
    assert (0, 10) in spans
    covered = "".join(VLLAMB[s:e] for s, e in spans if s >= 40)
    assert covered.lower() == "recurent"
    assert highlight_spans("vllamb", VLLAMB) == [(0, 1), (5, 10)]
    assert highlight_spans("temproal", "Temporal Grounding") == [(0, 8)]


def test_highlight_prefix_suffix() -> None:
    assert highlight_spans("^temp", "Temporal Grounding") == [(0, 4)]
    assert highlight_spans("ding$", "Temporal Grounding") == [(14, 18)]
    assert highlight_spans("^ding", "Temporal Grounding") == []


# --- robustness -----------------------------------------------------------------------------------

_ALPHABET = st.sampled_from(list("ab vV!^$'|\":\\.-_*()[]{}+?é0129<>=") + ["is:", "year:", "org:", ".."])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=20).map("".join))
def test_garbage_queries_never_raise(text: str) -> None:
    idx = _garbage_index()
    q = parse_query(text)
    r = idx.search(text)
    assert r.total == len(r.order) <= len(idx)
    assert idx.search(q).total == r.total
    for s, e in highlight_spans(text, VLLAMB + " éa.b-c v"):
        assert 0 <= s < e


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_arbitrary_unicode_never_raises(text: str) -> None:
    idx = _garbage_index()
    r = idx.search(text)
    assert r.total == len(r.order)
    highlight_spans(text, text)


_GARBAGE: list[SearchIndex] = []


def _garbage_index() -> SearchIndex:
    if not _GARBAGE:
        ps = make_papers(60, seed=5) + [P("u1", "Ünïcödé Ťitle — ½ test", "Straße İstanbul ǅ ﬁ ligature")]
        _GARBAGE.append(SearchIndex(ps))
    return _GARBAGE[0]
