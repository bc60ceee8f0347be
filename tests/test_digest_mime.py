"""Digests inside MIME containers: a page saved as MHTML (Chrome's "Webpage, Single File") and
e-mails saved as .eml, quoted-printable or base64, read like the page or text they hold."""

from __future__ import annotations

import base64
import datetime as dt
import quopri
from pathlib import Path

from readq.digest import mime, parse_bytes

TODAY = dt.date(2026, 11, 30)
DATA = Path(__file__).resolve().parent / "data"
PAGE = DATA / "captures" / "hf_daily_2026-04-16_saved.html"
BOUNDARY = "----MultipartBoundary--vZ3rT0aN9----"


def mhtml(html: bytes) -> bytes:
    """The container Chrome writes: headers, the page quoted-printable, then a stylesheet part."""
    head = (
        "From: <Saved by Blink>\r\nSnapshot-Content-Location: https://huggingface.co/papers/date/2026-04-16\r\n"
        "Subject: Daily Papers - Hugging Face\r\nDate: Fri, 17 Apr 2026 09:00:00 -0000\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="{BOUNDARY}"\r\n\r\n\r\n'
        f"--{BOUNDARY}\r\nContent-Type: text/html\r\nContent-ID: <frame-1@mhtml.blink>\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\nContent-Location: https://huggingface.co/papers/date/2026-04-16\r\n\r\n"
    )
    tail = (f"\r\n--{BOUNDARY}\r\nContent-Type: text/css\r\nContent-Transfer-Encoding: quoted-printable\r\n"
            f"Content-Location: cid:css-1@mhtml.blink\r\n\r\n.x{{color:red}}\r\n--{BOUNDARY}--\r\n")
    body = quopri.encodestring(html).replace(b"\n", b"\r\n")
    return head.encode() + body + tail.encode()


def eml(text: str, *, encoding: str) -> bytes:
    body = text.encode("utf-8")
    payload = base64.encodebytes(body) if encoding == "base64" else quopri.encodestring(body)
    return (
        "From: Google Scholar Alerts <scholaralerts-noreply@google.com>\nTo: me@example.com\n"
        "Subject: video tokenizer - new results\nMIME-Version: 1.0\n"
        'Content-Type: multipart/alternative; boundary="b1"\n\n--b1\n'
        f'Content-Type: text/plain; charset="UTF-8"\nContent-Transfer-Encoding: {encoding}\n\n'
    ).encode() + payload + b"\n--b1\nContent-Type: text/html; charset=UTF-8\n\n<html><body><p>see the text</p></body></html>\n--b1--\n"


def test_an_mhtml_page_reads_like_the_saved_html() -> None:
    plain = parse_bytes(PAGE.read_bytes(), source="page.html", today=TODAY)
    saved = parse_bytes(mhtml(PAGE.read_bytes()), source="page.mhtml", today=TODAY)
    assert len(saved.entries) == len(plain.entries) == 13
    assert [(e.title, e.arxiv_id, e.upvotes) for e in saved.entries] == [(e.title, e.arxiv_id, e.upvotes) for e in plain.entries]
    assert saved.layout == "html" and saved.notes[0].startswith("a saved page (MHTML)")
    assert all("= " not in e.title and "=3D" not in e.title for e in saved.entries)


def test_saved_emails_quoted_printable_and_base64() -> None:
    alert = (DATA / "listings" / "scholar_alert_packed.txt").read_text(encoding="utf-8")
    direct = parse_bytes(alert.encode(), source="alert.txt", today=TODAY)
    for encoding in ("quoted-printable", "base64"):
        result = parse_bytes(eml(alert, encoding=encoding), source="alert.eml", today=TODAY)
        assert result.layout == "bylines"
        assert [e.title for e in result.entries] == [e.title for e in direct.entries]
        assert result.notes[0] == "an e-mail: its text/plain part read"


def test_text_that_starts_with_header_like_lines_is_not_mime() -> None:
    assert mime.bodies(b"Subject: papers\nFrom: me\n\nTitle one\n\nAbstract text.\n") is None
    assert mime.bodies(b"new\n\nGet trending papers in your email inbox!\n") is None
    for path in (Path(__file__).resolve().parent.parent / "sample_digests").glob("*.txt"):
        assert mime.bodies(path.read_bytes()) is None


def test_a_mime_message_without_text_is_a_clear_warning() -> None:
    data = (b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: image/png\n"
            b"Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--x--\n")
    result = parse_bytes(data, source="x.eml", today=TODAY)
    assert result.entries == () and "no readable text" in result.warnings[0].message
