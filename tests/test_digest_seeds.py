"""The five real digests are the spec: exact counts, metadata, links, dates, encodings."""

from __future__ import annotations

import codecs
import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest

from readq.digest import parse_bytes, parse_text
from readq.model import Source

TODAY = dt.date(2026, 1, 20)
SEEDS = Path(__file__).resolve().parent.parent / "sample_digests"
COUNTS = {
    "000_44acc7d1eb537eca.txt": (74, "hf-plain", "2025-03-12"),
    "001_b2f2232f24d87cdf.txt": (202, "hf-compact", None),
    "002_cd7b819de5b9eaf6.txt": (158, "hf-compact", None),
    "003_dfbcd3d7737307f2.txt": (87, "hf-plain", "2025-03-11"),
    "004_d742356525c87248.txt": (56, "hf-daily", "2025-06-15"),
}


def fold(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).casefold()
    return re.sub(r"[^\w+]|_", "", text)


def parse_seed(name: str, today: dt.date = TODAY):
    return parse_bytes((SEEDS / name).read_bytes(), source=str(SEEDS / name), today=today)


def by_title(result, prefix: str):
    found = [e for e in result.entries if e.title.startswith(prefix)]
    assert len(found) == 1, [e.title for e in found]
    return found[0]


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_seed_counts_layout_and_no_warnings(name: str) -> None:
    count, layout, digest_date = COUNTS[name]
    result = parse_seed(name)
    assert len(result.entries) == count
    assert result.layout == layout
    assert result.digest_date == digest_date
    assert result.warnings == ()
    for entry in result.entries:
        assert entry.title and entry.title == " ".join(entry.title.split())
        assert len(entry.abstract) > 500
        assert entry.source == Source(file=name, digest_date=digest_date)
        assert entry.line > 0


def test_seed_totals() -> None:
    entries = [e for name in sorted(COUNTS) for e in parse_seed(name).entries]
    assert len(entries) == 577
    assert len({fold(e.title) for e in entries}) == 493
    titles = {e.title for e in entries}
    plus = [t for t in titles if "++" in t]
    assert plus, "a '++' title exists in the seeds"


def test_plus_titles_stay_distinct() -> None:
    assert fold("VBench++: A") != fold("VBench: A")
    assert fold("TVQA+: Spatio") != fold("TVQA: Spatio")


def test_title_lines_point_at_the_title() -> None:
    for name in COUNTS:
        lines = (SEEDS / name).read_text(encoding="utf-8").split("\n")
        for entry in parse_seed(name).entries:
            assert entry.title in lines[entry.line - 1]


def test_glued_subscribe_title() -> None:
    first = parse_seed("001_b2f2232f24d87cdf.txt").entries[0]
    assert first.title == "Describing Videos by Exploiting Temporal Structure"
    assert first.line == 3
    assert first.abstract.startswith("Recent progress in using recurrent neural networks")
    first = parse_seed("002_cd7b819de5b9eaf6.txt").entries[0]
    assert first.title.startswith("VIOLET : End-to-End Video-Language Transformers")


def test_plain_layout_first_and_last() -> None:
    result = parse_seed("000_44acc7d1eb537eca.txt")
    first, last = result.entries[0], result.entries[-1]
    assert first.title == "FrozenRecon: Pose-free 3D Scene Reconstruction with Frozen Depth Models"
    assert first.line == 11
    assert first.authors == () and first.authors_count is None and first.upvotes is None
    assert last.title.startswith("TC-Bench: Benchmarking Temporal Compositionality")
    assert last.line == 303


def test_links_without_trailing_punctuation() -> None:
    magic = by_title(parse_seed("000_44acc7d1eb537eca.txt"), "Magic 1-For-1")
    assert magic.links == ("https://github.com/DA-Group-PKU/Magic-1-For-1",)
    clip = by_title(parse_seed("003_dfbcd3d7737307f2.txt"), "CLIPTrans")
    assert clip.links == ("https://www.github.com/devaansh100/CLIPTrans",)


