"""Read-only answers from the catalogue file: `CatalogView` and the `Selected` papers.

A view maps papers.json and decodes only the records it is asked for, using the record offsets
of index.json (catalogue order = newest first). Every record is checked against its expected id
before use; anything stale raises `StaleLayout`, and `Library.select` then loads the catalogue.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


import orjson

from readq.model import Paper, Status
from readq.selection import Selection
from readq.store.errors import LibraryCorrupt, StaleLayout
from readq.store.ops import NEWER_KEYS, jsonable


@dataclass(frozen=True, slots=True)
class ViewSource:
    """Where a view's data lives, and how to load every paper when a search needs them all."""

    papers_path: Path
    index_path: Path
    cache_dir: Path
    load_all: Callable[[], list[Paper]]


class LazyPapers(Sequence[Paper]):
    """The catalogue's papers for a search index over a `CatalogView`: decoded one by one on
    access; `search_columns` gives the index the ids and state without decoding anything."""

    def __init__(self, view: CatalogView) -> None:
        self._view = view
        self._all: list[Paper] | None = None
        self._columns: tuple[list[str], Any, Any] | None = None

    def __len__(self) -> int:
        return len(self._view.ids)

    def __getitem__(self, i: int) -> Paper:  # type: ignore[override]
        if self._all is not None:
            return self._all[i]
        return Paper.from_json(self._view.record(i))

    def __iter__(self) -> Iterator[Paper]:
        # A search that needs every paper (titles for `^`, `digest:`...): load them all once.
        if self._all is None:
            self._all = self._view.source.load_all()
        return iter(self._all)

    def search_columns(self) -> tuple[list[str], Any, Any]:
        """(ids, status codes, starred flags): the `state_columns` a search state takes."""
        if self._columns is None:
            import numpy as np

            v = self._view
            codes = {s: i for i, s in enumerate(Status)}
            status = np.fromiter((codes[st] for st, _ in v.state), dtype=np.int8, count=len(v.state))
            starred = np.fromiter((star for _, star in v.state), dtype=bool, count=len(v.state))
            self._columns = (v.ids, status, starred)
        return self._columns


_VECTOR_MIN = 64  # below this many records, checking them one by one is as cheap
# `":{"id":"` after the key's digits, and `",` after the 10-byte id (offsets from the digits' end)
_AROUND_AT = [0, 1, 2, 3, 4, 5, 6, 7, 8, 19, 20]
_AROUND = list(b'":{"id":"') + list(b'",')
_TEN = list(range(10))


