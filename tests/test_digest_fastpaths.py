"""The parser's fast paths agree with the plain definitions they replace, on odd input too."""

from __future__ import annotations

import datetime as dt
import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from readq.digest import meta
from readq.digest.links import _URL, _normal, find_urls
from readq.digest.prose import collapse
from readq.textclean import clean

TODAY = dt.date(2026, 1, 20)
# Every whitespace character Python knows, plus controls and near-misses.
SPACES = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()] + ["\x00", "\x7f", "\u200b", "\u00ad"]


def reference_collapse(text: str) -> str:
    return " ".join(clean(text).split())  # collapsing also drops control and bidi characters


def reference_is_meta_line(line: str, ref: dt.date) -> bool:
    return (
        meta.is_separator(line)
        or meta.authors_count(line) is not None
        or meta.hf_date(line, ref) is not None
        or meta.upvotes(line) is not None
    )


def reference_find_urls(text: str) -> list[str]:
    found: dict[str, None] = {}
    if "://" not in text and "www." not in text.lower():
        return []
    for m in _URL.finditer(text):
        start = m.start()
        if start:
            before = text[start - 1]
            if before.isalnum() or before == "_" or (before in "@./-" and m.group(0)[:1] in "wW"):
                continue
        url = _normal(m.group(0))
        if url:
            found.setdefault(url)
    return list(found)


TEXT = st.lists(st.one_of(st.sampled_from(SPACES), st.text(max_size=6), st.sampled_from(["ab", "é", "x y"])), max_size=20).map("".join)


@settings(max_examples=800)
@given(TEXT)
def test_collapse_matches_split_join(text: str) -> None:
    assert collapse(text) == reference_collapse(text)


META_BITS = st.sampled_from([
    "", " ", "·", "•", "-", "|", "—", "*", "+", "▲", "⬆", "↑", "3", "12", "٣", "2024", "1,204", ",", ".", ":",
    "authors", "Author", "upvotes", "Upvote", "Jan", "sept", "March", "May", "Published", "ſubmitted", "on",
    "K", "İ", "ı", "Foo", "x", "\t", "\xa0",
])


@settings(max_examples=1200)
@given(st.lists(META_BITS, max_size=7).map(" ".join), st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)))
def test_is_meta_line_matches_its_definition(line: str, ref: dt.date) -> None:
    assert meta.is_meta_line(line, ref) == reference_is_meta_line(line, ref)


def test_meta_prefilter_admits_every_possible_first_character() -> None:
    """A metadata pattern can only start with a character `could_be_meta` lets through."""
    tails = [" 3 authors", "an 3", "ay 28 2024", "ublished on Jan 3", "ubmitted: Jan 3, 2025", "3 upvotes",
             "pvotes: 5", " ▲ 3 upvotes", "", "ug 3", "ec 13, 2024 13", "ct 1", "ov 2", "pr 4", "eb 5", "ep 6",
             "un 7", "ul 8", "ar 9"]
    first_chars = re.compile(r"(?i)[•·*\-+▲⬆↑|—]|\d|[a-z]")  # what the patterns can start with, and more
    for c in map(chr, range(sys.maxunicode + 1)):
        if not first_chars.fullmatch(c) or meta.could_be_meta(c):
            continue
        for tail in tails:
            assert not reference_is_meta_line(c + tail, TODAY), (c, tail)


URL_BITS = st.sampled_from([
    "http", "https", "HTTP", "hTtPs", "://", "www.", "WWW.", "wWw.", "w.", "W.", "ww", "h", "x", "a", " ", ".",
    ")", "(", "/", "-", "@", "_", "\n", "é", "ttp", "example.com", "\\url{", "}", "<", ">", "\xa0", "1", "İ",
])


@settings(max_examples=1200)
@given(st.lists(URL_BITS, max_size=25).map("".join))
def test_find_urls_matches_a_full_scan(text: str) -> None:
    assert find_urls(text) == reference_find_urls(text)


def test_title_key_ascii_fast_path_matches_the_unicode_fold() -> None:
    import unicodedata

    from readq.dedup import _FOLD_DROP, title_key

    samples = [chr(i) for i in range(128)] + ["VBench++", "A_B c-d", "Magic 1-For-1: Video!", "x\ty\x00z"]
    for text in samples + ["".join(samples)]:
        assert title_key(text) == _FOLD_DROP.sub("", unicodedata.normalize("NFKC", text).casefold())


def test_new_entry_equals_the_dataclass_constructor() -> None:
    from dataclasses import fields

    from readq.model import Entry, Source, new_entry

    values = dict(title="T", abstract="A b.", authors=("X Y",), authors_count=3, org="Org", published="2025-01-02",
                  upvotes=7, links=("https://a.org",), arxiv_id="2401.12345", source=Source("f.txt", "2025-01-03"),
                  line=12)
    assert [f.name for f in fields(Entry)] == list(values)  # `new_entry` takes the fields in this order
    fast, slow = new_entry(*values.values()), Entry(**values)
    assert fast == slow and type(fast) is Entry and hash(fast) == hash(slow)
    assert all(getattr(fast, name) is getattr(slow, name) for name in values)


def test_new_paper_equals_the_dataclass_constructor() -> None:
    from dataclasses import fields

    from readq.model import Paper, Source, Status, new_paper

    values = dict(id="abc1234567", title="T", abstract="A b.", authors=("X Y",), authors_count=3, org="Org",
                  published="2025-01-02", upvotes=7, links=("https://a.org",), arxiv_id="2401.12345",
                  sources=(Source("f.txt", "2025-01-03"),), added="2025-01-04T00:00:00")
    fast, slow = new_paper(*values.values()), Paper(**values)
    assert fast == slow and type(fast) is Paper and hash(fast) == hash(slow)
    untriaged = dict(status=Status.NEW, starred=False, tags=(), note=None, resolved=None, note_conflicts=())
    assert {f.name for f in fields(Paper)} == {*values, *untriaged}  # a new field needs a place in `new_paper`
    assert all(getattr(fast, name) == value for name, value in untriaged.items())
