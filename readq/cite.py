"""Citations for one paper (what `c` copies and `readq cite` prints) and BibTeX for many.

BibTeX decisions:
- Always `@misc`: digests never name a venue, and `@misc` with `eprint`/`archivePrefix` is what
  arXiv itself exports for preprints.
- Values keep UTF-8 (é, 中文, —): biber and modern LaTeX read it natively, bibtexparser parses it,
  and transliterating would lose information. Only keys are folded to ASCII, since BibTeX keys must
  be ASCII for classic `bibtex`.
- The ten LaTeX specials are escaped with `latex_escape`. Braces become `\\textbraceleft{}` /
  `\\textbraceright{}` rather than `\\{` because BibTeX counts escaped braces too, so one unbalanced
  brace in a title would break the whole file. `latex_unescape` is the exact inverse.
- Titles sit in double braces so styles keep their capitals (VBench++, LLaMB).
- `year` comes only from the paper date, never from the digest date, so it is never invented.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from readq.links import arxiv_url, best_link, clean_arxiv_id
from readq.model import Paper
from readq.textclean import clean_paper
from readq.vocab import CITE_FORMAT_LABELS, CITE_FORMATS

FORMATS = CITE_FORMATS
FORMAT_LABELS = CITE_FORMAT_LABELS
_ALIASES = {"bib": "bibtex", "md": "markdown", "txt": "text", "plain": "text"}

DIGEST_NAME = "Hugging Face Daily Papers"

_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_UNLATEX = {v: k for k, v in _LATEX.items()}
_UNLATEX_RE = re.compile("|".join(re.escape(v) for v in sorted(_UNLATEX, key=len, reverse=True)))
_MD_SPECIAL = re.compile(r"([\\\[\]*_`<$~^])")

# Words that make poor keys ("towards2024"); the first other word names the paper better.
_STOPWORDS = frozenset(
    {"a", "an", "the", "on", "of", "for", "in", "to", "and", "with", "from", "via", "towards"}
    | {
        "toward",
        "is",
        "are",
        "do",
        "does",
        "can",
        "how",
        "what",
        "why",
        "when",
        "we",
        "your",
        "our",
    }
)


def latex_escape(text: str) -> str:
    """Escape LaTeX specials and fold whitespace runs (a .bib value is one logical line)."""
    return "".join(_LATEX.get(ch, ch) for ch in " ".join(text.split()))


def latex_unescape(text: str) -> str:
    """Exact inverse of `latex_escape` (up to whitespace folding); used to check round trips."""
    return _UNLATEX_RE.sub(lambda m: _UNLATEX[m.group(0)], text)


def markdown_escape(text: str) -> str:
    """Backslash-escape what would end a link text or start emphasis, code, math, ^sup^."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def normalize_format(fmt: str) -> str:
    """Accept `bibtex|markdown|text` plus `bib`, `md`, `txt`; otherwise say what is allowed."""
    key = fmt.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in FORMATS:
        raise ValueError(f"unknown citation format {fmt!r} (choose from {', '.join(FORMATS)})")
    return key


# ---------------------------------------------------------------- keys


def _ascii_word(token: str) -> str:
    """Lowercase ASCII letters and digits of `token`, accents folded (é -> e, ü -> u)."""
    folded = unicodedata.normalize("NFKD", token).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def _title_word(title: str) -> str:
    """First significant title word: not a stopword, not a bare number."""
    words = [_ascii_word(token) for token in title.split()]
    words = [w for w in words if re.search("[a-z]", w)]
    for word in words:
        if word not in _STOPWORDS:
            return word[:24]
    return words[0][:24] if words else ""


def _surname(name: str) -> str:
    """`Huang, Ziqi` and `Ziqi Huang` both give `huang`."""
    name = name.strip()
    part = name.split(",", 1)[0] if "," in name else (name.split() or [""])[-1]
    return _ascii_word(part)


def year_of(paper: Paper) -> str | None:
    """Year of the paper date; the digest date is not the paper's year, so it is not used."""
    published = paper.published or ""
    return published[:4] if re.match(r"\d{4}", published) else None


