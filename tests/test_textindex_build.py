"""TextIndex.build output pinned byte for byte: a change that speeds the build up must not alter it.

The digests were recorded from the build before its speed-ups; any difference in a token, an array's
dtype, shape or bytes, or `n` changes them.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synth import make_papers
from readq.search.textindex import CHUNK_DOCS, TextIndex

EDGE = [
    "", "a", "A", "É", "éCOLE Ünïcödé", "日本語のテキスト", "emoji 🎉🚀 mixed",
    "Αλφα βήτα γ-δ ΣΊΣΥΦΟΣ", "!!!", "...", "-", "--", "text-to-video", "e.g.", "e.g",
    "2401.12345", "a--b", "-x-", "x-", "-x", "a" * 9, "b" * 64, "c" * 65, "d" * 200,
    "ab-" + "e" * 70 + ".f", "tab\there\nnew\rline\x0bvt\x0cff",
    "MiXeD CaSe ÀÉÎÕÜ ΑΒΓ Straße İstanbul ǅ", "x.y.z w/o c++ c# 3.14-2.71", "Ⅷ ﬁ ﬀ", "a\u0301b",
    "12345678 123456789 1234567890123456", "x" * 8 + "-" + "y" * 8, "surrogate \udc80 here",
    "中" * 30 + "-文",
]


def digest(ix: TextIndex) -> str:
    h = hashlib.sha256()
    h.update("\n".join(ix.vocab.tokens).encode("utf-8", "surrogatepass"))
    h.update(str(ix.n).encode())
    for key, arr in sorted(ix.to_arrays().items()):
        h.update(f"{key}|{arr.dtype.str}|{arr.shape}".encode())
        h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()[:16]


def _synth(n: int) -> tuple[list[str], list[str]]:
    ps = make_papers(n, seed=5)
    titles = [p.title for p in ps]
    abstracts = [p.abstract if i % 9 else p.abstract.upper() + " " + EDGE[i % len(EDGE)]
                 for i, p in enumerate(ps)]
    return titles, abstracts


CASES = {
    "empty": lambda: ([], []),
    "one": lambda: (["Hello World"], ["An abstract, e.g. text-to-video."]),
    "edge": lambda: (EDGE, EDGE[::-1]),
    "synth-2047": lambda: _synth(CHUNK_DOCS - 1),
    "synth-4097": lambda: _synth(2 * CHUNK_DOCS + 1),
    "empty-first-chunk": lambda: tuple([""] * CHUNK_DOCS + x[:900] for x in _synth(900)),
}

EXPECTED = {  # recorded from the build before its speed-ups
    "edge": "4ae9dff4eb68618b",
    "empty": "1ff14a91530b496d",
    "empty-first-chunk": "18dd133b5fa2908e",
    "one": "069a5d8a4a791e0a",
    "synth-2047": "4734030f77d578a7",
    "synth-4097": "58982f53161aaf4f",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_build_output_is_pinned(name: str) -> None:
    titles, abstracts = CASES[name]()
    assert digest(TextIndex.build(titles, abstracts)) == EXPECTED[name]
