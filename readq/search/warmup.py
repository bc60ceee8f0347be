"""The search warm-up: what the first keystrokes need, precomputed in a background thread.

The fuzzy title-word table, the `^`/`$` title keys and the scores of every 1-character term and
of the most common two-letter word starts (the terms that match most of the vocabulary, so the
slowest to score). Searches never wait for it; each step is short and sleeps briefly, so a
foreground search is not starved. A state retired by `replace_all` stops its warm-up.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from readq.search.scoring import substring_scores
from readq.search.state import SearchState


_WARM_CHARS = "etaoinsrlcdhmpugfvbywkxjqz0123456789"  # most frequent first
# Two-letter word starts pinned by the warm-up. The first two letters of a typed word match much
# of the vocabulary, so their scores take the slow forward scan (5-7 ms at 100k papers, up to
# 18 ms on a busy machine): the slowest keystrokes of a typed query. The 48 most common starts in
# the library (weighted by document frequency) cover ~70% of word starts in its text, for
# 0.2 MB each at 100k papers and ~0.25 s of background CPU.
_WARM_BIGRAMS = 48


def warm_up(st: SearchState) -> None:
    """Body of the warm-up thread; see `SearchIndex.start_warmup`."""
    try:
        for step in _warm_steps(st):
            if st.retired:
                return
            step()
            time.sleep(0.001)  # let a waiting foreground search take the GIL between steps
    except Exception:  # noqa: BLE001 - warm-up is an optimisation; searches compute on demand
        return


def _warm_steps(st: SearchState) -> Iterator[Callable[[], object]]:
    """The warm-up's steps, in order; lazy, so the word starts are counted once tables exist."""
    yield lambda: st.title_words
    # `fuzzy` once: its first call pays one-time costs (numpy imports `numpy.ma` on the first
    # `np.unique`: 18 ms, measured on the first 4-letter term typed at 100k papers)
    yield lambda: st.title_words.fuzzy("warm")
    yield lambda: st.ids
    yield lambda: st.prefix_keys
    yield lambda: st.suffix_keys
    for ch in _WARM_CHARS:
        yield lambda ch=ch: _pin(st, ch)
    for start in _common_word_starts(st, _WARM_BIGRAMS):
        yield lambda start=start: _pin(st, start)


def _common_word_starts(st: SearchState, k: int) -> list[str]:
    """The `k` most common two-character word starts, weighted by documents containing the word."""
    ti = st.text
    tokens, df = ti.vocab.tokens, ti.title.df + ti.abstract.df
    weight: dict[str, int] = {}
    for i, d in zip(ti.vocab.words.ids.tolist(), df[ti.vocab.words.ids].tolist()):
        start = tokens[i][:2]
        if len(start) == 2:
            weight[start] = weight.get(start, 0) + d
    return sorted(weight, key=weight.__getitem__, reverse=True)[:k]


def _pin(st: SearchState, ch: str) -> None:
    if ch in st.pinned:
        return
    value = substring_scores(st, ch, lambda: st.retired)
    if value is not None:
        st.pinned[ch] = value
