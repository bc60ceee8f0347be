"""Judging a line of text: is it shaped like a title, an abstract, or the cut-off end of one?

Only used to resolve anomalies (a title missing its abstract, an abstract split in two
paragraphs); the layouts themselves are parsed structurally. Real titles stay under ~250
characters and rarely end in a period; real abstracts are longer and end in a sentence.
"""

from __future__ import annotations

import re

from readq.digest.links import find_urls
from readq.textclean import clean

TITLE_MAX = 250
ABSTRACT_MIN = 250
_SENTENCE_END = re.compile(r"[.!?]['\")\]”’]*$")
_SENTENCE_BREAK = re.compile(r"[.!?] +[A-Z]")


def collapse(text: str) -> str:
    """Runs of whitespace (including NBSP and tabs) become one space; ends trimmed; control and
    bidi characters removed (`textclean.clean`).

    Most text is already collapsed, and splitting a 2 kB abstract into words only to join them
    again was 15% of an import; such text is returned as is (the same value).
    """
    if _no_odd_space(text) and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(clean(text).split())  # control and bidi characters never reach a field


_NOT_CONTROL = bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100))  # DEL counts as a control


def _no_odd_space(text: str) -> bool:
    """No whitespace but " " and no control or bidi character: every other whitespace character
    is unprintable (ASCII: a control), and so are they.

    For ASCII, deleting every non-control byte is 3x faster than `str.isprintable`.
    """
    if text.isascii():
        return not text.encode("ascii").translate(None, _NOT_CONTROL)
    return text.isprintable()


def title_like(text: str) -> bool:
    return 0 < len(text) <= TITLE_MAX and not _SENTENCE_END.search(text[-4:])


def strongly_abstract_like(text: str) -> bool:
    """Long prose made of sentences: never a title."""
    return len(text) >= ABSTRACT_MIN and _SENTENCE_BREAK.search(text) is not None


def plausible_abstract(text: str) -> bool:
    """Loose check used to tell papers from arbitrary prose in files without HF chrome."""
    return len(text) >= 80 and (_SENTENCE_BREAK.search(text) is not None or len(text) >= 200)


def looks_truncated(text: str) -> bool:
    """The last abstract of a file that stops mid-sentence (not at a period or a closing URL)."""
    text = text.rstrip()
    if not text:
        return False
    if _SENTENCE_END.search(text[-4:]) or text[-1] in ")]}\"'”’":
        return False
    last = text.rsplit(None, 1)[-1]
    return not find_urls(last)
