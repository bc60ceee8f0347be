"""Line structure of captured Markdown, repaired before the lines are classified.

Clippers break Markdown's own structure: a link's text wrapped over several lines (blank lines
included), a title split over two `###` lines or hard-wrapped onto an indented line, every link
written as its label with the URL on a line of its own (NotebookLM). These functions turn such
lines back into one logical line each; YAML front matter is skipped and gives the digest date.
"""

from __future__ import annotations

import re

from readq.digest import dates
from readq.digest.context import Context

MAX_JOIN = 8
HEADING = re.compile(r"[ \t]{0,3}(?P<marks>#{1,6})[ \t]+(?P<text>.*?)(?:[ \t]+#+)?[ \t]*")
_HEADING = HEADING
_LONE_URL = re.compile(r"[ \t]*<?https?://[^\s<>]{1,2000}>?[ \t]*")
MAX_LABEL = 300
MIN_DETACHED = 5


def join_wrapped(lines: list[str]) -> list[tuple[int, str]]:
    """Logical lines: a line whose link bracket is still open continues on the next lines."""
    out: list[tuple[int, str]] = []
    i = 0
    n = len(lines)
    while i < n:
        s = lines[i].strip()
        j = i + 1
        if "[" in s and len(s) < 2000 and _open_brackets(s) > 0:
            # A short opening (`[`, `[Upvote`, `[![`) may be followed by blank lines inside the link.
            bare_open = s in ("[", "[!") or s.startswith("[![") or (s.startswith("[") and len(s) <= 24)
            parts = [s]
            k = i + 1
            while k < n and k - i <= MAX_JOIN:
                nxt = lines[k].strip()
                if not nxt and not bare_open:
                    break
                if len(nxt) > 2000:
                    break
                if nxt.startswith("#"):  # `### [Long title` / `### rest][12]`: one title, two headings
                    h, hn = _HEADING.fullmatch(s), _HEADING.fullmatch(nxt)
                    if not (h and hn and h["marks"] == hn["marks"]):
                        break
                    nxt = hn["text"]
                if nxt:
                    parts.append(nxt)
                k += 1
                if _open_brackets(_join(parts)) <= 0:
                    break
            joined = _join(parts)
            if _open_brackets(joined) == 0 and "](" in joined[len(s) - 1 :] or _open_brackets(joined) == 0 and "][" in joined:
                s, j = joined, k
        elif s.startswith("#") and j < n and _continues_heading(s, lines[j], lines[j + 1] if j + 1 < n else ""):
            s, j = s + " " + lines[j].strip(), j + 1
        elif s.startswith("#") and len(s) >= 60 and j + 2 < n and _HEADING.fullmatch(s):
            run = _wrapped_run(lines, j)  # a heading a converter wrapped over several lines
            if run:
                s, j = " ".join([s, *(ln.strip() for ln in lines[j:j + run])]), j + run
        while "](" in s and j < n and _open_target(s) and lines[j].strip() and len(s) < 2000:
            s, j = s + lines[j].strip(), j + 1  # a link or image target broken by a converter's wrap
        out.append((i + 1, s))
        i = j
    return out


def _join(parts: list[str]) -> str:
    """Wrapped pieces of one logical line: joined by a space, except inside a link target a
    converter broke (html2text wraps `(https://cdn-` / `avatars.huggingface.co/...)` at hyphens)."""
    out = parts[0]
    for part in parts[1:]:
        at = out.rfind("](")
        inside_url = at >= 0 and ")" not in out[at + 2:] and " " not in out[at + 2:]
        out += ("" if inside_url else " ") + part
    return out


def _wrapped_run(lines: list[str], j: int, most: int = 3) -> int:
    """How many short unindented lines from `j` on continue a wrapped heading: a run of at most
    `most` plain lines (no markup at their start) that a blank line ends; 0 when there is none."""
    k = j
    while k < len(lines) and k - j < most and lines[k].strip():
        line = lines[k]
        if line[:1] in " \t" or len(line) >= 80 or line.lstrip()[:1] in "-*+#>[!|<`":
            return 0
        k += 1
    return k - j if k > j and (k == len(lines) or not lines[k].strip()) else 0


