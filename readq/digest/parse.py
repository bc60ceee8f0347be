"""Entry points: text or bytes of one digest -> `ParseResult`.

`parse_text` never raises: a parser bug on some odd input must cost the user one file's papers
and a warning, not the whole import. `parse_bytes` raises only `DigestError` (from decoding).
"""

from __future__ import annotations

import datetime as _dt

from readq.digest import arxiv, dates, hf_text, hf_trending, html, markdown, sniff
from readq.digest.context import Context
from readq.digest.decode import decode, normalize_newlines
from readq.digest.errors import ParseResult
from readq.digest.furniture import is_furniture
from readq.model import Entry

UNKNOWN = "unknown"


def _only_furniture(lines: list[str]) -> bool:
    return all(
        not s or is_furniture(s) or dates.parse_date(s, _dt.date.today()) is not None
        for s in (line.strip() for line in lines)
    )


def _dispatch(text: str, ctx: Context) -> tuple[list[Entry], str]:
    lines = text.split("\n")
    if not text.strip():
        ctx.warn(0, "empty file")
        return [], "empty"
    if sniff.is_html(text):
        return html.parse(text, ctx)
    first = next((s for s in (line.strip() for line in lines[:50]) if s), "")
    if is_furniture(first):  # HF page text starts with its chrome: never Markdown or arXiv
        if sniff.is_hf_trending(text):
            entries, layout = hf_trending.parse(lines, ctx)
            if entries:
                return entries, layout
        found = hf_text.parse(lines, ctx)
        return found if found is not None else ([], UNKNOWN)
    if sniff.is_arxiv(text):
        return arxiv.parse(lines, ctx)
    if sniff.is_markdown(text):
        entries, layout = markdown.parse(lines, ctx)
        if entries:
            return entries, layout
    if sniff.is_hf_trending(text):
        entries, layout = hf_trending.parse(lines, ctx)
        if entries:
            return entries, layout
    found = hf_text.parse(lines, ctx)
    if found is not None:
        return found
    return [], UNKNOWN


def parse_text(text: str, *, source: str, today: _dt.date) -> ParseResult:
    """Parse one digest's text; layouts are sniffed. Never raises."""
    ctx = Context(source, today)
    try:
        text = normalize_newlines(text)
        if text.startswith("\ufeff"):
            text = text[1:]
        entries, layout = _dispatch(text, ctx)
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
    return ParseResult(tuple(entries), tuple(ctx.warnings), layout, ctx.digest_date)


def parse_bytes(data: bytes, *, source: str, today: _dt.date) -> ParseResult:
    """Decode then parse; `DigestError` (binary, bad encoding) propagates."""
    return parse_text(decode(data), source=source, today=today)
