"""The three plain-text layouts people save from Hugging Face "Daily Papers" pages.

* ``hf-plain``   - chrome, digest date, then title / blank / abstract / blank ... (seeds 000, 003)
* ``hf-compact`` - no blank lines; "Subscribe" glued to the first title; title line and abstract
  line alternate (seeds 001, 002)
* ``hf-daily``   - like hf-plain plus a metadata block after each abstract: "• 3 authors" or an
  organization line, a "·" line, a date with an optional upvote count (seed 004). Some papers have
  no metadata block at all.

All three are read by one structural pass: the text becomes a sequence of *units* (a paragraph or
a line of text, or a metadata block) and a small state machine pairs titles with abstracts. Text
shape (see `prose`) is consulted only to repair anomalies: a title whose abstract is missing, an
abstract split into paragraphs. Without HF chrome or metadata a file must also *look* like
papers, so arbitrary prose never turns into phantom entries.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, islice

from readq.digest import dates, meta
from readq.digest.context import Context, Draft
from readq.digest.furniture import FURNITURE, is_furniture, split_glued_subscribe
from readq.digest.prose import (
    TITLE_MAX,
    collapse,
    looks_truncated,
    plausible_abstract,
    strongly_abstract_like,
    title_like,
)
from readq.model import Entry

WRAPPED_LINE_MAX = 120  # a block of lines all this short is one hard-wrapped paragraph
ORPHAN_MIN = 4 * TITLE_MAX  # text this long is never a title

# A block: a maximal run of non-blank lines ("\s" is exactly `str.isspace`, as `strip` uses).
# Found by one regex over the whole text; a per-line Python loop was 5% of an import.
_BLANK_LINES = re.compile(r"(?:[^\S\n]*\n)*")
# Group 1 is the block's lines after the first: empty for the usual one-line block.
_BLOCK = re.compile(r"^[^\S\n]*\S.*((?:\n[^\S\n]*\S.*)*)", re.MULTILINE)

# A unit is a plain tuple (hundreds of thousands are made per big digest):
#   (line, text, None)        a collapsed paragraph or line of text
#   (line, "", meta_lines)    a metadata block; meta_lines is ((line number, stripped text), ...)
Unit = tuple[int, str, "tuple[tuple[int, str], ...] | None"]

_LINE_MEMO_MAX = 100_000  # `_Meta.line` forgets past this many distinct lines (hostile input)

# What `_classify` makes of a metadata line (the checks `_apply_meta` runs, in order).
_SEPARATOR, _COUNT, _DATE, _VOTES, _OTHER = range(5)


@dataclass
class Header:
    body_start: int  # offset into the text where papers begin (a line start, or past the end)
    body_line: int  # that line's number
    chrome: bool  # any HF page furniture seen
    first: tuple[int, str] | None  # a title glued to "Subscribe", if any


def read_header(text: str, ctx: Context) -> Header:
    """Skip page chrome at the top; pick up the digest's own date ("Mar 12")."""
    chrome = False
    pos, number = 0, 1
    while pos <= len(text):
        blanks = _BLANK_LINES.match(text, pos).end()  # skip a run of blank lines in one step
        if blanks > pos:
            number += text.count("\n", pos, blanks)
            pos = blanks
        end = text.find("\n", pos)
        if end < 0:
            end = len(text)
        s = text[pos:end].strip()
        nxt = end + 1
        if not s:
            pos, number = nxt, number + 1
            continue
        if is_furniture(s):
            chrome = True
            pos, number = nxt, number + 1
            continue
        if len(s) <= dates.MAX_DATE_LINE and not ctx.digest_date:
            value = dates.parse_date(s, ctx.today)
            if value:
                ctx.set_digest_date(value)
                pos, number = nxt, number + 1
                continue
        if chrome:
            glued = split_glued_subscribe(s)
            if glued is not None:
                return Header(nxt, number + 1, True, (number, glued))
        break
    return Header(pos, number, chrome, None)


