"""Dates and links: the small rules every layout shares."""

from __future__ import annotations

import datetime as dt

import pytest

from readq.digest.context import base_name
from readq.digest.dates import parse_date, resolve
from readq.digest.links import arxiv_id_from_label, arxiv_id_from_url, find_urls
from readq.digest.meta import hf_date, org_display_name

REF = dt.date(2025, 6, 15)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Mar 12", "2025-03-12"),
        ("Jun 15", "2025-06-15"),
        ("Jun 16", "2024-06-16"),
        ("Dec 31", "2024-12-31"),
        ("Nov 25, 2021", "2021-11-25"),
        ("September 3", "2024-09-03"),
        ("Sept 3, 2020", "2020-09-03"),
        ("2025-03-12", "2025-03-12"),
        ("12 March 2024", "2024-03-12"),
        ("Feb 29", "2024-02-29"),
        ("Feb 30", None),
        ("Foo 3", None),
        ("Part 2", None),
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text, REF) == iso


def test_feb_29_walks_back_to_a_leap_year() -> None:
    assert resolve(2, 29, None, dt.date(2023, 3, 1)) == "2020-02-29"
    assert resolve(2, 29, None, dt.date(2100, 3, 1)) == "2096-02-29"  # 2100 is not a leap year
    assert resolve(2, 29, 2023, REF) is None


def test_hf_date_lines() -> None:
    assert hf_date("Dec 13, 2024 13", REF) == (hf_date("Dec 13, 2024", REF).__class__("2024-12-13", 13))
    info = hf_date("May 28 7", REF)
    assert (info.published, info.upvotes) == ("2025-05-28", 7)
    info = hf_date("May 28 2024", REF)
    assert (info.published, info.upvotes) == ("2024-05-28", None)
    assert hf_date("Published on Jan 3", REF).published == "2025-01-03"
    assert hf_date("Attention Is All You Need", REF) is None


def test_org_display_name() -> None:
    assert org_display_name("AlibabaTongyiLab TongyiLab") == "TongyiLab"
    assert org_display_name("momentslab Moments Lab") == "Moments Lab"
    assert org_display_name("NVIDIA") == "NVIDIA"


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("code at https://github.com/DA-Group-PKU/Magic-1-For-1.", ["https://github.com/DA-Group-PKU/Magic-1-For-1"]),
        ("found at www.github.com/devaansh100/CLIPTrans.", ["https://www.github.com/devaansh100/CLIPTrans"]),
        ("(see http://ground-a-video.github.io).", ["http://ground-a-video.github.io"]),
        ("\\url{https://github.com/a/b}.", ["https://github.com/a/b"]),
        ("https://github.com/a/b}{https://github.com/a/b", ["https://github.com/a/b"]),
        ("[x](https://en.wikipedia.org/wiki/Foo_(bar)), then", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
        ("a https://x.io/1, b https://x.io/2; c https://x.io/1", ["https://x.io/1", "https://x.io/2"]),
        ("http: //tvqa.cs.unc.edu and https:// nothing", []),
        ("email me@www.example.com", []),
    ],
)
def test_find_urls(text: str, urls: list[str]) -> None:
    assert find_urls(text) == urls


def test_arxiv_ids() -> None:
    assert arxiv_id_from_url("https://arxiv.org/abs/2401.12345v2") == "2401.12345"
    assert arxiv_id_from_url("https://arxiv.org/pdf/2401.12345") == "2401.12345"
    assert arxiv_id_from_url("https://huggingface.co/papers/2502.08639#community") == "2502.08639"
    assert arxiv_id_from_url("/papers/2502.08639") == "2502.08639"
    assert arxiv_id_from_url("https://arxiv.org/abs/cs/0112017") == "cs/0112017"
    assert arxiv_id_from_url("https://huggingface.co/papers") is None
    assert arxiv_id_from_label("see arXiv:2401.12345v3 [cs.CV]") == "2401.12345"
    assert arxiv_id_from_label("arXiv: 1706.03762") == "1706.03762"


def test_base_name() -> None:
    assert base_name("sample_digests/000_44acc7d1eb537eca.txt") == "000_44acc7d1eb537eca.txt"
    assert base_name("C:\\digests\\a.txt") == "a.txt"
    assert base_name("<stdin>") == "<stdin>"
