"""Page chrome that browsers copy along with the papers ("Subscribe", "Daily Papers", menus).

Matched as whole lines, case-insensitively, after whitespace is collapsed, so a paper title that
merely contains these words is never dropped.
"""

from __future__ import annotations

import re

FURNITURE: frozenset[str] = frozenset(
    s.casefold()
    for s in (
        "new",
        "Get trending papers in your email inbox!",
        "Get trending papers in your email inbox once a day!",
        "Get trending papers in your email inbox once a day",
        "Get trending papers in your email inbox",
        "Subscribe",
        "byAK and the research community",
        "by AK and the research community",
        "Daily Papers",
        "Trending Papers",
        "Trending",
        "Daily",
        "Weekly",
        "Monthly",
        "Papers",
        "Search papers",
        "Search papers...",
        "Search",
        "Previous",
        "Next",
        "Load more",
        "View all",
        "Upvote",
        "arXiv Page",
        "Sign Up",
        "Log In",
        "Submit",
        "Submit a paper",
        "Hugging Face",
        "Models",
        "Datasets",
        "Spaces",
        "Docs",
        "Pricing",
        "Enterprise",
        "Posts",
        "System theme",
        "Company",
        "Website",
        "TOS",
        "Privacy",
        "About",
        "Careers",
        "Brand assets",
        "Terms of service",
        "[Content truncated]",
        "Content truncated",
    )
)

SUBSCRIBE = "Subscribe"


_GLUED_WORD = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z][a-z]+|[a-z]+")


def is_furniture(line: str) -> bool:
    """A whole line of page chrome, also when a converter glued its link texts together
    ("TOSPrivacyAbout", "Log InSign Up")."""
    if len(line) > 80:
        return False
    folded = " ".join(line.split()).casefold()
    if folded in FURNITURE:
        return True
    first = _GLUED_WORD.match(line)
    if first is None or first.group().casefold() not in _FIRST_WORDS or len(line) < 8 or not line.isascii():
        return False  # (most lines: their first word starts no chrome entry)
    words = [w for token in line.split() for w in _GLUED_WORD.findall(token)]
    return len(words) >= 2 and "".join(words) == line.replace(" ", "") and _glued(words)


_FIRST_WORDS = frozenset(
    words[0].casefold() for entry in FURNITURE if (words := _GLUED_WORD.findall(entry.title()))
)


def _glued(words: list[str]) -> bool:
    """Whether consecutive pieces rebuild chrome entries ("Log" + "In" is "Log In")."""
    k = 0
    while k < len(words):
        for end in range(len(words), k, -1):
            if " ".join(words[k:end]).casefold() in FURNITURE:
                k = end
                break
        else:
            return False
    return True


def split_glued_subscribe(line: str) -> str | None:
    """`SubscribeDescribing Videos…` (button text glued to the first title) -> the title, else None.

    Only called right after HF chrome, where "Subscribe" is always the button: the rest is the
    title even when it starts in lower case ("SubscribeiVideoGPT: …").
    """
    stripped = line.strip()
    if len(stripped) <= len(SUBSCRIBE) or not stripped.startswith(SUBSCRIBE):
        return None
    rest = stripped[len(SUBSCRIBE):].strip()
    return rest or None
