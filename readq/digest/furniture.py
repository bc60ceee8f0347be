"""Page chrome that browsers copy along with the papers ("Subscribe", "Daily Papers", menus).

Matched as whole lines, case-insensitively, after whitespace is collapsed, so a paper title that
merely contains these words is never dropped.
"""

from __future__ import annotations

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


def is_furniture(line: str) -> bool:
    """A whole line of page chrome."""
    if len(line) > 80:
        return False
    return " ".join(line.split()).casefold() in FURNITURE


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
