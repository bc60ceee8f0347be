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

from dataclasses import dataclass

from readq.digest import dates, meta
from readq.digest.context import Context, Draft
from readq.digest.furniture import is_furniture, split_glued_subscribe
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


@dataclass
class Unit:
    """A paragraph/line of text (`lines` has one item) or a metadata block (several lines)."""

    kind: str  # "text" | "meta"
    line: int
    text: str = ""
    lines: tuple[tuple[int, str], ...] = ()


@dataclass
class Header:
    body_start: int  # index into `lines` where papers begin
    chrome: bool  # any HF page furniture seen
    first: tuple[int, str] | None  # a title glued to "Subscribe", if any


def read_header(lines: list[str], ctx: Context) -> Header:
    """Skip page chrome at the top; pick up the digest's own date ("Mar 12")."""
    chrome = False
    i = 0
    while i < len(lines):
        raw = lines[i]
        s = raw.strip()
        if not s:
            i += 1
            continue
        if is_furniture(s):
            chrome = True
            i += 1
            continue
        if len(s) <= dates.MAX_DATE_LINE and not ctx.digest_date:
            value = dates.parse_date(s, ctx.today)
            if value:
                ctx.set_digest_date(value)
                i += 1
                continue
        if chrome:
            glued = split_glued_subscribe(s)
            if glued is not None:
                return Header(i + 1, True, (i + 1, glued))
        break
    return Header(i, chrome, None)


def _blocks(lines: list[str], start: int) -> list[list[tuple[int, str]]]:
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for i in range(start, len(lines)):
        s = lines[i].strip()
        if s:
            current.append((i + 1, lines[i]))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _meta_flags(block: list[tuple[int, str]], ctx: Context) -> list[bool]:
    """Which lines of a block are metadata; an org line is the short line right before a "·"."""
    ref = ctx.ref
    flags = [meta.is_meta_line(text, ref) for _, text in block]
    for k in range(len(block) - 1):
        if not flags[k] and meta.is_separator(block[k + 1][1]):
            s = block[k][1].strip()
            if len(s) <= 80 and not is_furniture(s):
                flags[k] = True
    return flags


def _units(blocks: list[list[tuple[int, str]]], compact: bool, ctx: Context) -> list[Unit]:
    units: list[Unit] = []
    for block in blocks:
        flags = _meta_flags(block, ctx)
        k = 0
        while k < len(block):
            j = k
            while j < len(block) and flags[j] == flags[k]:
                j += 1
            run = block[k:j]
            if flags[k]:
                units.append(Unit("meta", run[0][0], lines=tuple((n, t.strip()) for n, t in run)))
            elif compact or len(run) == 1 or max(len(t) for _, t in run) > WRAPPED_LINE_MAX:
                units.extend(Unit("text", n, collapse(t)) for n, t in run)
            else:  # a hard-wrapped paragraph
                units.append(Unit("text", run[0][0], collapse(" ".join(t for _, t in run))))
            k = j
    kept: list[Unit] = []
    after_chrome = False
    for unit in units:
        if unit.kind == "text" and is_furniture(unit.text):
            after_chrome = True
            continue
        if after_chrome and unit.kind == "meta" and len(unit.lines) == 1 and dates.parse_date(unit.lines[0][1], ctx.today):
            continue  # the date line of a second digest pasted below the first
        after_chrome = False
        kept.append(unit)
    return kept


def _apply_meta(draft: Draft, unit: Unit, ctx: Context) -> None:
    ref = ctx.ref
    for number, text in unit.lines:
        if meta.is_separator(text):
            continue
        count = meta.authors_count(text)
        if count is not None:
            draft.authors_count = count
            continue
        info = meta.hf_date(text, ref)
        if info is not None:
            if info.published is None:
                ctx.warn(number, f"impossible date {text!r}; ignored")
            draft.published = draft.published or info.published
            if info.upvotes is not None:
                draft.upvotes = info.upvotes
            continue
        votes = meta.upvotes(text)
        if votes is not None:
            draft.upvotes = votes
            continue
        if draft.org is None and len(text) <= 80:
            draft.org = meta.org_display_name(text)
            continue
        ctx.warn(number, f"could not understand metadata line {text[:60]!r}; skipped")
    draft.has_meta = True


def _pair(units: list[Unit], ctx: Context) -> list[Draft]:
    """Titles and abstracts alternate; metadata closes a paper."""
    drafts: list[Draft] = []
    cur: Draft | None = None
    expect = "title"  # "title" | "abstract" | "more" (abstract seen: another paragraph or a title)
    for idx, unit in enumerate(units):
        if unit.kind == "meta":
            if cur is None or cur.has_meta:
                ctx.warn(unit.line, "metadata with no paper before it; skipped")
                continue
            _apply_meta(cur, unit, ctx)
            expect = "title"
            continue
        text = unit.text
        if expect == "abstract" and cur is not None:
            nxt = units[idx + 1] if idx + 1 < len(units) else None
            title_without_abstract = (
                title_like(text)
                and nxt is not None
                and nxt.kind == "text"
                and strongly_abstract_like(nxt.text)
            )
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
            ctx.warn(unit.line, "paragraph without a title; skipped")
            continue
        if cur is not None:
            drafts.append(cur)
        cur = Draft(title=text, line=unit.line)
        expect = "abstract"
    if cur is not None:
        drafts.append(cur)
    return drafts


def parse(lines: list[str], ctx: Context) -> tuple[list[Entry], str] | None:
    """Entries and layout name, or None when the text does not look like an HF digest."""
    header = read_header(lines, ctx)
    blocks = _blocks(lines, header.body_start)
    if header.first is not None:
        if blocks and blocks[0][0][0] == header.first[0] + 1:
            blocks[0].insert(0, header.first)
        else:
            blocks.insert(0, [header.first])
    compact = len(blocks) == 1 and len(blocks[0]) > 1
    units = _units(blocks, compact, ctx)
    has_meta = any(u.kind == "meta" for u in units)
    warnings_before = len(ctx.warnings)
    drafts = _pair(units, ctx)
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
    for unit in reversed(units):
        if unit.kind == "text" and unit.text == draft.abstract[-1]:
            return unit.line
    return draft.line


def _plausible(drafts: list[Draft], has_meta: bool) -> bool:
    """Without HF chrome, most pairs must look like (title, abstract) to count as a digest."""
    if not drafts:
        return False
    good = sum(
        1
        for d in drafts
        if title_like(d.title) and d.has_abstract and plausible_abstract(" ".join(d.abstract))
    )
    if has_meta:
        return good >= max(1, len(drafts) // 2) and sum(d.has_meta for d in drafts) >= 1
    return good >= max(1, (len(drafts) * 3 + 3) // 4)