def _blocks(text: str, header: Header) -> Iterator[tuple[int, str, int]]:
    """(first line number, block text, number of newlines in it) for each block of the body."""
    first = header.first
    line, pos = header.body_line, header.body_start
    count = text.count
    for m in _BLOCK.finditer(text, pos):
        start, end = m.span()
        line += count("\n", pos, start)
        more = m.start(1)
        newlines = count("\n", more, end) if more != end else 0  # no re-scan of a long line
        if first is not None:
            if line == first[0] + 1:  # the glued title heads the first block
                yield first[0], first[1] + "\n" + m.group(), newlines + 1
                first = None
                line, pos = line + newlines, end
                continue
            yield first[0], first[1], 0
            first = None
        yield line, m.group(), newlines
        line, pos = line + newlines, end
    if first is not None:
        yield first[0], first[1], 0


class _Meta:
    """Per-file memo of metadata-line checks: a digest repeats "·", "• 3 authors" and its dates."""

    def __init__(self, ref: _dt.date) -> None:
        self.ref = ref
        self.kinds: dict[str, tuple[int, object]] = {}
        self.lines: dict[str, tuple[bool, bool, str]] = {}  # see `line`

    def line(self, raw: str) -> tuple[bool, bool, str]:
        """(`is_meta(raw)`, whether it is a separator, `raw.strip()`) for a line of a block.

        Metadata blocks repeat their lines ("·", "  • 16 authors", org and date lines: a 100k
        paper digest has 35k distinct ones among 235k), and checking each anew was a fifth of
        reading the body. Only short lines are remembered: a longer one is never metadata
        unless padded, and abstracts should not be hashed and kept.
        """
        info = self.lines.get(raw)
        if info is None:
            s = raw.strip()
            info = (self.is_meta(raw), s in meta.SEPARATORS, s)
            if len(raw) <= meta.MAX_META:
                if len(self.lines) >= _LINE_MEMO_MAX:
                    self.lines.clear()
                self.lines[raw] = info
        return info

    def is_meta(self, raw: str) -> bool:
        """`meta.is_meta_line`, sharing `classify`'s memo (the line is classified again later)."""
        s = raw.strip()
        if not meta.could_be_meta(s):
            return False  # every abstract, most titles
        if s not in meta.SEPARATORS and not meta.could_match(s):
            return "·" in s and self.joined(s) is not None
        return self.classify(s)[0] != _OTHER or ("·" in s and self.joined(s) is not None)

    def joined(self, text: str) -> list[str] | None:
        """The pieces of a metadata block printed on one line ("• 5 authors · Feb 21, 2025",
        "MicrosoftResearch Microsoft Research · Oct 12, 2025 2"), or None: every piece is
        metadata, except that the first may be an organisation."""
        pieces = [p.strip() for p in text.split("·") if p.strip()]
        if len(pieces) < 2:
            return None
        for k, piece in enumerate(pieces):
            kind = self.classify(piece)[0] if meta.could_be_meta(piece) else _OTHER
            if kind == _OTHER and (k > 0 or len(piece) > 80 or is_furniture(piece)):
                return None
        return pieces

    def classify(self, text: str) -> tuple[int, object]:
        """What `_apply_meta` makes of a stripped metadata line (before org/unknown)."""
        kind = self.kinds.get(text)
        if kind is None:
            kind = self.kinds[text] = self._classify(text)
        return kind

    def _classify(self, text: str) -> tuple[int, object]:
        if meta.is_separator(text):
            return _SEPARATOR, None
        count = meta.authors_count(text)
        if count is not None:
            return _COUNT, count
        info = meta.hf_date(text, self.ref)
        if info is not None:
            return _DATE, info
        votes = meta.upvotes(text)
        if votes is not None:
            return _VOTES, votes
        return _OTHER, None


def _meta_flags(raw: list[str], memo: _Meta) -> tuple[list[bool], list[str]]:
    """Which lines of a block are metadata (an org line is the short line right before a "·"),
    and the lines stripped."""
    get = memo.lines.get  # `memo.line`, without a method call when the line is remembered
    info = [get(t) or memo.line(t) for t in raw]
    flags = [i[0] for i in info]
    if all(flags):
        return flags, [i[2] for i in info]
    for k in range(len(raw) - 1):
        if not flags[k] and info[k + 1][1]:
            s = info[k][2]
            if len(s) <= 80 and not is_furniture(s):
                flags[k] = True
    return flags, [i[2] for i in info]