def test_latex_leftovers_in_links() -> None:
    entries = [e for name in COUNTS for e in parse_seed(name).entries]
    links = {url for e in entries for url in e.links}
    assert "https://github.com/dvlab-research/LLaMA-VID" in links
    assert "https://github.com/DAMO-NLP-SG/multimodal_textbook" in links
    assert "https://jhaoshao.github.io/ChronoDepth/" in links
    assert all(not url.endswith((".", ",", ")", "}", ";")) for url in links)
    assert all(url.startswith(("http://", "https://")) for url in links)


def test_daily_metadata() -> None:
    result = parse_seed("004_d742356525c87248.txt")
    tifre = by_title(result, "TiFRe:")
    assert (tifre.authors_count, tifre.org, tifre.published, tifre.upvotes) == (3, None, "2025-02-09", None)
    swin = by_title(result, "SwinBERT:")
    assert (swin.authors_count, swin.published, swin.upvotes) == (8, "2021-11-25", None)
    apollo = by_title(result, "Apollo:")
    assert (apollo.authors_count, apollo.published, apollo.upvotes) == (12, "2024-12-13", 13)
    love = by_title(result, "LOVE-R1:")
    assert (love.authors_count, love.org, love.published, love.upvotes) == (None, "TongyiLab", "2025-09-29", 2)
    peek = by_title(result, "PEEK:")
    assert (peek.org, peek.published, peek.upvotes) == ("Moments Lab", "2025-05-28", 7)
    assert by_title(result, "VADER:").org == "NVIDIA"
    assert by_title(result, "From Frames to Clips").org == "Amazon"
    assert by_title(result, "VideoTemp-o3").published == "2025-03-12"  # "Mar 12", before Jun 15
    assert by_title(result, "VideoLLaMB").upvotes == 6


def test_papers_without_metadata_do_not_steal_the_next_ones() -> None:
    result = parse_seed("004_d742356525c87248.txt")
    for prefix in ("SparkVSR:", "HL-OutPaint:", "Causal Forcing++:"):
        entry = by_title(result, prefix)
        assert (entry.authors_count, entry.org, entry.published, entry.upvotes) == (None, None, None, None)
        assert len(entry.abstract) > 1000
    mtvg = by_title(result, "MTVG :")
    assert (mtvg.authors_count, mtvg.published) == (8, "2023-12-07")
    beyond = by_title(result, "Beyond Boundary Frames")
    assert (beyond.authors_count, beyond.published) == (6, "2025-12-03")


def test_digest_date_without_year_resolves_against_today() -> None:
    assert parse_seed("004_d742356525c87248.txt", dt.date(2026, 6, 15)).digest_date == "2026-06-15"
    assert parse_seed("004_d742356525c87248.txt", dt.date(2026, 6, 14)).digest_date == "2025-06-15"
    result = parse_seed("004_d742356525c87248.txt", dt.date(2026, 7, 1))
    assert by_title(result, "TiFRe:").published == "2026-02-09"
    assert by_title(result, "SwinBERT:").published == "2021-11-25"


@pytest.mark.parametrize("name", ["000_44acc7d1eb537eca.txt", "001_b2f2232f24d87cdf.txt", "004_d742356525c87248.txt"])
def test_equivalent_encodings_give_identical_entries(name: str) -> None:
    text = (SEEDS / name).read_text(encoding="utf-8")
    reference = parse_bytes(text.encode("utf-8"), source=name, today=TODAY)
    variants = [
        codecs.BOM_UTF8 + text.encode("utf-8"),
        codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + text.encode("utf-32-le"),
        text.replace("\n", "\r\n").encode("utf-8"),
        text.replace("\n", "\r").encode("utf-8"),
        codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le"),
    ]
    if all(ord(c) < 256 for c in text):
        variants.append(text.encode("latin-1"))
    if name.startswith("004"):  # has "·" and "•": cp1252 can hold both
        variants.append(text.encode("cp1252"))
    for data in variants:
        result = parse_bytes(data, source=name, today=TODAY)
        assert result.entries == reference.entries
        assert result.layout == reference.layout
    assert parse_text(text, source=name, today=TODAY).entries == reference.entries
