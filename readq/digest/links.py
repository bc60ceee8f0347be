"""URLs and arXiv IDs found in digest text.

Abstracts are scraped prose, so URLs come glued to sentence punctuation ("...Magic-1-For-1."),
wrapped in LaTeX leftovers (`\\url{...}`, `\\href{a}{a}`) or brackets; all of that is trimmed.
Scheme-less `www.` addresses get `https://`. Regexes here are linear: one character class each.
"""

from __future__ import annotations

import re
from urllib.parse import unquote
from collections.abc import Iterable, Iterator

# A URL runs until whitespace or a character that never belongs in one in prose.
# Starts with one character class so the regex engine can skip ahead fast (7x faster than an
# alternation over 1,600-character abstracts: it was a quarter of an import's time). The word
# boundary before "http" and the "no [\w@./-] before www." rule are checked in `find_urls`.
_URL = re.compile(r"[hHwW](?:(?<=[hH])[tT][tT][pP][sS]?://|(?<=[wW])[wW][wW]\.)[^\s<>\"'`{}|\\^]+")
_TRAILING = ".,;:!?'\"*’”»…"
_CLOSERS = {")": "(", "]": "[", ">": "<"}

# arXiv identifiers: new style 2401.12345(v2) and old style cs/0112017 or math.GT/0309136.
_NEW_ID = r"\d{4}\.\d{4,5}"
_OLD_ID = r"[a-z-]+(?:\.[A-Z]{2})?/\d{7}"
ARXIV_ID = re.compile(rf"(?:{_NEW_ID}|{_OLD_ID})(?:v\d+)?")
_ID_IN_URL = re.compile(
    rf"(?i:arxiv\.org/(?:abs|pdf|html|format)/|huggingface\.co/papers/|^/papers/|alphaxiv\.org/abs/)"
    rf"(?P<id>{_NEW_ID}|{_OLD_ID})(?:v\d+)?"
)
_ID_LABEL = re.compile(rf"(?i:\barxiv:\s?)(?P<id>{_NEW_ID}|{_OLD_ID})(?:v\d+)?")


def strip_url(url: str) -> str:
    """Drop punctuation glued to a URL's end, keeping balanced brackets (wiki-style URLs)."""
    while url:
        last = url[-1]
        if last in _TRAILING:
            url = url[:-1]
        elif last in _CLOSERS and url.count(last) > url.count(_CLOSERS[last]):
            url = url[:-1]
        else:
            break
    return url


def _normal(url: str) -> str | None:
    url = strip_url(url)
    if url[:4].lower() == "www.":
        url = "https://" + url
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0]
    if "." not in host or host.startswith(".") or host.endswith("."):
        return None
    return url


_MAX_STARTS = 64


def _starts(text: str) -> list[int] | None:
    """Every offset where `_URL` could match: 4 or 5 before a "://", 2 before a "w." or "W."
    (in ASCII text: at a "www." in any case).

    Found with `str.find` (C speed) so the regex runs only there, not at each of an abstract's
    2,000 characters: scanning whole abstracts was 10% of an import. None when there are so
    many that one regex scan is cheaper (hostile text like "w.w.w.…").
    """
    i = text.find("://")
    if text.isascii():  # offsets in `text.lower()` are offsets in `text`
        # One copy and one 4-character search beat two 2-character searches ("w." ends many
        # words: "show.", "new."), which were a third of `find_urls` on 1,600-character abstracts.
        low = text.lower()
        no_www = low.find("www.") < 0
        needles: tuple[tuple[str, str, tuple[int, ...]], ...] = ((text, "://", (4, 5)), (low, "www.", (0,)))
    else:
        no_www = text.find("w.") < 0 and text.find("W.") < 0
        needles = ((text, "://", (4, 5)), (text, "w.", (2,)), (text, "W.", (2,)))
    if no_www:  # the usual abstract: no URL, or one "http"
        if i < 0:
            return []
        if text.find("://", i + 1) < 0:
            return [i - 5, i - 4] if i >= 5 else [i - 4] if i >= 4 else []
    found: set[int] = set()
    for hay, needle, back in needles:
        j = hay.find(needle)
        while j >= 0:
            if len(found) > _MAX_STARTS:
                return None
            found.update(j - b for b in back if j >= b)
            j = hay.find(needle, j + 1)
    return sorted(found)


def _matches(text: str, starts: list[int] | None) -> Iterator[re.Match[str]]:
    """`_URL.finditer(text)`, trying the regex only at `starts`, `_starts(text)`."""
    if starts is None:
        yield from _URL.finditer(text)
        return
    pos = 0  # like `finditer`: the leftmost match at or after the end of the previous one
    for start in starts:
        if start < pos:
            continue
        m = _URL.match(text, start)
        if m is not None:
            pos = m.end()
            yield m


def find_urls(text: str) -> list[str]:
    """URLs in free text, in order of appearance, without duplicates or trailing punctuation."""
    starts = _starts(text)
    if not starts and starts is not None:
        return []  # most abstracts: no "://" and no "www."
    found: dict[str, None] = {}
    for m in _matches(text, starts):
        start = m.start()
        if start:
            before = text[start - 1]
            if before.isalnum() or before == "_" or (before in "@./-" and m.group(0)[:1] in "wW"):
                continue
        url = _normal(m.group(0))
        if url:
            found.setdefault(url)
    return list(found)


def merge_links(*groups: Iterable[str]) -> tuple[str, ...]:
    """Concatenate link lists keeping first-seen order."""
    seen: dict[str, None] = {}
    for group in groups:
        for url in group:
            seen.setdefault(url)
    return tuple(seen)


def arxiv_id_from_url(url: str) -> str | None:
    """`https://arxiv.org/abs/2401.12345v2`, `huggingface.co/papers/2401.12345`, `/papers/…` -> ID."""
    m = _ID_IN_URL.search(url)
    if m is None and "%2" in url:  # `login?next=%2Fpapers%2F2401.12345`: the page behind a login link
        m = _ID_IN_URL.search(unquote(url).replace("next=/papers/", "huggingface.co/papers/"))
    return m["id"] if m else None


def arxiv_id_from_label(text: str) -> str | None:
    """`arXiv:2401.12345v3` inside a line -> `2401.12345`."""
    m = _ID_LABEL.search(text)
    return m["id"] if m else None


def strip_version(arxiv_id: str) -> str:
    return re.sub(r"v\d+$", "", arxiv_id)


def is_paper_url(url: str) -> bool:
    """A link to one paper's page (HF papers, arXiv abs/pdf), as opposed to a code or project link."""
    return arxiv_id_from_url(url) is not None
