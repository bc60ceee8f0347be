"""What a journal operation may change, and how: the field vocabulary shared by every writer.

An operation is (paper id, field, value). Status and star set a value; tags change one tag at a
time ("tag+" / "tag-"), so two writers adding different tags to one paper both keep theirs; the
note and the identity fields (`IDENTITY_FIELDS`, filled by `readq resolve`) set a value. The same
rules apply to `Paper` objects (`readq.store.library`) and to raw records (`apply_to_record`, for
scripts reading the catalogue through TinyDB).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from readq.model import Status


@dataclass(frozen=True, slots=True)
class Change:
    """One field of one paper changed; `revert` applies `old` again (undo)."""

    id: str
    field: str  # "status", "starred", "tags", "note" or one of IDENTITY_FIELDS
    old: Any
    new: Any


# Fields a journal operation may set besides status and star: the user's note and the identity
# that `readq resolve` finds. Tags change one at a time ("tag+" / "tag-" operations), so two
# devices adding different tags to one paper both keep theirs.
IDENTITY_FIELDS = frozenset(
    {"arxiv_id", "authors", "authors_count", "published", "upvotes", "links", "abstract", "org", "resolved"}
)
OVERLAY_FIELDS = IDENTITY_FIELDS | {"note", "tags", "note_conflicts"}
TUPLE_FIELDS = frozenset({"authors", "links", "tags", "note_conflicts"})


def clean_tag(tag: str) -> str:
    """A tag as stored: trimmed, inner whitespace as one hyphen (so `tag:NAME` can name it)."""
    from readq.textclean import clean

    return "-".join(clean(str(tag)).split())


def coerce(fld: str, value: Any) -> Any:
    """A journal value as the `Paper` field holds it (JSON gives lists for tuples)."""
    if fld in TUPLE_FIELDS:
        return tuple(value) if value else ()
    if fld == "note":
        return value or None
    return value


NEWER_KEYS = (("tags", []), ("note", None), ("resolved", None))


def jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def apply_to_record(rec: dict[str, Any], fld: str, value: Any) -> None:
    """Apply one journal operation to a contract-shaped record (a dict), in place."""
    if fld == "status":
        rec["status"] = str(value)
    elif fld == "starred":
        rec["starred"] = bool(value)
    elif fld in ("tag+", "tag-"):
        tags = [t for t in rec.get("tags") or [] if t != value]
        rec["tags"] = [*tags, value] if fld == "tag+" else tags
    elif fld in OVERLAY_FIELDS:
        rec[fld] = jsonable(coerce(fld, value))


def plan_ops(wanted: Sequence[tuple[str, str, Any]], resolve: Callable[[str], str],
             current: Callable[[str, str], Any]) -> tuple[list[tuple[str, str, Any]], list[Change]]:
    """Turn requested changes into journal operations and the `Change`s they make.

    `wanted`: (paper id or prefix, field, value); field "tags" with a tuple sets the whole tag
    list (undo) and becomes the "tag+"/"tag-" operations that make it so. Requests that change
    nothing are dropped; several requests on one field of one paper make one `Change`.
    """
    pending: dict[tuple[str, str], Any] = {}
    first: dict[tuple[str, str], Any] = {}
    ops: list[tuple[str, str, Any]] = []
    for raw_id, fld, value in wanted:
        pid = resolve(raw_id)
        key = "tags" if fld in ("tag+", "tag-") else fld
        cur = pending[(pid, key)] if (pid, key) in pending else current(pid, key)
        if fld == "status":
            value = new = Status(value)
            steps = [(fld, value.value)]
        elif fld == "starred":
            value = new = bool(value)
            steps = [(fld, value)]
        elif fld in ("tag+", "tag-"):
            new = (*cur, value) if fld == "tag+" and value not in cur else (
                tuple(t for t in cur if t != value) if fld == "tag-" else cur)
            steps = [(fld, value)]
        elif fld == "tags":
            new = tuple(value)
            steps = [("tag-", t) for t in cur if t not in new] + [("tag+", t) for t in new if t not in cur]
        elif fld in OVERLAY_FIELDS:
            new = coerce(fld, value)
            steps = [(fld, jsonable(new))]
        else:
            raise ValueError(f"unknown field {fld!r}")
        if new == cur:
            continue
        first.setdefault((pid, key), cur)
        pending[(pid, key)] = new
        ops += [(pid, f, v) for f, v in steps]
    changes = [Change(pid, key, old, pending[(pid, key)]) for (pid, key), old in first.items()
               if old != pending[(pid, key)]]
    return ops, changes
