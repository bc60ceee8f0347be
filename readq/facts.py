"""A paper's facts as a reader sees them: labelled values, built once for `readq show` and the app.

Each fact is (label, text); facts without a value are left out. The author line falls back to
"N authors" when a digest gave only a count.
"""

from __future__ import annotations

from readq.model import Paper


def authors_line(paper: Paper) -> str | None:
    """The authors' names, else "N authors", else None."""
    if paper.authors:
        return ", ".join(paper.authors)
    return f"{paper.authors_count} authors" if paper.authors_count else None


def paper_facts(paper: Paper) -> list[tuple[str, str]]:
    """Date, authors, org, upvotes, arXiv ID, tags and ID, in that order, those that have a value."""
    facts = [
        ("Date", paper.date),
        ("Authors", authors_line(paper)),
        ("Org", paper.org),
        ("Upvotes", str(paper.upvotes) if paper.upvotes is not None else None),
        ("arXiv", paper.arxiv_id),
        ("Tags", ", ".join(paper.tags) or None),
        ("ID", paper.id),
    ]
    return [(label, value) for label, value in facts if value]


def seen_line(paper: Paper) -> str:
    """Where the paper was seen: digest dates (or file names), oldest first."""
    return ", ".join(s.digest_date or s.file for s in paper.sources)
