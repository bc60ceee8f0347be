"""The synthetic inputs of one library size: the papers from `bench/synth.py` rendered as one
Hugging Face "Daily Papers" digest (what `readq import` reads) and as one line per paper (what
`fzf` filters), cached in the workdir because generation is deterministic; and the queries typed
and run against them."""

from __future__ import annotations

import datetime as _dt
import time
from pathlib import Path
from typing import Any

from bench.procs import log

# Realistic filter queries: one and two words, hyphenated, phrase-like; all occur in the corpus.
QUERIES = ["video understanding", "temporal grounding", "diffusion", "zero-shot", "benchmark",
           "long-context", "token pruning", "reinforcement learning"]
CLI_QUERIES = QUERIES[:4]  # whole-process figures use the first four

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def hf_date(iso: str, votes: int | None) -> str:
    d = _dt.date.fromisoformat(iso)
    s = f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    return f"{s} {votes}" if votes is not None else s


def _meta_block(p: Any) -> list[str]:
    """A paper's metadata lines: "• N authors" or "OrgSlug Org Name", then "·" and the date."""
    meta: list[str] = []
    if p.published:
        if p.org:
            meta.append(f"{p.org.replace(' ', '')} {p.org}")
        elif p.authors_count:
            meta.append(f"  • {p.authors_count} authors")
        meta += ["·", hf_date(p.published, p.upvotes)]
    elif p.authors_count:
        meta.append(f"  • {p.authors_count} authors")
    return meta


def render_digest(papers: list) -> str:
    """The papers as one HF "Daily Papers" plain-text digest (the hf-daily layout of seed 004):
    page chrome, the digest date, then per paper: title / blank / abstract / blank / metadata block
    ("• N authors" or "OrgSlug Org Name", "·", "Mon D, YYYY [upvotes]") / blank."""
    out = ["Get trending papers in your email inbox!", "", "Subscribe", "", "Daily Papers", "",
           "byAK and the research community", "", "Jun 1, 2026", ""]
    for p in papers:
        out += [p.title, ""]
        abstract = p.abstract
        if p.links:
            abstract += f" Code: {p.links[0]}"
        out += [abstract, ""]
        meta = _meta_block(p)
        if meta:
            out += [*meta, ""]
    return "\n".join(out) + "\n"


class Inputs:
    """The generated files for one size, cached in the workdir (generation is deterministic)."""

    def __init__(self, workdir: Path, n: int) -> None:
        from bench.synth import make_papers

        self.dir = workdir / f"n{n}"
        self.dir.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        self.papers = make_papers(n, seed=0)
        assert len({p.title for p in self.papers}) == n, "synthetic papers must be distinct"
        self.digest = self.dir / "digest.txt"
        self.lines = self.dir / "lines.txt"
        self.libdir = self.dir / "lib"  # readq's library, made by the import figure and used by the rest
        stamp = self.dir / "stamp"
        if not (stamp.exists() and stamp.read_text() == str(n)):
            self.digest.write_text(render_digest(self.papers), encoding="utf-8")
            with open(self.lines, "w", encoding="utf-8") as f:
                for p in self.papers:  # one line per paper: title and abstract, as readq searches them
                    f.write(f"{p.title} {p.abstract}\n".replace("\r", " "))
            stamp.write_text(str(n))
        log(f"n={n}: inputs ready ({time.perf_counter() - t0:.1f}s; digest {self.digest.stat().st_size / 1e6:.1f} MB)")
