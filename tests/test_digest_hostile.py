"""Hostile and broken inputs: only DigestError escapes parse_bytes; parse_text never raises."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest

from readq.digest import DigestError, ParseWarning, parse_bytes, parse_text

TODAY = dt.date(2026, 1, 20)
SEEDS = Path(__file__).resolve().parent.parent / "sample_digests"
HEADER = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\nMar 12\n\n"
ABSTRACT = "We study a problem. " * 20


def messages(result) -> list[str]:
    return [w.message for w in result.warnings]


def test_empty_and_blank_files() -> None:
    for data in (b"", b"\n\n  \n", "\ufeff".encode("utf-8")):
        result = parse_bytes(data, source="e.txt", today=TODAY)
        assert result.entries == ()
        assert messages(result) == ["empty file"]


def test_binary_raises_digest_error() -> None:
    with pytest.raises(DigestError, match="binary"):
        parse_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(200), source="a.out", today=TODAY)


def test_only_furniture() -> None:
    for text in (HEADER, "Get trending papers in your email inbox once a day!\nGet trending papers in your email inbox!\nSubscribe\n"):
        result = parse_text(text, source="f.txt", today=TODAY)
        assert result.entries == ()
        assert messages(result) == ["no papers found (only page furniture)"]


@pytest.mark.parametrize(
    "text",
    [
        "The quick brown fox jumps over the lazy dog. " * 40,
        ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 8 + "\n\n") * 6,
        "name,age\nalice,3\nbob,4\n" * 50,
        "def f(x):\n    return x + 1\n\n\nclass A:\n    pass\n" * 20,
        "2024-01-01 12:00:00 INFO started\n2024-01-01 12:00:01 ERROR failed\n" * 40,
        "Dear colleague,\n\nThanks for the meeting.\n\nBest regards,\nBob\n",
    ],
)
def test_garbage_gives_no_phantom_papers(text: str) -> None:
    result = parse_text(text, source="g.txt", today=TODAY)
    assert result.entries == ()
    assert any(m.startswith("no papers found") for m in messages(result))


def test_title_without_abstract_is_kept_and_warned() -> None:
    text = HEADER + f"First Paper\n\n{ABSTRACT}\n\nLonely Title\n\nThird Paper\n\n{ABSTRACT}\n"
    result = parse_text(text, source="d/t.txt", today=TODAY)
    assert [e.title for e in result.entries] == ["First Paper", "Lonely Title", "Third Paper"]
    assert result.entries[1].abstract == ""
    assert result.entries[2].abstract == ABSTRACT.strip()
    assert ParseWarning("d/t.txt", 15, "title with no abstract: 'Lonely Title'") in result.warnings
    assert str(result.warnings[0]).startswith("d/t.txt:15: ")


def test_truncated_digest_is_warned() -> None:
    text = HEADER + f"First Paper\n\n{ABSTRACT}\n\nSecond Paper\n\nWe propose a method that is cut off in the mid"
    result = parse_text(text, source="t.txt", today=TODAY)
    assert len(result.entries) == 2
    assert messages(result) == ["abstract looks cut off (truncated digest?)"]
    assert result.warnings[0].line == 17


def test_cut_seed_keeps_every_paper_before_the_cut() -> None:
    text = (SEEDS / "000_44acc7d1eb537eca.txt").read_text(encoding="utf-8")
    cut = text[: len(text) // 2]
    result = parse_text(cut, source="cut.txt", today=TODAY)
    full = parse_text(text, source="cut.txt", today=TODAY)
    assert 30 < len(result.entries) <= 38
    assert result.entries[:-1] == full.entries[: len(result.entries) - 1]
    assert any("cut off" in m or "no abstract" in m for m in messages(result))


def test_multi_paragraph_abstract_is_joined() -> None:
    text = HEADER + f"A Paper\n\n{ABSTRACT}\n\n{ABSTRACT}\n\nB Paper\n\nShort abstract.\n"
    result = parse_text(text, source="p.txt", today=TODAY)
    assert [e.title for e in result.entries] == ["A Paper", "B Paper"]
    assert result.entries[0].abstract == (ABSTRACT.strip() + " " + ABSTRACT.strip())


def test_stray_metadata_is_warned_not_attributed() -> None:
    text = HEADER + "  • 3 authors\n·\nFeb 9\n\nA Paper\n\n" + ABSTRACT + "\n\n  • 2 authors\n·\nFeb 30\n"
    result = parse_text(text, source="m.txt", today=TODAY)
    assert len(result.entries) == 1
    assert result.entries[0].authors_count == 2
    assert result.entries[0].published is None
    assert "metadata with no paper before it; skipped" in messages(result)
    assert "impossible date 'Feb 30'; ignored" in messages(result)


def test_feb_29() -> None:
    text = HEADER.replace("Mar 12", "Mar 1, 2025") + "A Paper\n\n" + ABSTRACT + "\n\n  • 1 authors\n·\nFeb 29\n"
    result = parse_text(text, source="f.txt", today=TODAY)
    assert result.entries[0].published == "2024-02-29"
    result = parse_text(HEADER.replace("Mar 12", "Feb 29"), source="f.txt", today=dt.date(2026, 1, 1))
    assert result.digest_date == "2024-02-29"


def test_html_garbage_and_truncated_markup() -> None:
    for text in ("<html><body><div><p>unclosed <a href='x'>link", "<!DOCTYPE html>" + "<div>" * 5000, "<" * 10000):
        result = parse_text(text, source="x.html", today=TODAY)
        assert result.entries == ()


def test_five_megabyte_single_line_is_fast() -> None:
    for text in ("a" * 5_000_000, "word. " * 850_000, "[" * 5_000_000, "https://x" * 550_000, "# [x](" * 800_000,
                 HEADER + "Title\n\n" + "x " * 2_500_000):
        start = time.perf_counter()
        parse_text(text, source="big.txt", today=TODAY)
        assert time.perf_counter() - start < 1.0


def test_twenty_megabytes_of_digests_parse_linearly() -> None:
    seeds = b"".join((SEEDS / name).read_bytes() + b"\n\n" for name in sorted(os.listdir(SEEDS)))
    data = seeds * 24
    assert len(data) > 20_000_000
    start = time.perf_counter()
    result = parse_bytes(data, source="big.txt", today=TODAY)
    assert time.perf_counter() - start < 5.0
    assert len(result.entries) == 577 * 24


def test_random_bytes_only_raise_digest_error() -> None:
    import random

    rng = random.Random(1234)
    for size in (1, 2, 7, 64, 1000, 20000):
        for _ in range(20):
            data = bytes(rng.randrange(256) for _ in range(size))
            try:
                parse_bytes(data, source="r.bin", today=TODAY)
            except DigestError:
                pass
