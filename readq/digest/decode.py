"""Bytes -> text: digests arrive as whatever the browser or mail client saved.

Order matters: a UTF-32 LE BOM starts with the UTF-16 LE BOM, so 32-bit BOMs are checked first.
Text without a BOM is UTF-8 when it decodes as UTF-8, else Windows-1252 (a superset of Latin-1's
printable range that browsers use for "Latin-1" pages), else Latin-1 (which never fails).
"""

from __future__ import annotations

import re

import codecs

from readq.digest.errors import DigestError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Control bytes that never occur in text (tab, LF, VT, FF, CR and ESC are allowed).
_CONTROL = frozenset(range(0x00, 0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}
_SAMPLE = 65536
_MAX_CONTROL_RATIO = 0.10

BINARY = "binary file (not text)"


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR (old Mac, some mail clients) become LF."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _looks_binary(text: str) -> bool:
    """Mostly non-printable: many C0 controls, C1 controls or replacement characters."""
    sample = text[:_SAMPLE]
    if not sample:
        return False
    bad = sum(1 for ch in sample if (ord(ch) in _CONTROL) or ("\x80" <= ch <= "\x9f") or ch == "\ufffd")
    return bad / len(sample) > _MAX_CONTROL_RATIO


def decode(data: bytes) -> str:
    """Decode a saved digest to text with "\\n" line ends; DigestError when it is not text."""
    return decode_with_codec(data)[0]


def decode_with_codec(data: bytes) -> tuple[str, str]:
    """`decode`, and the codec that read the bytes ("utf-8" only for BOM-less UTF-8)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                raise DigestError(f"invalid {codec.upper()} text (file has a {codec.upper()} byte-order mark)") from None
            if "\x00" in text or _looks_binary(text):
                raise DigestError(BINARY)
            return normalize_newlines(text), codec + "-bom"
    if b"\x00" in data:
        raise DigestError(BINARY)
    codec = "utf-8"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text, codec = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            text, codec = data.decode("latin-1"), "latin-1"
    if _looks_binary(text):
        raise DigestError(BINARY)
    return normalize_newlines(text), codec


_QUOTE_MARK = re.compile(r"^[ \t]*>[ \t]?", re.MULTILINE)
_QUOTE_SAMPLE = 20_000


def unquote(text: str) -> str | None:
    """The text of a digest forwarded or replied to by e-mail: when most lines of the sample sit
    behind ">" quote marks, the quoted lines lose one level of them (repeated for nested quotes)
    and the others (the mail's headers, "On ... wrote:", the reply) become blank lines, so line
    numbers still point into the file; None when the text is not quoted."""
    if text[:1] != ">" and ">" not in text[:2000]:
        return None
    lines = [ln for ln in text[:_QUOTE_SAMPLE].split("\n") if ln.strip()]
    if len(lines) < 10 or sum(1 for ln in lines if ln.lstrip().startswith(">")) < 0.6 * len(lines):
        return None
    out = "\n".join(
        _QUOTE_MARK.sub("", ln, count=1) if ln.lstrip().startswith(">") else "" for ln in text.split("\n")
    )
    return unquote(out) or out


_INDENT = re.compile(r"^(?: {4,}|\t)", re.MULTILINE)


def dedent(text: str) -> str | None:
    """A page whose body a converter indented as one code block (4 spaces or a tab before most
    lines): those lines lose the indentation most of them share; None when the text is not so."""
    if text[:1] not in " \t" and "\n    " not in text[:2000]:
        return None
    sample = [ln for ln in text[:_QUOTE_SAMPLE].split("\n") if ln.strip()]
    indented = [ln for ln in sample if ln.startswith(("    ", "\t"))]
    if len(sample) < 10 or len(indented) < 0.8 * len(sample):
        return None
    width = min(len(ln) - len(ln.lstrip(" ")) for ln in indented if ln.startswith(" ")) if any(
        ln.startswith(" ") for ln in indented) else 0
    prefix = " " * width if width else "\t"
    return "\n".join(ln[len(prefix):] if ln.startswith(prefix) else ln for ln in text.split("\n"))
