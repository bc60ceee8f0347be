"""Digest parsing: saved "Daily Papers" pages and similar listings -> `Entry` records.

Domain core (no UI imports). Public API:

* `decode(bytes) -> str` - BOM-aware decoding, newline normalisation, binary refusal.
* `parse_text(text, source=, today=) -> ParseResult` - never raises.
* `parse_bytes(data, source=, today=) -> ParseResult` - raises only `DigestError`.
* `iter_inputs(paths, stdin=) -> Iterator[InputFile]` - files, folders, "-"; never raises.

Layouts (`ParseResult.layout`): ``hf-plain``, ``hf-compact``, ``hf-daily``, ``hf-trending``, ``hf-cards``,
``markdown``, ``html``, ``arxiv-listing``, ``arxiv-email``; ``unknown``/``empty`` when nothing
was found.

Decisions (shared by every layout):

* Title and abstract whitespace is collapsed (`" ".join(text.split())`, so NBSP becomes a space);
  an abstract spread over several lines or paragraphs is joined with single spaces.
* `org` is the display name of HF's `<slug> <Display Name>` line ("AlibabaTongyiLab TongyiLab" ->
  "TongyiLab"); a one-word line is kept whole.
* `links` are URLs from the abstract (plus, in Markdown/arXiv, link targets and lone URL lines near
  the paper, and arXiv "Comments:"), trailing punctuation and LaTeX leftovers trimmed, `www.` given
  `https://`; a paper's own HF/arXiv page becomes `arxiv_id` (version dropped), not a link.
* A title without an abstract is kept (empty abstract) and warned about; a listing with no
  abstracts at all gets one warning instead of one per paper. A last abstract that stops
  mid-sentence is warned about as a likely truncated digest.
* `ParseWarning.file` is the source as passed (the path the user typed); `Source.file` is its
  base name. Line numbers are 1-based; 0 means the whole file.
"""

from __future__ import annotations

from readq.digest.decode import decode
from readq.digest.errors import DigestError, ParseResult, ParseWarning
from readq.digest.inputs import InputFile, iter_inputs
from readq.digest.parse import parse_bytes, parse_text

__all__ = [
    "DigestError",
    "InputFile",
    "ParseResult",
    "ParseWarning",
    "decode",
    "iter_inputs",
    "parse_bytes",
    "parse_text",
]
