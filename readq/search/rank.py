"""Match quality: score constants, typo/subsequence matching of title words, final ordering.

Scores are small integers per (term, document) so ranking is a vectorized sum + one radix sort:
title whole word > title word prefix > title inside a word > fuzzy title word (rapidfuzz ratio
scaled into 200-500) > abstract whole word > abstract prefix > abstract inside. A document's term
score is its best field score plus a tenth of the abstract score (a title hit that the abstract
confirms beats a bare title hit); terms add up; ties keep the newest-first order.

Fuzzy rule (plain terms of >= 4 word characters, matched against *title words* only, never abstracts,
because a subsequence of a 1,500-character abstract matches almost anything):
* subsequence: the term's characters appear in order inside one title word, starting at the word's
  first character (`vllamb` -> `videollamb`, `recurent` -> `recurrent`);
* typo: optimal-string-alignment distance (a transposition costs 1) <= 1 to a title word (<= 2 for terms of 8+ characters), e.g. `vidoe`.
"""

from __future__ import annotations

import re

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

TITLE_SCORE = np.array([0, 600, 800, 1000], dtype=np.int16)  # by quality 0..3 (inside, prefix, whole)
ABSTRACT_SCORE = np.array([0, 150, 250, 300], dtype=np.int16)
TITLE_PREFIX_SCORE = 1100  # ^term
TITLE_SUFFIX_SCORE = 900  # term$
TITLE_EQUAL_SCORE = 1300  # ^term$
FUZZY_MIN, FUZZY_MAX = 200, 500
MAX_TERM_SCORE = 1400
MIN_FUZZY_LEN = 4


class TitleWords:
    """Distinct title words for fuzzy matching, arranged so a keystroke touches few of them.

    A typo match needs `|len(word) - len(key)| <= cutoff`, so words are kept sorted by length and
    one vectorised `process.cdist` runs over that slice only; a subsequence match starts with the
    key's first character, so the regex runs over the words with that first character only;
    ratios are one more `cdist` over the (few) matches.
    """

    def __init__(self, tokens: list[str], ids: np.ndarray) -> None:
        words = [tokens[i] for i in ids.tolist()]
        order = sorted(range(len(words)), key=lambda i: len(words[i]))
        self.words = [words[i] for i in order]
        self.ids = ids.astype(np.int32)[np.asarray(order, dtype=np.int64)] if order else ids.astype(np.int32)
        lens = np.fromiter((len(w) for w in self.words), dtype=np.int64, count=len(self.words))
        self._len_start = np.searchsorted(lens, np.arange(lens.max() + 3 if len(lens) else 1))
        by_first: dict[str, list[int]] = {}
        for i, w in enumerate(self.words):
            by_first.setdefault(w[0], []).append(i)
        self._groups: dict[str, tuple[str, np.ndarray, np.ndarray]] = {}
        for ch, members in by_first.items():
            text = "\n" + "\n".join(self.words[i] for i in members) + "\n"
            wl = np.fromiter((len(self.words[i]) + 1 for i in members), dtype=np.int64, count=len(members))
            starts = np.concatenate(([1], 1 + np.cumsum(wl)[:-1]))
            self._groups[ch] = (text, starts, np.asarray(members, dtype=np.int64))

    def _length_slice(self, lo: int, hi: int) -> tuple[int, int]:
        """Index range of the words whose length is in [lo, hi]."""
        top = len(self._len_start) - 1
        a = int(self._len_start[min(max(lo, 0), top)])
        b = int(self._len_start[min(max(hi + 1, 0), top)]) if hi + 1 <= top else len(self.words)
        return a, b

    def fuzzy(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """(token ids, int16 scores) of title words matching `key` by subsequence or typo."""
        if len(key) < MIN_FUZZY_LEN or not self.words:
            return np.zeros(0, np.int32), np.zeros(0, np.int16)
        found: list[np.ndarray] = []
        group = self._groups.get(key[0])
        if group is not None:
            text, starts, members = group
            pos = [m.start() for m in re.finditer(subsequence_pattern(key, multiline=True), text)]
            if pos:
                found.append(members[np.searchsorted(starts, np.asarray(pos), side="right") - 1])
        cutoff = 1 if len(key) < 8 else 2
        a, b = self._length_slice(len(key) - cutoff, len(key) + cutoff)
        if b > a:
            dist = process.cdist([key], self.words[a:b], scorer=OSA.distance, score_cutoff=cutoff,
                                 dtype=np.int32, workers=1)[0]
            found.append(a + np.flatnonzero(dist <= cutoff))
        idx = np.unique(np.concatenate(found)) if found else np.zeros(0, np.int64)
        if not len(idx):
            return np.zeros(0, np.int32), np.zeros(0, np.int16)
        ratios = process.cdist([key], [self.words[i] for i in idx.tolist()], scorer=fuzz.ratio,
                               dtype=np.float64, workers=1)[0]
        scores = (FUZZY_MIN + (FUZZY_MAX - FUZZY_MIN) * ratios / 100).astype(np.int16)
        return self.ids[idx], scores


def subsequence_pattern(key: str, *, multiline: bool = False) -> str:
    """Regex: `key`'s characters in order within one word, starting at the word's first character.

    Negated classes (`[^\\nc]*c`) keep the regex linear: no backtracking across characters.
    """
    stop = "\\n" if multiline else "\\W"
    head = "^" if multiline else r"\b"
    parts = [re.escape(key[0])]
    for ch in key[1:]:
        c = re.escape(ch)
        parts.append(f"[^{stop}{c}]*{c}")
    return ("(?m)" if multiline else "") + head + "".join(parts)


def order_by_score(candidates_by_recency: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Candidates (already newest first) stably sorted by descending score: ties stay newest first."""
    if not len(candidates_by_recency):
        return candidates_by_recency
    s = scores[candidates_by_recency]
    if s.min() == s.max():
        return candidates_by_recency
    neg = (np.int32(s.max()) - s.astype(np.int32)).astype(np.uint16)  # radix sort for 16-bit keys
    return candidates_by_recency[np.argsort(neg, kind="stable")]
