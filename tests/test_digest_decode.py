"""bytes -> text: BOMs, fallbacks, newline normalisation, binary refusal."""

from __future__ import annotations

import codecs

import pytest

from readq.digest import DigestError, decode


@pytest.mark.parametrize(
    "data",
    [
        "Café ünïcödé — “quotes”\n".encode("utf-8"),
        codecs.BOM_UTF8 + "Café ünïcödé — “quotes”\n".encode("utf-8"),
        codecs.BOM_UTF16_LE + "Café ünïcödé — “quotes”\n".encode("utf-16-le"),
        codecs.BOM_UTF16_BE + "Café ünïcödé — “quotes”\n".encode("utf-16-be"),
        codecs.BOM_UTF32_LE + "Café ünïcödé — “quotes”\n".encode("utf-32-le"),
        codecs.BOM_UTF32_BE + "Café ünïcödé — “quotes”\n".encode("utf-32-be"),
        "Café ünïcödé — “quotes”\r\n".encode("cp1252"),
        "Café ünïcödé — “quotes”\r".encode("utf-8"),
    ],
)
def test_decodes_to_the_same_text(data: bytes) -> None:
    assert decode(data) == "Café ünïcödé — “quotes”\n"


def test_latin1_fallback() -> None:
    assert decode("naïve façade".encode("latin-1")) == "naïve façade"
    assert decode(b"\x81 " + b"caf\xe9 " * 20) == "\x81 " + "café " * 20  # 0x81: undefined in cp1252


def test_empty_is_text() -> None:
    assert decode(b"") == ""


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"abc\x00def",
        bytes(range(1, 32)) * 20,
        b"%PDF-1.7\n" + bytes(range(0, 256)) * 4,
    ],
)
def test_binary_is_refused(data: bytes) -> None:
    with pytest.raises(DigestError, match="binary file"):
        decode(data)


def test_bad_utf16_is_a_digest_error() -> None:
    with pytest.raises(DigestError):
        decode(codecs.BOM_UTF16_LE + b"\x00\xd8")  # lone surrogate