def _open_target(s: str) -> bool:
    """The line ends inside a link target: `](https://cdn-` with no `)` or space after it."""
    at = s.rfind("](")
    return ")" not in s[at + 2:] and " " not in s[at + 2:]


def _continues_heading(heading: str, nxt: str, after: str = "") -> bool:
    """`### A long title wrapped\n  onto an indented line` (a clipper's hard wrap), or onto a short
    unindented line that ends the block (html2text wraps headings at 78 columns): one heading."""
    body = nxt.lstrip(" ")
    indent = len(nxt) - len(body)
    if indent == 0 and len(heading) >= 60 and not after.strip():
        indent = 1  # wrapped at the converter's width, the rest alone before a blank line
    return (
        1 <= indent <= 4 and 0 < len(body) < 200 and body[0] not in "-*+#>[!|<`"
        and not body[0].isdecimal() and heading[-1] not in ".:!?" and _HEADING.fullmatch(heading) is not None
    )


def _open_brackets(s: str) -> int:
    depth = 0
    escaped = False
    for ch in s:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
    return depth


def front_matter(lines: list[str], ctx: Context) -> int:
    """Skip YAML front matter (Obsidian); its date/created/clipped key is the digest date."""
    if not lines or lines[0].strip() != "---":
        return 0
    for k in range(1, min(len(lines), 80)):
        s = lines[k].strip()
        if s in ("---", "..."):
            for j in range(1, k):
                key, _, value = lines[j].partition(":")
                if key.strip().lower() in ("date", "created", "clipped", "published", "saved", "exported", "captured"):
                    v = value.strip().strip("\"'")
                    ctx.set_digest_date(dates.parse_date(v[:10], ctx.today) or dates.find_full_date(v))
            return k + 1
    return 0


def detached_pairs(lines: list[str], limit: int = 200_000) -> int:
    """How many `label` lines are followed (after at most one blank line) by a lone URL line."""
    count = 0
    prev = ""
    blank = 0
    for raw in lines[:limit]:
        s = raw.strip()
        if not s:
            blank += 1
            continue
        if prev and blank <= 1 and _LONE_URL.fullmatch(s) and not _LONE_URL.fullmatch(prev) and "](" not in prev:
            count += 1
        prev, blank = s, 0
    return count


def attach_detached_links(lines: list[str]) -> list[str]:
    """`Label` / (blank) / `https://url` -> `[Label](https://url)` and a blank line, when the
    document writes its links that way (NotebookLM exports), else `lines` unchanged.

    A paper's page URL follows both its title and its abstract: only the first label gets it,
    so the abstract stays prose. Labels longer than `MAX_LABEL` (paragraphs) are never links.
    Line numbers are kept (the URL line becomes blank).
    """
    if detached_pairs(lines) < MIN_DETACHED:
        return lines
    out = list(lines)
    used: set[str] = set()
    prev = -1
    for i, raw in enumerate(lines):
        s = raw.strip()
        if not s:
            continue
        if prev >= 0 and i - prev <= 2 and _LONE_URL.fullmatch(s):
            label = out[prev].strip()
            url = s.strip("<>")
            if (
                label and len(label) <= MAX_LABEL and url not in used and not _LONE_URL.fullmatch(label)
                and "](" not in label and not label.startswith(("[", "#", "!"))
            ):
                out[prev] = "[" + label.replace("[", "\\[").replace("]", "\\]") + "](" + url + ")"
                out[i] = ""
                used.add(url)
                prev = -1
                continue
        prev = i
    return out


_CLOSE = re.compile(r"\]\((?:<[^<>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\)")


def drop_dangling_close(line: str) -> str:
    """A line that closes a link opened lines above (`· 45 authors](/papers/2604.14125)`, as
    markdownify writes a link around a list and a blank line) without the `](target)` tail:
    what is left is the text of the line."""
    i = line.find("](")
    if i < 0 or "[" in line[:i]:
        return line
    m = _CLOSE.match(line, i)
    return line[:i] + line[m.end():] if m else line
