"""The words users type, defined once: statuses, citation formats, link targets, sort orders.

Plain tuples with no imports, so the command line can offer them as choices without loading the
core (`readq mark` must start fast). `readq.model.Status`, `readq.cite` and `readq.selection` use
these; a test checks they agree.
"""

from __future__ import annotations

STATUS_WORDS: tuple[str, ...] = ("new", "to-read", "read", "skipped")
CITE_FORMATS: tuple[str, ...] = ("bibtex", "markdown", "text")
LINK_TARGETS: tuple[str, ...] = ("hf", "arxiv", "pdf")  # what `y` and `readq link` copy
CITE_FORMAT_LABELS: dict[str, str] = {"bibtex": "BibTeX", "markdown": "Markdown link", "text": "Plain text"}
# Orders a selection can ask for. "newest" is the catalogue order; "relevance" is the search's
# order with a query and newest first without one; "for-you" is ranked by the reader's own model.
SORTS: tuple[str, ...] = ("newest", "relevance", "date", "upvotes", "title", "seen", "for-you")