class CatalogView:
    """Papers by catalogue position (= `papers()` order) straight from papers.json; see
    `Library.catalog_view`. Every record is checked against its expected id before use."""

    def __init__(self, source: ViewSource, data: Any, ids: list[str], offsets: list[int],
                 state: list[tuple[Status, bool]], generation: str,
                 overlay: Mapping[str, Mapping[str, Any]] | None = None,
                 tags: Mapping[str, tuple[str, ...]] | None = None) -> None:
        self.source = source
        self._data = data
        self._view = memoryview(data)
        self.ids = ids
        self._offsets = offsets
        self.state = state
        self.generation = generation
        self._offsets_np: Any = None
        self._id_bytes: Any = None
        self.overlay = overlay or {}  # fields journal operations changed since the catalogue write
        self.tags = tags or {}
        self.clean = False  # every stored record's text is known safe to print (`clean_text` stamp)
        # every record is stored as `raw_records` would print it: complete, in `Paper.as_json`
        # order, with the state `state` holds (no operation since the catalogue was written)
        self.as_written = False

    def __len__(self) -> int:
        return len(self.ids)

    def _span(self, i: int) -> tuple[int, int]:
        """Where the JSON object of position `i` lies, after checking the record line is the one
        `_write_catalog` wrote there: `"<i + 1>":{"id":<id>,...}` then "," or not, then "\\n"."""
        start, end = self._offsets[i], self._offsets[i + 1]
        pid = self.ids[i]
        # ids are the 10 hex digits `make_id` writes, so the id needs no JSON escaping here (any
        # other id takes the general path).
        if len(pid) == 10 and pid.isascii() and pid.isalnum():
            prefix = b'"%d":{"id":"%s",' % (i + 1, pid.encode())
        else:
            prefix = b'"%d":{"id":' % (i + 1) + orjson.dumps(pid) + b","
        data = self._data
        if not (0 <= start < end <= len(data) and data[start : start + len(prefix)] == prefix
                and data[end - 1] == 10):
            raise StaleLayout(f"{self.source.index_path}: record offsets do not match the catalogue")
        return prefix.index(b":") + 1 + start, end - (2 if data[end - 2] == 44 else 1)

    def spans(self, positions: Sequence[int]) -> list[tuple[int, int]]:
        """Raise StaleLayout unless every position's record is where index.json says (cheap: a
        prefix compare per record), so output can stream without finding a bad record halfway.
        Returns the records' spans, for `records`."""
        if len(positions) >= _VECTOR_MIN and self._ids10() is not None:
            return self._spans_at_once(positions)
        return list(map(self._span, positions))

    def _ids10(self) -> Any:
        """The ids as an (n, 10) byte matrix when every id is the 10 hex digits `make_id` writes."""
        if self._id_bytes is None:
            import numpy as np

            joined = "".join(self.ids).encode("ascii", "replace")
            ok = len(joined) == 10 * len(self.ids) and all(len(pid) == 10 for pid in self.ids)
            self._id_bytes = np.frombuffer(joined, dtype=np.uint8).reshape(-1, 10) if ok else False
        return self._id_bytes if self._id_bytes is not False else None

    def _spans_at_once(self, positions: Sequence[int]) -> list[tuple[int, int]]:
        """`_span` of many positions with numpy: the same checks of the record line (its id, the
        bytes around it, the newline) but for the key's digits, which an id at the right offset
        makes redundant."""
        import numpy as np

        pos = np.asarray(positions, dtype=np.int64)
        if self._offsets_np is None:
            self._offsets_np = np.asarray(self._offsets, dtype=np.int64)
        data = np.frombuffer(self._data, dtype=np.uint8)
        start, end = self._offsets_np[pos], self._offsets_np[pos + 1]
        key = pos + 1
        digits = 1 + sum((key >= 10**k).astype(np.int64) for k in range(1, 19))
        head = start + 1 + digits  # `"<digits>` then `":{"id":"<id>",`
        ok = bool(len(pos) == 0 or (start.min() >= 0 and (end > head + 21).all() and end.max() <= len(data)))
        if ok:
            ok = bool((data[start] == 34).all() and (data[end - 1] == 10).all()
                      and (data[head[:, None] + _AROUND_AT] == _AROUND).all()
                      and (data[head[:, None] + 9 + _TEN] == self._ids10()[pos]).all())
        if not ok:
            raise StaleLayout(f"{self.source.index_path}: record offsets do not match the catalogue")
        first = head + 2
        last = end - 1 - (data[end - 2] == 44)
        return list(zip(first.tolist(), last.tolist()))

    def record(self, i: int) -> dict[str, Any]:
        """The contract-shaped record of position `i` with its current status and star."""
        return self._decode(i, self._span(i))

    def _decode(self, i: int, span: tuple[int, int]) -> dict[str, Any]:
        start, end = span
        try:
            rec = orjson.loads(self._view[start:end])  # a zero-copy slice of the map
        except orjson.JSONDecodeError as exc:
            raise LibraryCorrupt(self.source.papers_path, f"bad paper record: {exc}") from None
        status, starred = self.state[i]
        rec["status"], rec["starred"] = status.value, starred
        for key, empty in NEWER_KEYS:  # a record written before these fields existed
            rec.setdefault(key, empty)
        changed = self.overlay.get(self.ids[i])
        if changed:
            rec.update({k: jsonable(v) for k, v in changed.items()})
            if not rec.get("note_conflicts", True):
                del rec["note_conflicts"]  # as `Paper.as_json` writes it: only when there are some
        return rec

    def records(self, positions: Sequence[int], spans: Sequence[tuple[int, int]] | None = None
                ) -> Iterator[dict[str, Any]]:
        """`record` of each position, lazily, after checking them all (StaleLayout) first, unless
        `spans` come from `spans(positions)`."""
        if spans is None:
            spans = self.spans(positions)
        return map(self._decode, positions, spans)

    def raw_records(self, positions: Sequence[int], spans: Sequence[tuple[int, int]]) -> Iterator[bytes]:
        """The stored bytes of each record (`orjson.dumps(paper.as_json())`), with the current
        status and star spliced in: the same bytes as decoding and re-encoding, without either.

        The record's keys are in `Paper.as_json` order, so `"status"` and `"starred"` sit between
        `,"status":"` and `,"sources":`; neither can occur inside a JSON string (its quotes are
        escaped). A record not in that shape is decoded and re-encoded instead."""
        if self.as_written:
            view = self._view
            for start, end in spans:
                yield view[start:end]
            return
        data = self._data
        for i, (start, end) in zip(positions, spans):
            rec = data[start:end]
            status, starred = self.state[i]
            want = b'"status":"%s","starred":%s' % (status.value.encode(), b"true" if starred else b"false")
            k = rec.find(b',"status":"')
            j = rec.find(b',"sources":', k) if k >= 0 else -1
            if j < 0 or self.ids[i] in self.overlay or rec.find(b',"tags":', j) < 0:
                yield orjson.dumps(self._decode(i, (start, end)))
            elif rec[k + 1 : j] != want:
                yield b"".join((rec[: k + 1], want, rec[j:]))
            else:
                yield rec

    def papers(self, positions: Sequence[int], spans: Sequence[tuple[int, int]] | None = None) -> list[Paper]:
        return list(map(Paper.from_json, self.records(positions, spans)))

    def select(self, sel: Selection) -> list[int]:
        """Positions `sel` shows, in order: best match first with a query, else newest first.

        StaleLayout when the view cannot answer alone (a digest filter or a sort needs every
        record; the saved search index is missing or stale): the caller loads the library."""
        if sel.digest or sel.reverse or sel.sort not in ("newest", "relevance"):
            raise StaleLayout("this selection needs the whole catalogue")
        query = sel.query
        if query:
            from readq.search import SearchIndex
            from readq.search.persist import CacheMismatch, index_path, load_state

            try:
                lazy = LazyPapers(self)
                state = load_state(index_path(self.source.cache_dir), lazy, self.generation, catalog=True,
                                   state_columns=lazy.search_columns())
                index = SearchIndex.from_state(state)
            except (OSError, CacheMismatch) as exc:
                raise StaleLayout(f"no usable saved search index: {exc}") from None
            if not index.from_catalog:
                raise StaleLayout("saved search index without catalogue columns")
            positions: list[int] = index.search(query).order.tolist()
        else:
            positions = list(range(len(self.ids)))
        if sel.status is not None:
            positions = [i for i in positions if self.state[i][0] is sel.status]
        if sel.starred:
            positions = [i for i in positions if self.state[i][1]]
        if sel.tag:
            ids, tags, want = self.ids, self.tags, sel.tag.casefold()
            positions = [i for i in positions if any(t.casefold() == want for t in tags.get(ids[i], ()))]
        return positions if sel.limit is None else positions[: max(sel.limit, 0)]


