"""Entry points: text or bytes of one digest -> `ParseResult`.

`parse_text` never raises: a parser bug on some odd input must cost the user one file's papers
and a warning, not the whole import. `parse_bytes` raises only `DigestError` (from decoding).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from collections.abc import Callable

from readq.digest import (
    arxiv, bibtex, bylines, csv_papers, dates, hf_cards, hf_flat, hf_items, hf_paper, hf_text,
    hf_trending, html, json_papers, linklist, lynx, markdown, mime, printed, records, ris, sniff,
    xml_feeds,
)
from readq.digest.context import Context
from readq.digest.decode import decode_with_codec, dedent, normalize_newlines, unquote
from readq.digest.errors import DigestError, ParseResult
from readq.digest.furniture import is_furniture
from readq.digest.mdblocks import tables_and_details
from readq.digest.mdlines import MIN_DETACHED, detached_pairs
from readq.model import Entry
from readq.textclean import clean, has_unsafe, utf8_needs_cleaning

UNKNOWN = "unknown"


def _only_furniture(lines: list[str]) -> bool:
    return all(
        not s or is_furniture(s) or dates.parse_date(s, _dt.date.today()) is not None
        for s in (line.strip() for line in lines)
    )


def _first_line(text: str, within: int) -> str:
    """The first non-blank line among the first `within` lines, stripped ("" if none).

    Found line by line: `text.split("\\n", 50)` would copy the rest of a 170 MB digest.
    """
    pos = 0
    for _ in range(within):
        end = text.find("\n", pos)
        s = (text[pos:] if end < 0 else text[pos:end]).strip()
        if s or end < 0:
            return s
        pos = end + 1
    return ""


# Structured files (exports, API answers, feeds) say what they are in their first bytes: they are
# recognised before any page layout, so no page parser ever reads JSON, XML, BibTeX, RIS or CSV.
_STRUCTURED = (json_papers, xml_feeds, bibtex, ris, csv_papers)


def _dispatch(text: str, ctx: Context) -> tuple[list[Entry], str]:
    if not text or text.isspace():  # not `text.strip()`: that copies a 170 MB digest
        ctx.warn(0, "empty file")
        return [], "empty"
    for fmt in _STRUCTURED:
        if fmt.looks_like(text):
            return fmt.parse(text, ctx)
    if sniff.is_html(text):
        return html.parse(text, ctx)
    if sniff.has_headings(text) and sniff.is_markdown(text):  # headings over card metadata, links dropped
        entries, layout = markdown.parse(text.split("\n"), ctx)
        if entries:
            return entries, layout
    if hf_cards.looks_like(text) and "](" not in text[: hf_cards.SNIFF]:
        found_cards = hf_cards.parse(text.split("\n"), ctx)
        if found_cards:
            return found_cards, "hf-cards"
    if hf_paper.looks_like(text):  # one paper's page copied as text
        entries, layout = hf_paper.parse(text, ctx)
        if entries:
            return entries, layout
    for cards in (hf_items, hf_flat):  # a collection copied as text; cards flattened to one line each
        if cards.looks_like(text) and "](" not in text[: cards.SAMPLE]:
            entries, layout = cards.parse(text.split("\n"), ctx)
            if entries:
                return entries, layout
    first = _first_line(text, 50)
    if is_furniture(first):  # HF page text starts with its chrome: never Markdown or arXiv
        if sniff.is_hf_trending(text):
            entries, layout = hf_trending.parse(text.split("\n"), ctx)
            if entries:
                return entries, layout
        found = hf_text.parse(text, ctx)  # reads the text whole: no list of lines needed
        return found if found is not None else ([], UNKNOWN)
    lines = text.split("\n")
    if sniff.is_arxiv(text):
        return arxiv.parse(lines, ctx)
    if sniff.is_markdown(text):
        entries, layout = markdown.parse(lines, ctx)
        if entries or any(w.message.startswith("headings without") for w in ctx.warnings):
            return entries, layout if entries else UNKNOWN  # a Markdown document, not a paper list
    if detached_pairs(lines, 5000) >= MIN_DETACHED or tables_and_details(lines[:5000]) is not None:
        # links as label + URL line (NotebookLM); a table of papers; README <details> blocks
        entries, layout = markdown.parse(lines, ctx)
        if entries:
            return entries, layout
    if sniff.is_hf_trending(text):
        entries, layout = hf_trending.parse(lines, ctx)
        if entries:
            return entries, layout
    for listing in (bylines, records, linklist):  # search results; labelled records; title + ID lines
        if listing.looks_like(text):
            entries, layout = listing.parse(lines, ctx)
            if entries:
                return entries, layout
    found = hf_text.parse(text, ctx)
    if found is not None:
        return found
    return [], UNKNOWN


# A "title" that is a URL, an image or link syntax is page furniture that slipped through a layout.
NOT_A_TITLE = re.compile(
    r"^!\[[^\]]*\]|!\[[^\]]*\]\(|\]\((?:https?:|/|#|mailto:|javascript:)|\]\[\d+\]|^(?:https?://|www\.)|^\]\(", re.IGNORECASE
)


def _maybe_markup(title: str) -> bool:
    """Cheap necessary condition for `NOT_A_TITLE` (substring tests run at C speed)."""
    return "](" in title or "][" in title or title[:2] == "![" or title[:4].lower() in ("http", "www.")


_HEADING_MARKS = re.compile(r"#{1,6}[ \t]+(?=\S)")


def real_titles(entries: list[Entry], ctx: Context) -> list[Entry]:
    """Every layout's papers pass one last check: no title is empty, a URL, an image or link
    markup; a Markdown heading's marks left on a title read as text ("### Title") are removed."""
    if any(e.title[:1] == "#" for e in entries):
        entries = [dataclasses.replace(e, title=_HEADING_MARKS.sub("", e.title, count=1))
                   if _HEADING_MARKS.match(e.title) else e for e in entries]
    kept = [e for e in entries if e.title and (not _maybe_markup(e.title) or NOT_A_TITLE.search(e.title) is None)]
    if len(kept) != len(entries):
        for e in entries:
            if not e.title:  # a title made only of control characters, all removed
                ctx.warn(e.line, "a title with no printable text, skipped")
            elif _maybe_markup(e.title) and NOT_A_TITLE.search(e.title):
                ctx.warn(e.line, f"not a paper title (a link or image), skipped: {e.title[:80]!r}")
    return kept


