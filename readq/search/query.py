"""Query syntax: fzf-style terms plus `field:value` predicates. Parsing never raises.

Grammar (whitespace separates terms; all terms must match, i.e. AND):
* `word`      plain term: substring of title or abstract, or a fuzzy match of a title word;
              punctuation at its edges is ignored (`text-` while typing `text-to-video`)
* `'word`     exact substring only (no fuzzy); `"two words"` is one exact phrase term
* `^word`     title starts with; `word$` title ends with; `^title$` title equals
* `!term`     negation of any exact form or predicate (`!video`, `!'x`, `!^pre`, `!is:read`)
* `a | b`     OR between adjacent terms (`video | audio survey` = (video OR audio) AND survey)
* smart case: a term with an uppercase letter is case-sensitive, otherwise case-insensitive
* predicates: `is:starred|unstarred|new|to-read|read|skipped|unread`, `status:S`, `org:substr`,
  `year:2025`, `year:>=2025`, `year:2019..2021`, `upvotes:>10`, `authors:>5`, `seen:>1`,
  `digest:substr`, `arxiv:2401.1234`, `tag:NAME` (exact tag), `note:substr` (the user's note),
  `has:links|arxiv|org|abstract|tags|note`.
  Unknown fields and unparsable values are plain terms; a known field with no value yet (`year:`)
  is ignored, so typing a predicate character by character never empties the list.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from readq.model import Status


class Kind(enum.Enum):
    FUZZY = "fuzzy"  # plain term
    EXACT = "exact"
    PREFIX = "prefix"
    SUFFIX = "suffix"
    EQUAL = "equal"
    FIELD = "field"


@dataclass(frozen=True, slots=True)
class Term:
    """One query term. `text` is as typed (minus operators); `key` is what the index matches."""

    kind: Kind
    text: str
    negate: bool = False
    case_sensitive: bool = False
    field: str | None = None  # for Kind.FIELD
    op: str | None = None  # "=", ">", ">=", "<", "<=", ".." for numeric fields
    value: str | int | tuple[int, int] | None = None

    @property
    def key(self) -> str:
        return self.text if self.case_sensitive else self.text.lower()

    @property
    def is_text(self) -> bool:
        return self.kind is not Kind.FIELD


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: AND of groups, each group an OR of terms."""

    text: str
    groups: tuple[tuple[Term, ...], ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def positive_terms(self) -> tuple[Term, ...]:
        """Text terms that can be highlighted (not negated, not predicates)."""
        return tuple(t for g in self.groups for t in g if t.is_text and not t.negate)

    @property
    def has_ranking_terms(self) -> bool:
        return bool(self.positive_terms)


_NUMERIC = {"year", "upvotes", "authors", "seen"}
_STRING = {"org", "digest", "arxiv", "tag", "note"}
_IS_VALUES = {"starred", "unstarred", "unread", *(s.value for s in Status)}
_HAS_VALUES = {"links", "link", "arxiv", "org", "abstract", "upvotes", "authors", "tags", "note"}
_FIELD_RE = re.compile(r"^([A-Za-z]+):(.*)$", re.S)
_NUM_RE = re.compile(r"^(>=|<=|>|<|=)?(-?\d+)$")
_RANGE_RE = re.compile(r"^(\d+)\.\.(\d+)$")


def _tokens(text: str) -> list[str]:
    """Split on whitespace, keeping `"quoted phrases"` and backslash-escaped spaces together."""
    out: list[str] = []
    buf: list[str] = []
    quote = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1].isspace() and not quote:
            buf.append(text[i + 1])
            i += 2
            continue
        if ch == '"':
            quote = not quote
            buf.append(ch)
        elif ch.isspace() and not quote:
            if buf:
                out.append("".join(buf))
                buf = []
        else:
            buf.append(ch)
        i += 1
    if buf:
        out.append("".join(buf))
    return out