def _units(text: str, header: Header, memo: _Meta, ctx: Context) -> tuple[list[Unit], bool]:
    """The body's units, dropping page chrome (and the date line of a second pasted digest), and
    whether the body is the compact layout (one block of several lines)."""
    blocks = _blocks(text, header)
    head = list(islice(blocks, 2))
    compact = len(head) == 1 and head[0][2] > 0
    units: list[Unit] = []
    after_chrome = False

    def add(unit: Unit) -> None:
        nonlocal after_chrome
        line, text, lines = unit
        if lines is None and _is_chrome(text):
            after_chrome = True
            return
        if after_chrome and lines is not None and len(lines) == 1 and dates.parse_date(lines[0][1], ctx.today):
            return  # the date line of a second digest pasted below the first
        after_chrome = False
        units.append(unit)

    for first, block, newlines in chain(head, blocks):
        if not newlines:  # the common case, a title or an abstract on one line: `add` inlined
            if len(block) <= meta.MAX_META or block[0].isspace() or block[-1].isspace():
                if memo.is_meta(block):  # (an unpadded line this long never is)
                    add((first, "", ((first, block.strip()),)))
                    continue
            unit_text = collapse(block)
            if len(unit_text) <= 80 and unit_text.casefold() in FURNITURE:  # `_is_chrome`
                after_chrome = True
                continue
            after_chrome = False
            units.append((first, unit_text, None))
            continue
        raw = block.split("\n")
        flags, stripped = _meta_flags(raw, memo)
        if all(flags):  # the usual metadata block ("• 3 authors", "·", a date): the loop below, faster
            add((first, "", tuple(zip(range(first, first + len(raw)), stripped))))
            continue
        k = 0
        while k < len(raw):
            j = k
            while j < len(raw) and flags[j] == flags[k]:
                j += 1
            run = raw[k:j]
            if flags[k]:
                add((first + k, "", tuple(zip(range(first + k, first + j), stripped[k:j]))))
            elif compact or len(run) == 1 or max(len(t) for t in run) > WRAPPED_LINE_MAX:
                for i, t in enumerate(run):
                    add((first + k + i, collapse(t), None))
            else:  # a hard-wrapped paragraph
                add((first + k, collapse(" ".join(run)), None))
            k = j
    return units, compact


def _is_chrome(text: str) -> bool:
    """`is_furniture` for text that is already collapsed."""
    return len(text) <= 80 and text.casefold() in FURNITURE


def _apply_meta(draft: Draft, lines: tuple[tuple[int, str], ...], memo: _Meta, ctx: Context) -> None:
    for number, text in lines:
        kind, value = memo.classify(text)
        if kind == _OTHER and "·" in text:
            pieces = memo.joined(text)
            if pieces is not None:  # one line holding the whole block
                _apply_meta(draft, tuple((number, p) for p in pieces), memo, ctx)
                continue
        if kind == _SEPARATOR:
            continue
        if kind == _COUNT:
            draft.authors_count = value  # type: ignore[assignment]
            continue
        if kind == _DATE:
            info: meta.DateInfo = value  # type: ignore[assignment]
            if info.published is None:
                ctx.warn(number, f"impossible date {text!r}; ignored")
            draft.published = draft.published or info.published
            if info.upvotes is not None:
                draft.upvotes = info.upvotes
            continue
        if kind == _VOTES:
            draft.upvotes = value  # type: ignore[assignment]
            continue
        if draft.org is None and len(text) <= 80:
            draft.org = meta.org_display_name(text)
            continue
        ctx.warn(number, f"could not understand metadata line {text[:60]!r}; skipped")
    draft.has_meta = True