# What a saving tool wrapped the page in, undone before the layout is sniffed: each returns the
# text unwrapped (line numbers kept) or None after a cheap look, so a plain digest pays nothing.
_UNWRAPS: tuple[tuple[Callable[[str], str | None], str], ...] = (
    (unquote, "e-mail quote marks (>) removed"),
    (dedent, "indented text (a code block) read without its indentation"),
    (printed.strip_page_furniture, "a printed page: running headers, footers and page breaks removed"),
    (lynx.to_markdown, "a text-browser dump (lynx -dump): numbered links resolved"),
)


def parse_text(text: str, *, source: str, today: _dt.date, unsafe: bool | None = None) -> ParseResult:
    """Parse one digest's text; layouts are sniffed. Never raises.

    Terminal escape sequences, control and bidi characters are removed before parsing
    (`readq.textclean`), so no field or warning holds one and markup split by one still parses;
    `unsafe=False` says the caller already knows the text holds none.
    """
    ctx = Context(source, today)
    try:
        text = normalize_newlines(text)
        if unsafe or (unsafe is None and has_unsafe(text)):
            text = clean(text)
        if text.startswith("\ufeff"):
            text = text[1:]
        for unwrap, note in _UNWRAPS:
            unwrapped = unwrap(text)
            if unwrapped is not None:
                text = unwrapped
                ctx.note(note)
        entries, layout = _dispatch(text, ctx)
        entries = real_titles(entries, ctx)
    except Exception as exc:  # noqa: BLE001 - a parser bug must not abort an import
        ctx.warn(0, f"internal parser error ({type(exc).__name__}: {str(exc)[:200]}); file skipped")
        return ParseResult((), tuple(ctx.warnings), "error", ctx.digest_date)
    if not entries and not any(w.message.startswith("empty file") for w in ctx.warnings):
        if _only_furniture(text.split("\n")):
            ctx.warn(0, "no papers found (only page furniture)")
        elif layout == UNKNOWN:
            ctx.warn(0, "no papers found (layout not recognised)")
        else:
            ctx.warn(0, "no papers found")
    return ParseResult(tuple(entries), tuple(ctx.warnings), layout, ctx.digest_date, tuple(ctx.notes))


def parse_bytes(data: bytes, *, source: str, today: _dt.date) -> ParseResult:
    """Decode then parse; `DigestError` (binary, bad encoding) propagates. An e-mail or MHTML file
    is opened first (`readq.digest.mime`) and the body that gives the most papers is read."""
    parts = mime.bodies(data)
    if parts is not None:
        return _parse_mime(parts, source=source, today=today)
    text, codec = decode_with_codec(data)
    # UTF-8 bytes are checked at memory speed for what must go before parsing; other encodings by
    # `parse_text`. Other control characters are removed from each field (`prose.collapse`).
    unsafe = utf8_needs_cleaning(data) if codec == "utf-8" else None
    return parse_text(text, source=source, today=today, unsafe=unsafe)


def _parse_mime(parts: list[mime.Body], *, source: str, today: _dt.date) -> ParseResult:
    best: ParseResult | None = None
    for part in parts:
        text = mime.as_text(part)
        if text is None:
            try:
                text = decode_with_codec(part.data)[0]
            except DigestError:
                continue
        result = parse_text(text, source=source, today=today)
        note = f"{'a saved page (MHTML)' if part.content_type == 'text/html' else 'an e-mail'}: its {part.content_type} part read"
        result = dataclasses.replace(result, notes=(note, *result.notes))
        if best is None or len(result.entries) > len(best.entries):
            best = result
    if best is None:
        ctx = Context(source, today)
        ctx.warn(0, "no papers found (a MIME message with no readable text or HTML part)")
        return ParseResult((), tuple(ctx.warnings), UNKNOWN, None)
    return best
