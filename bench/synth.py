"""Deterministic synthetic libraries for benchmarks and tests.

`make_papers(n, seed)` recombines real titles and abstract sentences from `sample_digests/` so the
text has the vocabulary, lengths and word frequencies of real digests, at any size. It parses the
samples crudely on purpose (a short line followed by a long one is a title and its abstract), so
benchmarks do not depend on the real digest parser. Same `(n, seed)` -> same papers, always.
"""

from __future__ import annotations

import hashlib
import random
import re
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from readq.model import Paper, Source, Status

SAMPLES = Path(__file__).resolve().parent.parent / "sample_digests"

_ORGS = ("NVIDIA", "Google", "Meta AI", "Alibaba Tongyi Lab", "ByteDance Seed", "Microsoft Research",
         "Amazon", "Moments Lab", "DeepMind", "Tencent ARC", "Shanghai AI Lab", "Apple", "OpenGVLab")
_SUFFIXES = ("", "", "", "-2", "++", "-XL", "-Pro", "-Lite", "v2", "-R1", "-Zero", "-V", "-7B", "3D")
_WORDS = ("Efficient", "Scalable", "Unified", "Robust", "Long-context", "Streaming", "Sparse",
          "Causal", "Multimodal", "Temporal", "Zero-shot", "Self-supervised", "Hierarchical")
_SENT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
_NUM_RE = re.compile(r"\d+(?:\.\d+)?")


@lru_cache(maxsize=1)
def _corpus() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(titles, names, subtitles, sentences) harvested from the sample digests."""
    titles: list[str] = []
    sentences: list[str] = []
    for path in sorted(SAMPLES.glob("*.txt")):
        lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
        lines = [ln for ln in lines if ln]
        for head, body in zip(lines, lines[1:]):
            if len(head) < 250 and len(body) > 150 and not head.endswith("."):
                head = head.removeprefix("Subscribe").strip()
                if head and head not in titles:
                    titles.append(head)
                    sentences.extend(s for s in _SENT_RE.split(body) if len(s) > 30)
    names, subtitles = [], []
    for t in titles:
        name, sep, rest = t.partition(": ")
        if sep and len(name) < 40:
            names.append(name)
            subtitles.append(rest)
        else:
            subtitles.append(t)
    return tuple(titles), tuple(names), tuple(subtitles), tuple(dict.fromkeys(sentences))


def _subtitle(rng: random.Random, subtitles: tuple[str, ...]) -> str:
    """Splice the head of one real subtitle onto the tail of another."""
    a = rng.choice(subtitles).split()
    b = rng.choice(subtitles).split()
    cut_a = rng.randint(1, max(1, len(a) - 1))
    cut_b = rng.randint(0, max(0, len(b) - 2))
    words = a[:cut_a] + b[cut_b:]
    if rng.random() < 0.3:
        words.insert(0, rng.choice(_WORDS))
    return " ".join(words)


def _name(rng: random.Random, names: tuple[str, ...]) -> str:
    base = rng.choice(names)
    r = rng.random()
    if r < 0.35:  # portmanteau of two real model names: "VideoLLaMB" + "Mind" -> "VideoMind"
        other = rng.choice(names)
        base = base[: max(2, len(base) // 2)] + other[len(other) // 2 :]
    return base + rng.choice(_SUFFIXES)


def _abstract(rng: random.Random, sentences: tuple[str, ...], name: str | None) -> str:
    target = rng.randint(900, 2000)
    out: list[str] = []
    size = 0
    while size < target:
        s = rng.choice(sentences)
        if rng.random() < 0.3:  # vary numbers so the vocabulary is not artificially tiny
            s = _NUM_RE.sub(lambda _m: str(rng.randint(2, 999)), s, count=1)
        out.append(s)
        size += len(s) + 1
    if name:
        out.insert(rng.randint(0, min(2, len(out))), f"We propose {name}, a new approach.")
    return " ".join(out)


def make_papers(n: int, seed: int = 0) -> list[Paper]:
    """`n` distinct, realistic papers; deterministic for a given `(n, seed)`."""
    titles, names, subtitles, sentences = _corpus()
    rng = random.Random(seed)
    files = sorted(p.name for p in SAMPLES.glob("*.txt")) or ["digest.txt"]
    start = date(2019, 1, 1)
    span = (date(2026, 5, 31) - start).days
    seen_titles: set[str] = set()
    seen_ids: set[str] = set()
    statuses = (Status.NEW,) * 14 + (Status.TO_READ,) * 3 + (Status.READ,) * 2 + (Status.SKIPPED,)
    papers: list[Paper] = []
    for i in range(n):
        if i < len(titles) and rng.random() < 0.5:
            title, name = titles[i], None
        else:
            name = _name(rng, names) if rng.random() < 0.7 else None
            title = f"{name}: {_subtitle(rng, subtitles)}" if name else _subtitle(rng, subtitles)
        k = 2
        while title in seen_titles:
            title = f"{title.split(' (')[0]} ({k})" if k > 2 or rng.random() < 0.5 else title + "++"
            k += 1
        seen_titles.add(title)
        pid = hashlib.blake2b(title.encode(), digest_size=5).hexdigest()
        while pid in seen_ids:
            pid = hashlib.blake2b(pid.encode(), digest_size=5).hexdigest()
        seen_ids.add(pid)
        day = start + timedelta(days=rng.randrange(span))
        published = day.isoformat() if rng.random() < 0.85 else None
        n_src = 1 if rng.random() < 0.8 else rng.randint(2, 3)
        sources = tuple(
            Source(file=rng.choice(files), digest_date=(day + timedelta(days=rng.randint(0, 30))).isoformat())
            for _ in range(n_src)
        )
        slug = re.sub(r"[^a-z0-9]+", "-", (name or title[:20]).lower()).strip("-") or "x"
        links = (f"https://github.com/lab{i % 97}/{slug}",) if rng.random() < 0.3 else ()
        arxiv = f"{day:%y%m}.{rng.randrange(100000):05d}" if rng.random() < 0.6 else None
        papers.append(
            Paper(
                id=pid,
                title=title,
                abstract=_abstract(rng, sentences, name),
                authors_count=rng.randint(1, 30) if rng.random() < 0.7 else None,
                org=rng.choice(_ORGS) if rng.random() < 0.2 else None,
                published=published,
                upvotes=rng.randint(0, 200) if rng.random() < 0.4 else None,
                links=links,
                arxiv_id=arxiv,
                status=rng.choice(statuses),
                starred=rng.random() < 0.05,
                sources=sources,
            )
        )
    return papers


if __name__ == "__main__":  # quick look: python -m bench.synth 5
    import sys
    import time

    t0 = time.perf_counter()
    ps = make_papers(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
    dt = time.perf_counter() - t0
    for p in ps[:5]:
        print(p.id, p.date, p.status, p.starred, p.org, "|", p.title, "|", p.abstract[:120])
    print(f"{len(ps)} papers in {dt:.2f}s; mean abstract {sum(len(p.abstract) for p in ps) / len(ps):.0f} chars")
