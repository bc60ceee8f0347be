"""Digests inside MIME containers: e-mails saved as files (.eml) and web pages saved as MHTML.

Chrome's "Webpage, Single File" (.mhtml) wraps the page's HTML in a multipart message,
quoted-printable encoded ("=3D", lines broken with "=" at the end); a saved e-mail (a Scholar
alert, an arXiv mailing, a forwarded digest) is headers plus a text and/or an HTML body, maybe
base64. Read as plain text either is noise, so the container is opened with the standard
library's `email` parser and each readable body is handed to the layout parsers as its own
bytes. Only text that starts with a header block naming MIME is treated so; a digest that
merely begins with "From:" or "Subject:" lines stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADER_LINE = re.compile(rb"[A-Za-z][A-Za-z0-9-]{0,60}:[ \t]?[^\r\n]*|[ \t]+[^\r\n]*")
_MIME_HEADER = re.compile(rb"^(?:MIME-Version|Content-Type)[ \t]*:", re.IGNORECASE | re.MULTILINE)
_HEAD = 16_384
MAX_BODIES = 4


@dataclass(frozen=True)
class Body:
    """One readable part of a MIME document: its bytes (transfer encoding undone) and type."""

    data: bytes
    content_type: str  # "text/html" or "text/plain"
    charset: str | None


def _is_mime(data: bytes) -> bool:
    """The data opens with a header block (every line a header or its continuation) that names
    MIME-Version or Content-Type."""
    head = data[:_HEAD].lstrip(b"\xef\xbb\xbf\r\n\t ")
    end = re.search(rb"\r?\n\r?\n", head)
    if end is None:
        return False
    block = head[: end.start()]
    lines = re.split(rb"\r?\n", block)
    return bool(lines) and all(_HEADER_LINE.fullmatch(ln) for ln in lines) and _MIME_HEADER.search(block) is not None


def bodies(data: bytes) -> list[Body] | None:
    """The text/html and text/plain bodies of a MIME document, HTML first for a saved page
    (multipart/related) and plain text first for a mail; None when `data` is not MIME."""
    if not _is_mime(data):
        return None
    import email  # only for a MIME file: the import of every other file does not pay for it
    import email.policy

    message = email.message_from_bytes(data.lstrip(b"\xef\xbb\xbf\r\n\t "), policy=email.policy.compat32)
    found: list[Body] = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        subtype = part.get_content_subtype()
        if subtype not in ("html", "plain") or (part.get("Content-Disposition") or "").lower().startswith("attachment"):
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and payload.strip():
            found.append(Body(payload, f"text/{subtype}", part.get_content_charset()))
        if len(found) >= MAX_BODIES:
            break
    page = message.get_content_type() == "multipart/related"
    found.sort(key=lambda b: (b.content_type != "text/html") if page else (b.content_type != "text/plain"))
    return found


def as_text(body: Body) -> str | None:
    """The body decoded with its declared charset; None when there is none or it is unknown (the
    caller then decodes the bytes as it decodes any file)."""
    if not body.charset:
        return None
    try:
        return body.data.decode(body.charset, errors="replace")
    except LookupError:
        return None