def _suffix(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa: enough letters for any number of collisions."""
    letters = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return letters


def bibtex_key(paper: Paper, taken: set[str] | None = None) -> str:
    """A readable key (`huang2024vbench`, or `videollamb2024` without authors).

    With `taken`, the key is made unique against it by appending a, b, c… and recorded in `taken`,
    so calling this in paper order gives deterministic, collision-free keys.
    """
    year = year_of(paper) or ""
    word = _title_word(paper.title)
    surname = _surname(paper.authors[0]) if paper.authors else ""
    base = f"{surname}{year}{word}" if surname else f"{word}{year}"
    if not word and not surname:
        base = f"paper{year}"
    if taken is None:
        return base
    key, n = base, 0
    while key in taken:
        key = base + _suffix(n)
        n += 1
    taken.add(key)
    return key


# ---------------------------------------------------------------- formats


def _bib_name(name: str) -> str:
    name = latex_escape(name)
    # " and " inside one name (an institution) would split it: protect it with braces.
    return f"{{{name}}}" if " and " in name.lower() else name


def primary_class(paper: Paper) -> str | None:
    """The arXiv category `readq resolve` recorded (`cs.CV`), when it came from arXiv."""
    resolved = getattr(paper, "resolved", None) or {}
    value = resolved.get("primary_class") if isinstance(resolved, dict) else None
    return value if isinstance(value, str) and value.strip() else None


def digest_note(paper: Paper) -> str | None:
    """Where the paper was first seen: the best provenance when no arXiv ID is known."""
    if not paper.sources:
        return None
    source = paper.sources[0]
    note = f"Seen in {DIGEST_NAME} digest {source.file}"
    return f"{note}, {source.digest_date}" if source.digest_date else note


def status_keywords(paper: Paper) -> list[str]:
    """`readq:to-read`, `readq:starred`: triage state as tags reference managers import."""
    return [f"readq:{paper.status.value}"] + (["readq:starred"] if paper.starred else [])


def export_keywords(paper: Paper) -> list[str]:
    """The user's tags, then the triage state keywords: what exports put in keywords/KW."""
    return [*paper.tags, *status_keywords(paper)]


def bibtex_entry(paper: Paper, key: str | None = None, *, full: bool = False) -> str:
    """One `@misc` entry; `full` adds keywords (tags, status, star), the abstract and the note (`annote`)."""
    fields: list[tuple[str, str]] = [("title", f"{{{latex_escape(paper.title)}}}")]
    if paper.authors:
        fields.append(("author", " and ".join(_bib_name(a) for a in paper.authors)))
    year = year_of(paper)
    if year:
        fields.append(("year", year))
    arxiv_id = clean_arxiv_id(paper.arxiv_id)
    if arxiv_id:
        fields += [("eprint", latex_escape(arxiv_id)), ("archivePrefix", "arXiv")]
        primary = primary_class(paper)
        if primary:
            fields.append(("primaryClass", latex_escape(primary)))
    # url is verbatim in biblatex/hyperref: no LaTeX escaping, but no raw braces or backslashes.
    # With an arXiv ID it is the abstract page, as arXiv's own BibTeX export gives it.
    url = (arxiv_url(paper) or best_link(paper)).replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")
    fields.append(("url", url))
    note = digest_note(paper)
    if note and not arxiv_id:
        fields.append(("note", latex_escape(note)))
    if full:
        fields.append(("keywords", ", ".join(latex_escape(k) for k in export_keywords(paper))))
        if paper.abstract.strip():
            fields.append(("abstract", latex_escape(paper.abstract)))
        if paper.note:
            fields.append(("annote", latex_escape(paper.note)))
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
    return f"@misc{{{key or bibtex_key(paper)},\n{body}}}"


def bibtex_entries(papers: Iterable[Paper], *, full: bool = True) -> str:
    """All papers as one .bib text, keys unique across the list (suffixes in list order)."""
    taken: set[str] = set()
    entries = [bibtex_entry(p, bibtex_key(p, taken), full=full) for p in papers]
    return "\n\n".join(entries) + "\n" if entries else ""


def display_name(name: str) -> str:
    """`Huang, Ziqi` reads as `Ziqi Huang` in running text; other names are kept as given."""
    name = " ".join(name.split())
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        if family and given:
            return f"{given} {family}"
    return name


def author_phrase(paper: Paper) -> str | None:
    """`Huang`, `Huang and Zhang`, `A, B, and C`, `Huang et al.`, else `8 authors`."""
    names = [display_name(a) for a in paper.authors if a.strip()]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    if len(names) == 3:
        return f"{names[0]}, {names[1]}, and {names[2]}"
    if names:
        return f"{names[0]} et al."
    count = paper.authors_count
    if count:
        return "1 author" if count == 1 else f"{count} authors"
    return None


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!")) else text + "."


def text_citation(paper: Paper) -> str:
    """`Authors (Year). Title. arXiv:ID. URL`, leaving out what is unknown: the plain fallback
    when no CSL style can be used (`readq.csl`)."""
    authors, year = author_phrase(paper), year_of(paper)
    parts: list[str] = []
    if authors:
        parts.append(_sentence(f"{authors} ({year})" if year else authors))
        parts.append(_sentence(paper.title))
    else:
        parts.append(_sentence(paper.title))
        if year:
            parts.append(f"({year}).")
    arxiv_id = clean_arxiv_id(paper.arxiv_id)
    if arxiv_id:
        parts.append(f"arXiv:{arxiv_id}.")
    parts.append(best_link(paper))
    return " ".join(parts)


def cite(paper: Paper, fmt: str = "bibtex", style: str | None = None) -> str:
    """The citation `c` copies: bibtex (no trailing newline), markdown, or text in a CSL style.

    `text` is formatted by a CSL processor in `style` (APA by default; see `readq.csl`) once the
    authors are known; before that (a digest gives at most a count) styles would move the title
    into the author's place, so `text_citation` writes it. An unknown style raises
    `readq.csl.UnknownStyle` (a ValueError).
    """
    fmt = normalize_format(fmt)
    paper = clean_paper(paper)  # a record stored before ingest cleaned text
    if fmt == "text":
        from readq.csl import DEFAULT_STYLE, style_path, formatted_citation

        if not paper.authors:
            style_path(style or DEFAULT_STYLE)  # a wrong style name is still an error
            return text_citation(paper)
        return formatted_citation(paper, style or DEFAULT_STYLE)
    if fmt == "bibtex":
        return bibtex_entry(paper)
    if fmt == "markdown":
        link = f"[{markdown_escape(paper.title)}]({best_link(paper)})"
        if not paper.authors:
            return link
        authors, year = markdown_escape(author_phrase(paper) or ""), year_of(paper)
        lead = f"{authors} ({year})" if year else authors
        arxiv_id = clean_arxiv_id(paper.arxiv_id)
        tail = f" arXiv:{markdown_escape(arxiv_id)}." if arxiv_id else ""
        return f"{_sentence(lead)} {link}.{tail}"
    raise AssertionError(fmt)  # pragma: no cover - normalize_format allows nothing else
