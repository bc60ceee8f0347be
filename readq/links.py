"""Links for a paper: the one to copy (`best_link`) and the labelled list for the detail pane.

Digests rarely carry an arXiv ID, so the fallback is a Hugging Face papers *search* for the exact
title: it always resolves to a working page, unlike a guessed paper URL.
"""

from __future__ import annotations

import re
from urllib.parse import quote, quote_plus, urlsplit

from readq.digest.links import find_urls, strip_url
from readq import vocab
from readq.model import Paper
from readq.textclean import is_web_url

__all__ = [
    "HF_PAPERS", "LINK_TARGETS", "arxiv_doi", "arxiv_url", "best_link", "classify", "paper_link", "paper_links", "pdf_url",
    "strip_url", "urls_in",
]

HF_PAPERS = "https://huggingface.co/papers"
# What `y` and `readq link` give once the arXiv ID is known (setting `link` in config.toml).
LINK_TARGETS = vocab.LINK_TARGETS

_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitee.com")
_DATASET_HOSTS = ("zenodo.org", "kaggle.com", "figshare.com", "dataverse.harvard.edu")


def clean_arxiv_id(arxiv_id: str | None) -> str | None:
    """`arXiv:2411.13503` and ` 2411.13503 ` both mean `2411.13503`; empty means unknown."""
    if not arxiv_id:
        return None
    text = arxiv_id.strip()
    if text.lower().startswith("arxiv:"):
        text = text[6:].strip()
    return text or None


def arxiv_url(paper: Paper) -> str | None:
    """`https://arxiv.org/abs/<id>` when the arXiv ID is known."""
    arxiv_id = clean_arxiv_id(paper.arxiv_id)
    return f"https://arxiv.org/abs/{quote(arxiv_id, safe='/.')}" if arxiv_id else None


def arxiv_doi(paper: Paper) -> str | None:
    """arXiv's DataCite DOI for the paper (`10.48550/arXiv.2401.00001`, no version), when known."""
    arxiv_id = clean_arxiv_id(paper.arxiv_id)
    return f"10.48550/arXiv.{re.sub(r'v[0-9]+$', '', arxiv_id)}" if arxiv_id else None


def pdf_url(paper: Paper) -> str | None:
    """`https://arxiv.org/pdf/<id>` when the arXiv ID is known."""
    arxiv_id = clean_arxiv_id(paper.arxiv_id)
    return f"https://arxiv.org/pdf/{quote(arxiv_id, safe='/.')}" if arxiv_id else None


def paper_link(paper: Paper, target: str = "hf") -> str:
    """The link to copy: the arXiv abstract page, the PDF or the HF page (`target`), once the
    arXiv ID is known; before that always `best_link` (an HF search for the exact title)."""
    if target == "arxiv":
        return arxiv_url(paper) or best_link(paper)
    if target == "pdf":
        return pdf_url(paper) or best_link(paper)
    return best_link(paper)


def best_link(paper: Paper) -> str:
    """The Hugging Face paper page, or a search for the exact title (never a broken URL)."""
    arxiv_id = clean_arxiv_id(paper.arxiv_id)
    if arxiv_id:
        return f"{HF_PAPERS}/{quote(arxiv_id, safe='/.')}"
    title = " ".join(paper.title.split())
    return f"{HF_PAPERS}?q={quote_plus(title)}" if title else HF_PAPERS


def urls_in(text: str) -> list[str]:
    """URLs mentioned in free text, in order, without duplicates or trailing punctuation.

    The same finder the digest parser uses, so the detail pane and `links` never disagree.
    """
    return find_urls(text)


def classify(url: str) -> str:
    """Label a link found in a paper's text: Code, Dataset or Project (the catch-all)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.lower()
    if host == "huggingface.co" and path.startswith("/datasets/"):
        return "Dataset"
    if any(host == h or host.endswith("." + h) for h in _DATASET_HOSTS):
        return "Dataset"
    if host.endswith(".github.io") or host.endswith(".gitlab.io"):
        return "Project"
    if host == "raw.githubusercontent.com" or any(
        host == h or host.endswith("." + h) for h in _CODE_HOSTS
    ):
        return "Code"
    return "Project"


def paper_links(paper: Paper) -> list[tuple[str, str]]:
    """Labelled links for the detail pane: Paper (HF page), arXiv, PDF, then Code/Dataset/Project."""
    links: list[tuple[str, str]] = [("Paper", best_link(paper))]
    arxiv = arxiv_url(paper)
    if arxiv:
        links.append(("arXiv", arxiv))
        links.append(("PDF", pdf_url(paper) or arxiv))
    seen = {url for _, url in links}
    for url in [*paper.links, *urls_in(paper.abstract)]:
        url = strip_url(url)
        if url and url not in seen and is_web_url(url):  # never a javascript: or file: link
            seen.add(url)
            links.append((classify(url), url))
    return links
