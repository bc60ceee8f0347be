"""Pages dumped by text browsers (`lynx -dump`, `elinks -dump`, `links -dump`): numbered link
markers in the text and the link targets listed at the end.

A dump prints each link as "[12]text" and lists the targets under "References" (maybe
"Visible links:" / "Hidden links:") as "  12. https://...". Read as it is, the markers end up in
titles and the paper links (and their arXiv IDs) are lost. So the dump is rewritten as Markdown
first: each marker and the text after it, up to the next marker or the end of the line, become
a link `[text](url)` (an empty one, an image link, stays `[](url)`), and the References list
becomes blank lines, so line numbers still point into the file. The layout parsers then read the
Markdown as they read any page capture.
"""

from __future__ import annotations

import re

_REFERENCES = re.compile(r"^[ \t]*References[ \t]*$", re.MULTILINE)
_REF_LINE = re.compile(r"[ \t]*(\d{1,6})\.[ \t]+(\S+)[ \t]*")
_REF_HEADING = re.compile(r"[ \t]*(?:Visible|Hidden) links:?[ \t]*")
_MARKER = re.compile(r"\[(\d{1,6})\]")
MIN_LINKS = 3
_TAIL = 2_000_000  # the References list is at the end: only this much is searched for its heading


def _references(text: str) -> tuple[int, dict[int, str]] | None:
    """Where the References list starts and what it maps, when the text ends with one."""
    start = max(0, len(text) - _TAIL)
    found = None
    for m in _REFERENCES.finditer(text, start):
        found = m
    if found is None:
        return None
    refs: dict[int, str] = {}
    for line in text[found.end():].split("\n"):
        if not line.strip() or _REF_HEADING.fullmatch(line):
            continue
        m = _REF_LINE.fullmatch(line)
        if m is None:
            return None  # prose after the heading: a "References" section of a paper, not a dump
        refs[int(m[1])] = m[2]
    return (found.start(), refs) if len(refs) >= MIN_LINKS else None


def _link(text: str, url: str) -> str:
    label = text.strip().replace("[", "(").replace("]", ")")
    target = f"<{url}>" if any(ch in url for ch in " ()<>") else url
    return f"[{label}]({target})"


def _rewrite(line: str, refs: dict[int, str]) -> str:
    marks = [m for m in _MARKER.finditer(line) if int(m[1]) in refs]
    if not marks:
        return line
    out = [line[: marks[0].start()]]
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(line)
        text = line[m.end():end]
        stripped = text.rstrip()
        out.append(_link(stripped, refs[int(m[1])]) + text[len(stripped):])
    return "".join(out)


def to_markdown(text: str) -> str | None:
    """The dump rewritten as Markdown links, or None when `text` is not a text-browser dump (no
    trailing References list, or fewer than three of its numbers marked in the text)."""
    if "References" not in text[-_TAIL:]:
        return None
    found = _references(text)
    if found is None:
        return None
    at, refs = found
    body = text[:at]
    marked = {int(m[1]) for m in _MARKER.finditer(body)} & refs.keys()
    if len(marked) < MIN_LINKS:
        return None
    lines = [_rewrite(line, refs) if "[" in line else line for line in body.split("\n")]
    return "\n".join(lines) + "\n" * text[at:].count("\n")
