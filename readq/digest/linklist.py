"""Plain-text lists of paper titles, each line naming its paper by a link or an arXiv ID.

Notes, chat messages and reading-group mails list papers one per line::

    Long-Context Video Understanding with Sparse Memory - https://arxiv.org/abs/2406.01234
    2. Temporal Grounding in the Wild: A Benchmark (arXiv:2406.04321)

A line is an entry when, after an optional list marker, it is a title followed (or preceded) by
an arXiv or Hugging Face paper link or an arXiv ID, with at most a separator around it. The ID
is what makes the line a paper: a title alone is not one. A file is read this way only when at
least two lines are such entries and they are most of its lines that mention a paper, so a
paragraph citing one paper stays prose. Entries carry no abstract (`readq resolve` fills them).
"""

from __future__ import annotations

import re

from readq.digest.context import Context, Draft
from readq.digest.links import arxiv_id_from_label, arxiv_id_from_url
from readq.model import Entry

SAMPLE = 200_000
MIN_ENTRIES = 2
_MARKER = r"(?:[-*•+][ \t]+|\(?\d{1,4}[.)\]][ \t]+|\[\d{1,4}\][ \t]*)?"
_REF = r"(?P<ref>https?://\S+|arXiv[: \t]?[ \t]*[\w.-]+/\d{7}(?:v\d+)?|arXiv[: \t]?[ \t]*\d{4}\.\d{4,5}(?:v\d+)?)"
_SEP = r"[ \t]*(?:[-–—:|,][ \t]*)?"
_AFTER = re.compile(rf"[ \t]*{_MARKER}(?P<title>\S.{{7,398}}?){_SEP}[(\[<]?{_REF}[)\]>]?[.,;]?[ \t]*", re.IGNORECASE)
_BEFORE = re.compile(rf"[ \t]*{_MARKER}[(\[<]?{_REF}[)\]>]?{_SEP}(?P<title>\S.{{7,398}})", re.IGNORECASE)
_MENTION = re.compile(r"arxiv\.org/(?:abs|pdf)/|huggingface\.co/papers/\d|arXiv[: \t]?[ \t]*\d{4}\.\d{4,5}", re.IGNORECASE)


def _paper_id(ref: str) -> str | None:
    ref = ref.rstrip(").,;]>")
    if ref.lower().startswith("http"):
        return arxiv_id_from_url(ref)
    return arxiv_id_from_label("arXiv:" + ref[5:].lstrip(": \t"))


def entry_line(line: str) -> tuple[str, str] | None:
    """(title, arXiv ID) when `line` is a title with its paper's link or ID, else None."""
    if len(line) > 600 or not _MENTION.search(line):
        return None
    for pattern in (_AFTER, _BEFORE):
        m = pattern.fullmatch(line)
        if m is None:
            continue
        title = m["title"].strip(" \t-–—:|,")
        aid = _paper_id(m["ref"])
        if aid and title and not _MENTION.search(title) and "http" not in title:
            return title, aid
    return None


def looks_like(text: str) -> bool:
    """At least two entry lines in the sample, and most lines that mention a paper are entries."""
    mentions = entries = 0
    for line in text[:SAMPLE].split("\n"):
        if _MENTION.search(line):
            mentions += 1
            entries += entry_line(line) is not None
    return entries >= MIN_ENTRIES and entries * 4 >= mentions * 3


def parse(lines: list[str], ctx: Context) -> tuple[list[Entry], str]:
    """One entry per title-and-ID line; none unless there are two."""
    drafts: list[Draft] = []
    for number, line in enumerate(lines, start=1):
        got = entry_line(line)
        if got is None:
            continue
        title, aid = got
        drafts.append(Draft(title=title, line=number, arxiv_id=aid, has_meta=True))
    if len(drafts) < MIN_ENTRIES:
        return [], "link-list"
    return ctx.finish_all(drafts, "list"), "link-list"
