"""Deciding whether a search hit is the paper: normalised titles must agree, and only one may.

Search engines put near misses first (Hugging Face's search is semantic), so the top hit is never
taken on trust. A hit is accepted only when its title equals the paper's after normalisation:
Unicode NFKC, TeX math (`$\\omega$Test` = `ωTest`), braces and commands, case, punctuation and
whitespace (line breaks included) folded, the same fold the library uses to merge digests, so
`+` counts and "VBench" never matches "VBench++". Two different arXiv IDs with that title are
"ambiguous": reported with their candidates, never applied.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from readq.dedup import title_key
from readq.identity.record import Found

__all__ = ["Outcome", "normalize_title", "pick"]

_TEX_COMMAND = re.compile(r"\\([A-Za-z]+)\s*")
_TEX_ESCAPED = re.compile(r"\\([&%$#_{}~^ ])")


def _tex_symbol(match: re.Match[str]) -> str:
    """`\\omega` -> ω, `\\Sigma` -> Σ (Unicode names the Greek letters); other commands vanish."""
    name = match.group(1)
    base = name[3:] if name.startswith("var") else name
    case = "CAPITAL" if base[:1].isupper() else "SMALL"
    try:
        return unicodedata.lookup(f"GREEK {case} LETTER {base.upper()}")
    except KeyError:
        return ""


def normalize_title(title: str) -> str:
    """The key two titles must share to be the same paper (see the module docstring)."""
    text = unicodedata.normalize("NFKC", title)
    if "\\" in text or "$" in text or "{" in text:
        text = _TEX_ESCAPED.sub(r"\1", text)
        text = _TEX_COMMAND.sub(_tex_symbol, text)
        text = text.replace("$", "").replace("{", "").replace("}", "")
    return title_key(text)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one lookup concluded for one paper."""

    kind: str  # "resolved", "ambiguous" or "not found"
    found: Found | None = None
    candidates: tuple[Found, ...] = field(default=())


NOT_FOUND = Outcome("not found")


def pick(title: str, hits: Iterable[Found]) -> Outcome:
    """The one hit whose title agrees with `title`; ambiguous if several IDs do; else not found."""
    key = normalize_title(title)
    if not key:
        return NOT_FOUND
    agreeing: dict[str, Found] = {}
    for hit in hits:
        if hit.arxiv_id not in agreeing and normalize_title(hit.title) == key:
            agreeing[hit.arxiv_id] = hit
    if len(agreeing) == 1:
        return Outcome("resolved", next(iter(agreeing.values())))
    if agreeing:
        return Outcome("ambiguous", candidates=tuple(agreeing.values()))
    return NOT_FOUND
