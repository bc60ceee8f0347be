"""Removing what a terminal or spreadsheet would execute from untrusted text.

A digest is untrusted input: a title carrying `ESC ] 0 ; … BEL` retitles the terminal that prints
it, an abstract carrying `ESC ] 52 ; c ; …` writes the terminal's clipboard, bidirectional
override characters make text display differently from what it is, and a CSV cell starting with
`=` is run by a spreadsheet as a formula. Digest text is cleaned at ingest (`clean`); output paths
clean papers again (`clean_paper`) so a record stored by an older readq is safe too, at the cost of
one regex search per field when there is nothing to remove.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TypeVar

# C0 controls except newline and tab, DEL, C1 controls, bidi embeddings/overrides/isolates.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
# An OSC/DCS/APC/PM string or a CSI sequence: removed whole, so no payload text ("0;title",
# "52;c;base64") is left behind where the control characters were.
_SEQUENCE_RE = re.compile(
    r"(?:\x1b[\]P^_X]|[\x90\x9d\x9e\x9f\x98])[^\x07\x1b\x9c]{0,4096}(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b\[|\x9b)[0-?]{0,64}[ -/]{0,16}[@-~]?"
    r"|\x1b[ -/]{0,4}[0-~]?"
)
# The same characters in stored JSON: raw UTF-8 (C1, bidi, DEL) or `\u00XX` escapes (C0, C1).
UNSAFE_JSON_RE = re.compile(
    rb"\\u00(?:0[0-8bBcCdDeEfF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])|\\u20(?:2[a-eA-E]|6[6-9])"
    rb"|\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)
# CSV cells a spreadsheet would evaluate (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
_BIDI_UTF8 = re.compile(rb"\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])")


def utf8_needs_cleaning(data: bytes) -> bool:
    """Whether UTF-8 `data` holds an escape sequence, a C1 control, a bidi control or DEL: the
    characters that can break a digest's structure (a `]` inside `ESC ] 0 ; …` closes a Markdown
    link) and so are removed before parsing.

    Runs on every digest an import reads, so it is built from scans at memory speed (`in` and two
    regexes with a literal first byte: ~1 ms/MB, a third of one `translate` over the bytes). The
    other C0 controls (BEL, BS, …) break nothing and are removed from each field when it is
    collapsed (`prose.collapse`).
    """
    return (
        b"\x1b" in data or b"\x7f" in data
        or _C1_UTF8.search(data) is not None or _BIDI_UTF8.search(data) is not None
    )


def has_unsafe(text: str) -> bool:
    """True when `text` holds a character `clean` removes."""
    return UNSAFE_RE.search(text) is not None


def clean(text: str) -> str:
    """`text` without terminal escape sequences and unsafe control or bidi characters.

    Newlines and tabs stay. An escape sequence goes with its parameters; a lone control
    character is simply dropped. Returns `text` itself when it is already clean.
    """
    if UNSAFE_RE.search(text) is None:
        return text
    return UNSAFE_RE.sub("", _SEQUENCE_RE.sub("", text))


def clean_strings(values: tuple[str, ...]) -> tuple[str, ...]:
    """`clean` over a tuple (authors, links), dropping entries that end up empty."""
    if not any(UNSAFE_RE.search(v) for v in values):
        return values
    return tuple(c for c in (clean(v) for v in values) if c.strip())


_FIELDS = ("title", "abstract", "org", "published", "arxiv_id", "note")


def clean_record(item: T) -> T:
    """A `Paper` or `Entry` with every text field cleaned and only http(s) links; the same
    object when there is nothing to change."""
    changes: dict[str, object] = {}
    for name in _FIELDS:
        value = getattr(item, name, None)
        if value and UNSAFE_RE.search(value):
            changes[name] = clean(value)
    authors = clean_strings(item.authors)  # type: ignore[attr-defined]
    if authors is not item.authors:  # type: ignore[attr-defined]
        changes["authors"] = authors
    tags = getattr(item, "tags", ())
    if tags and clean_strings(tags) is not tags:
        changes["tags"] = clean_strings(tags)
    links = item.links  # type: ignore[attr-defined]
    if links and not all(map(is_web_url, links)):
        links = tuple(u for u in links if is_web_url(u))
    links = clean_strings(links)
    if links is not item.links:  # type: ignore[attr-defined]
        changes["links"] = links
    sources = getattr(item, "sources", ())
    if any(UNSAFE_RE.search(s.file) for s in sources):
        changes["sources"] = tuple(dataclasses.replace(s, file=clean(s.file)) for s in sources)
    if not changes:
        return item
    return dataclasses.replace(item, **changes)  # type: ignore[type-var]


clean_paper = clean_record


def clean_json_bytes(data: bytes) -> bytes:
    """Stored JSON records with unsafe characters (raw or `\\u` escaped) removed.

    The common case (nothing to remove) is decided by substring scans at memory speed: compact
    JSON writes a control character only as a `\\u` escape.
    """
    if b"\\u" not in data and b"\x7f" not in data and _C1_UTF8.search(data) is None \
            and _BIDI_UTF8.search(data) is None:
        return data
    if UNSAFE_JSON_RE.search(data) is None:
        return data
    return UNSAFE_JSON_RE.sub(_keep_escaped_backslash, data)


# A stored `links` array holding anything but http(s) URLs (a record stored before links were checked).
_BAD_LINKS = re.compile(rb'"links":\[(?:"https?://(?:[^"\\]|\\.)*+",?)*+(?!\])')


def clean_json_records(records: list[bytes]) -> list[bytes]:
    """Stored JSON records (one paper each) made safe to print: unsafe characters removed from
    every string, non-http(s) links dropped. Records already safe are returned as they are, and
    a batch with none to change costs a few scans of its joined bytes."""
    joined = b"\n".join(records)
    if clean_json_bytes(joined) is joined and _BAD_LINKS.search(joined) is None:
        return records
    return [_clean_record_bytes(r) for r in records]


def _clean_record_bytes(record: bytes) -> bytes:
    import orjson

    if clean_json_bytes(record) is record and _BAD_LINKS.search(record) is None:
        return record
    return orjson.dumps(clean_json_value(orjson.loads(record)))


def clean_json_value(value: object, key: str = "") -> object:
    """Decoded JSON with every string cleaned and `links` lists holding only http(s) URLs."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        items = [clean_json_value(v) for v in value]
        return [u for u in items if isinstance(u, str) and is_web_url(u)] if key == "links" else items
    if isinstance(value, dict):
        return {k: clean_json_value(v, k) for k, v in value.items()}
    return value


def _keep_escaped_backslash(m: re.Match[bytes]) -> bytes:
    """`\\\\u001b` is a literal backslash then `u001b`: not an escape, keep it."""
    start = m.start()
    backslashes = 0
    while start - backslashes - 1 >= 0 and m.string[start - backslashes - 1] == 0x5C:
        backslashes += 1
    return m.group(0) if backslashes % 2 else b""


def neutralize_cell(value: str) -> str:
    """A CSV cell that cannot run as a formula: a leading `= + - @ tab CR` gets a `'` before it."""
    return "'" + value if value.startswith(FORMULA_START) else value


def is_web_url(url: str) -> bool:
    """Only http(s) URLs are links (never `javascript:`, `data:`, `file:`)."""
    return url[:8].lower().startswith(("http://", "https://"))