def _smart(text: str) -> bool:
    return any(c.isupper() for c in text)


def _predicate(name: str, raw: str, negate: bool, token: str) -> Term | None:
    """A FIELD term, None to ignore (no value yet), or a plain term when the value is unusable."""
    name = name.lower()
    value = raw.strip().lower()
    if not value:
        return None
    plain = Term(Kind.FUZZY, token, negate=negate, case_sensitive=_smart(token))
    if name in ("is", "status"):
        if value in ("star", "starred", "fav"):
            value = "starred"
        elif value not in _IS_VALUES:
            try:
                value = Status.parse(value).value
            except ValueError:
                return plain
        if name == "status" and value in ("starred", "unstarred"):
            return plain
        return Term(Kind.FIELD, token, negate=negate, field="is", op="=", value=value)
    if name in _NUMERIC:
        m = _NUM_RE.match(value)
        if m:
            return Term(Kind.FIELD, token, negate=negate, field=name, op=m.group(1) or "=",
                        value=int(m.group(2)))
        r = _RANGE_RE.match(value)
        if r:
            lo, hi = sorted((int(r.group(1)), int(r.group(2))))
            return Term(Kind.FIELD, token, negate=negate, field=name, op="..", value=(lo, hi))
        if value in (">", "<", ">=", "<=", "="):  # still typing the number
            return None
        return plain
    if name in _STRING:
        return Term(Kind.FIELD, token, negate=negate, field=name, op="=", value=value)
    if name == "has":
        if value not in _HAS_VALUES:
            return plain
        return Term(Kind.FIELD, token, negate=negate, field="has", op="=",
                    value="links" if value == "link" else value)
    return plain


def _term(token: str) -> Term | None:
    """One whitespace-free token (or quoted phrase) -> Term, or None when it carries no text."""
    negate = False
    body = token
    if body.startswith("!"):
        negate = True
        body = body[1:]
    if not body:
        return None
    m = _FIELD_RE.match(body)
    if m and m.group(1).lower() in (_NUMERIC | _STRING | {"is", "status", "has"}):
        return _predicate(m.group(1), m.group(2), negate, body)
    kind = Kind.FUZZY
    if body.startswith("'"):
        kind, body = Kind.EXACT, body[1:]
    if len(body) >= 2 and body.startswith('"') and body.endswith('"'):
        kind, body = Kind.EXACT, body[1:-1]
    elif body.startswith('"'):  # unterminated quote while typing
        kind, body = Kind.EXACT, body[1:]
    if kind is Kind.FUZZY:
        if body.startswith("^") and len(body) > 1 and body.endswith("$") and len(body) > 2:
            kind, body = Kind.EQUAL, body[1:-1]
        elif body.startswith("^"):
            kind, body = Kind.PREFIX, body[1:]
        elif body.endswith("$") and not body.endswith("\\$"):
            kind, body = Kind.SUFFIX, body[:-1]
    if not body.strip():
        return None
    if negate and kind is Kind.FUZZY:
        kind = Kind.EXACT  # fzf: negation is always an exact match
    return Term(kind, body, negate=negate, case_sensitive=_smart(body))


def parse_query(text: str) -> Query:
    """Parse a query string; never raises (malformed pieces become plain terms or are dropped)."""
    try:
        return _parse(text if isinstance(text, str) else str(text))
    except Exception:  # noqa: BLE001 - a search box must never crash the app
        words = tuple((Term(Kind.EXACT, w, case_sensitive=_smart(w)),) for w in str(text).split())
        return Query(text=str(text), groups=words)


def _parse(text: str) -> Query:
    groups: list[list[Term]] = []
    join_next = False
    for tok in _tokens(text):
        if tok == "|":
            join_next = bool(groups)
            continue
        term = _term(tok)
        if term is None:
            continue
        if join_next and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    return Query(text=text, groups=tuple(tuple(dict.fromkeys(g)) for g in groups))
