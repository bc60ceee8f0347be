"""Property tests: papers rendered in each HF layout parse back exactly; nothing crashes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readq.digest import DigestError, parse_bytes, parse_text
from readq.digest import dates, meta
from readq.digest.furniture import is_furniture
from readq.digest.parse import NOT_A_TITLE
from readq.textclean import has_unsafe

TODAY = dt.date(2026, 1, 20)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any non-whitespace character (str.split() whitespace is all in Zs/Zl/Zp/Cc).
_CHARS = st.characters(min_codepoint=0x21, max_codepoint=0x1F9FF, blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc"))
# Bidi override/isolate characters (category Cf) are removed at ingest: not part of a round trip.
_WORD = st.text(_CHARS, min_size=1, max_size=10).filter(
    lambda w: "://" not in w and "www." not in w.lower() and not has_unsafe(w)
)
_URL = st.builds(
    lambda a, b, dot: f"https://github.com/{a}/{b}" + ("." if dot else ""),
    st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True),
    st.booleans(),
)


def _plain_line(s: str) -> bool:
    return not (is_furniture(s) or meta.is_meta_line(s, TODAY) or dates.parse_date(s, TODAY) or s.startswith("Subscribe"))


# A title that is link or image markup is refused by every layout (`parse.NOT_A_TITLE`); one that
# opens with Markdown heading marks ("# 0") is read as a heading, its marks dropped (`parse.real_titles`).
TITLES = st.lists(_WORD, min_size=1, max_size=10).map(" ".join).filter(
    lambda t: len(t) <= 200 and _plain_line(t) and NOT_A_TITLE.search(t) is None and not t.startswith("#")
)
ABSTRACTS = st.lists(st.one_of(_WORD, _WORD, _WORD, _URL), min_size=1, max_size=25).map(" ".join).filter(_plain_line)


@dataclass
class Meta:
    authors: int | None
    org: tuple[str, str] | None
    published: dt.date
    with_year: bool
    upvotes: int | None


METAS = st.builds(
    Meta,
    authors=st.one_of(st.none(), st.integers(1, 60)),
    org=st.one_of(
        st.none(),
        st.tuples(st.from_regex(r"[a-z]{2,12}", fullmatch=True), st.from_regex(r"[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8})?", fullmatch=True)),
    ),
    published=st.dates(dt.date(2015, 1, 1), dt.date(2025, 12, 31)),
    with_year=st.booleans(),
    upvotes=st.one_of(st.none(), st.integers(0, 999)),
)
PAPERS = st.lists(st.tuples(TITLES, ABSTRACTS, st.one_of(st.none(), METAS)), min_size=1, max_size=5)
DIGEST_DAY = st.dates(dt.date(2025, 1, 21), dt.date(2026, 1, 20))


def _expected_links(abstract: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for word in abstract.split():
        if word.startswith("https://github.com/"):
            seen.setdefault(word.rstrip("."))
    return tuple(seen)


def _date_line(m: Meta, ref: dt.date) -> tuple[str, str]:
    """The rendered date and the ISO date it must resolve to."""
    day = m.published
    if m.with_year or not (ref - dt.timedelta(days=364) <= day <= ref):
        text = f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
    else:
        text = f"{MONTHS[day.month - 1]} {day.day}"
    if m.upvotes is not None:
        text += f" {m.upvotes}"
    return text, day.isoformat()


def _check(result, papers, lines_of_titles, ref: dt.date | None, digest: str | None) -> None:
    assert len(result.entries) == len(papers), result.warnings
    for entry, (title, abstract, m), line in zip(result.entries, papers, lines_of_titles):
        assert entry.title == title
        assert entry.abstract == abstract
        assert entry.links == _expected_links(abstract)
        assert entry.line == line
        assert entry.source.digest_date == digest
        if m is None:
            assert (entry.authors_count, entry.org, entry.published, entry.upvotes) == (None, None, None, None)
        else:
            assert ref is not None
            assert entry.published == _date_line(m, ref)[1]
            assert entry.upvotes == m.upvotes
            if m.org:
                assert (entry.org, entry.authors_count) == (m.org[1], None)
            else:
                assert (entry.org, entry.authors_count) == (None, m.authors)
    assert not any("internal parser error" in w.message for w in result.warnings)


@SETTINGS
@given(PAPERS, DIGEST_DAY)
def test_plain_layout_round_trip(papers, day) -> None:
    papers = [(t, a, None) for t, a, _ in papers]
    out = ["new", "", "Get trending papers in your email inbox!", "", "Subscribe", "", "byAK and the research community", "",
           f"{MONTHS[day.month - 1]} {day.day}", ""]
    title_lines = []
    for title, abstract, _ in papers:
        title_lines.append(len(out) + 1)
        out += [title, "", abstract, ""]
    result = parse_text("\n".join(out), source="dir/p.txt", today=TODAY)
    assert result.layout == "hf-plain"
    _check(result, papers, title_lines, None, day.isoformat())


@SETTINGS
@given(PAPERS)
def test_compact_layout_round_trip(papers) -> None:
    papers = [(t, a, None) for t, a, _ in papers]
    out = ["Get trending papers in your email inbox once a day!", "Get trending papers in your email inbox!"]
    title_lines = []
    for k, (title, abstract, _) in enumerate(papers):
        title_lines.append(len(out) + 1)
        out += [("Subscribe" + title) if k == 0 else title, abstract]
    result = parse_text("\n".join(out), source="c.txt", today=TODAY)
    assert result.layout in ("hf-compact", "hf-plain")
    _check(result, papers, title_lines, None, None)


@SETTINGS
@given(PAPERS, DIGEST_DAY)
def test_daily_layout_round_trip(papers, day) -> None:
    out = ["new", "", "Get trending papers in your email inbox!", "", "Subscribe", "", "Daily Papers", "",
           "byAK and the research community", "", f"{MONTHS[day.month - 1]} {day.day}", ""]
    title_lines = []
    for title, abstract, m in papers:
        title_lines.append(len(out) + 1)
        out += [title, "", abstract, ""]
        if m is not None:
            who = f"{m.org[0]} {m.org[1]}" if m.org else f"  • {m.authors} authors" if m.authors else "  • 1 authors"
            if not m.org and not m.authors:
                m.authors = 1
            out += [who, "·", _date_line(m, day)[0], ""]
    result = parse_text("\n".join(out), source="d.txt", today=TODAY)
    _check(result, papers, title_lines, day, day.isoformat())
    crlf = parse_bytes(("\r\n".join(out)).encode("utf-16"), source="d.txt", today=TODAY)
    assert crlf.entries == result.entries


@SETTINGS
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash(data: bytes) -> None:
    try:
        result = parse_bytes(data, source="r.bin", today=TODAY)
    except DigestError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert not any("internal parser error" in w.message for w in result.warnings)


@SETTINGS
@given(st.text(max_size=3000))
def test_random_text_never_crashes(text: str) -> None:
    result = parse_text(text, source="r.txt", today=TODAY)
    assert not any("internal parser error" in w.message for w in result.warnings)


MD_PIECES = st.sampled_from([
    "### [Title](https://huggingface.co/papers/2502.12345)", "[• 8 authors](/papers/2502.12345#authors)",
    "- 12 upvotes", "Submitted by x", "* [Papers](/papers)", "[Models](/models) [Datasets](/datasets)",
    "![](https://x/y.png)", "https://github.com/a/b", "[1]: https://arxiv.org/abs/2401.00001", "## [Ref][1]",
    "Published on Feb 30", "arXiv:2401.12345", "Title: x", "Authors: a and b", "\\\\", "Trending Papers",
    "Published on Jan 3", "· 5 authors", "★ 1.2k", "<html>", "<h3><a href='/papers/1'>x</a></h3>", "[", "](", "---", "",
])


@SETTINGS
@given(st.lists(st.one_of(MD_PIECES, st.text(max_size=80)), max_size=40))
def test_structured_noise_never_crashes(pieces: list[str]) -> None:
    result = parse_text("\n".join(pieces), source="n.md", today=TODAY)
    assert not any("internal parser error" in w.message for w in result.warnings)