def _pair(units: list[Unit], memo: _Meta, ctx: Context) -> list[Draft]:
    """Titles and abstracts alternate; metadata closes a paper."""
    drafts: list[Draft] = []
    cur: Draft | None = None
    expect = "title"  # "title" | "abstract" | "more" (abstract seen: another paragraph or a title)
    last = len(units) - 1
    for idx, (line, text, lines) in enumerate(units):
        if lines is not None:
            if cur is None or (cur.has_meta and (idx == 0 or units[idx - 1][2] is None)):
                ctx.warn(line, "metadata with no paper before it; skipped")
                continue  # (metadata right after metadata is the same block split by a blank line)
            _apply_meta(cur, lines, memo, ctx)
            expect = "title"
            continue
        if (cur is not None and cur.abstract and not cur.has_meta and idx < last and len(text) <= 80
                and (nxt := units[idx + 1][2]) is not None and nxt[0][1] in meta.SEPARATORS and not _is_chrome(text)):
            if "://" in text or text[-1:] in ".!?:;":  # the abstract's last line ("Code: https://…")
                cur.abstract.append(text)
            else:  # the org line, a blank line away from its "·"
                cur.org = meta.org_display_name(text)
            continue
        if expect == "abstract" and cur is not None:
            title_without_abstract = False
            if idx < last and title_like(text):
                _, nxt_text, nxt_lines = units[idx + 1]
                title_without_abstract = nxt_lines is None and strongly_abstract_like(nxt_text)
            if not title_without_abstract:
                cur.abstract.append(text)
                expect = "more"
                continue
        elif expect == "more" and cur is not None and (
            strongly_abstract_like(text) or len(text) > ORPHAN_MIN
        ):
            cur.abstract.append(text)  # a second paragraph of the same abstract
            continue
        if len(text) > ORPHAN_MIN or (strongly_abstract_like(text) and not title_like(text)):
            ctx.warn(line, "paragraph without a title; skipped")
            continue
        if cur is not None:
            drafts.append(cur)
        cur = Draft(title=text, line=line, collapsed=True)
        expect = "abstract"
    if cur is not None:
        drafts.append(cur)
    return drafts


def parse(text: str, ctx: Context) -> tuple[list[Entry], str] | None:
    """Entries and layout name, or None when the text does not look like an HF digest."""
    header = read_header(text, ctx)
    memo = _Meta(ctx.ref)
    units, compact = _units(text, header, memo, ctx)
    has_meta = any(u[2] is not None for u in units)
    warnings_before = len(ctx.warnings)
    drafts = _pair(units, memo, ctx)
    if not header.chrome and not _plausible(drafts, has_meta):
        del ctx.warnings[warnings_before:]
        return None
    if drafts and drafts[-1].has_abstract and not drafts[-1].has_meta:
        last = drafts[-1].abstract[-1]
        if looks_truncated(last):
            ctx.warn(_abstract_line(units, drafts[-1]), "abstract looks cut off (truncated digest?)")
    entries = [ctx.finish(d) for d in drafts]
    layout = "hf-daily" if has_meta else ("hf-compact" if compact else "hf-plain")
    return entries, layout


def _abstract_line(units: list[Unit], draft: Draft) -> int:
    for line, text, lines in reversed(units):
        if lines is None and text == draft.abstract[-1]:
            return line
    return draft.line


def _plausible(drafts: list[Draft], has_meta: bool) -> bool:
    """Without HF chrome, most pairs must look like (title, abstract) to count as a digest."""
    if not drafts:
        return False
    good = sum(1 for d in drafts if _paper_like(d))
    if has_meta:
        return good >= max(1, len(drafts) // 2) and sum(d.has_meta for d in drafts) >= 1
    return good >= max(1, (len(drafts) * 3 + 3) // 4)


_URL = re.compile(r"\S*://\S+")


def _paper_like(d: Draft) -> bool:
    """A title and an abstract of prose: not a lead-in line ("Papers for this week:") over a
    list of links."""
    if not (title_like(d.title) and d.has_abstract) or d.title.rstrip().endswith(":"):
        return False
    abstract = " ".join(d.abstract)
    return plausible_abstract(_URL.sub("", abstract) if "://" in abstract else abstract)