class Selected(Sequence[Paper]):
    """The papers a `Selection` picked, in order; `json_records` gives their contract JSON."""

    def __init__(self, papers: Sequence[Paper] | None = None, view: CatalogView | None = None,
                 positions: Sequence[int] = (), spans: Sequence[tuple[int, int]] = ()) -> None:
        self._papers = papers
        self._view, self._positions, self._spans = view, positions, spans

    def __len__(self) -> int:
        return len(self._papers) if self._papers is not None else len(self._positions)

    def __getitem__(self, i: int) -> Paper:  # type: ignore[override]
        return self.papers()[i]

    def papers(self) -> list[Paper]:
        if self._papers is None:
            assert self._view is not None
            self._papers = self._view.papers(self._positions, self._spans)
        return list(self._papers)

    def json_records(self) -> Iterator[bytes]:
        """One compact JSON object per paper, as `Paper.as_json`, safe to print: copied from
        papers.json when the view answered (no decode and re-encode), and scanned for control
        characters only when the catalogue predates cleaning at ingest."""
        if self._view is not None and self._papers is None:
            raw = self._view.raw_records(self._positions, self._spans)
            return raw if self._view.clean else _cleaned(raw)
        from readq.textclean import clean_paper

        return (orjson.dumps(clean_paper(p).as_json()) for p in self.papers())


def _cleaned(records: Iterator[bytes], batch: int = 1000) -> Iterator[bytes]:
    """Stored records made safe to print, a batch at a time (a catalogue written before cleaning)."""
    import itertools

    from readq.textclean import clean_json_records

    while chunk := list(itertools.islice(records, batch)):
        yield from clean_json_records(chunk)


def open_view(source: ViewSource, layout: tuple[list[str], list[int], int, str],
              state: Mapping[str, tuple[Status, bool]], overlay: Mapping[str, Mapping[str, Any]],
              tags: Mapping[str, tuple[str, ...]], *, clean: bool = False,
              as_written: bool = False) -> CatalogView | None:
    """Map papers.json for a view if it is the file `layout` (from index.json) describes.

    The caller holds the library's read lock: the open file is the catalogue index.json
    describes, and stays readable (a later rewrite replaces the name, not this file)."""
    ids, offsets, size, generation = layout
    try:
        handle = open(source.papers_path, "rb")
    except OSError:
        return None
    try:
        head = handle.read(4096)
        marker = b'"generation":"' + generation.encode() + b'"'
        if os.fstat(handle.fileno()).st_size != size or marker not in head:
            return None
        data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
    except (OSError, ValueError):
        return None
    finally:
        handle.close()  # the map keeps the file
    view = CatalogView(source, data, ids, offsets, [state[pid] for pid in ids], generation,
                       {pid: dict(fields) for pid, fields in overlay.items()}, dict(tags))
    view.clean = clean
    view.as_written = as_written
    return view
