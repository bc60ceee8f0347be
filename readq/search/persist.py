"""The saved search index's file format: `save_state` and `load_state` (see `cache` for when).

Building the index takes seconds at 100k papers; loading a saved one is a read, a checksum,
zero-copy numpy views and structural checks (figures in bench/README.md).

What is cached: only what is derived from the papers' *text* (titles and abstracts): vocabulary,
postings, and the title sort orders. Everything that changes without an import (status, starred,
upvotes, orgs, sources, dates...) is read from the `papers` passed at load time, like a fresh build.

A saved index is used only when all of these hold, otherwise the index is rebuilt and the file
overwritten (never an exception for a bad cache):
* the file is complete and undamaged: magic, format version, header, sizes and a CRC-32 of the
  payload, then structural checks of the postings (no index can point out of bounds);
* its `key` equals the caller's `key` (the library catalogue's generation: changes on every import);
* its fingerprint equals that of `papers`: BLAKE2b of the ids in order, the titles and the abstract
  lengths (so a different paper order, or a text edit without a new generation, is caught too).

Catalogue mode (`catalog=True`, used by `Library.search_index`): the library vouches that the papers
are its catalogue of generation `key` in stored order, so what changes only with a catalogue write
(recency order, year, upvotes, authors, seen counts, links, orgs) is saved too (`col.*` arrays, `orgs`
and an `ids_digest` in the header) and loaded instead of read from 100k Paper objects; the papers are
matched by their ids only. Status and starred are still
read from the papers (they change with the journal), and the text columns (`titles`, `abstracts`)
are read lazily, by the first search that needs them.

File: `<cache_dir>/search-index.v<FORMAT_VERSION>.bin`, written atomically (temporary file in the
same directory, fsync, `os.replace`, fsync of the directory; see `readq.store.atomic`). Files of other
format versions in `cache_dir` are removed when a new one is saved. Layout: 8-byte magic, u64 header
length, JSON header (key, fingerprint, payload CRC, array table), then 64-byte aligned raw arrays.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import struct
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from readq.store.atomic import atomic_write
from readq.model import Paper
from readq.search.state import CATALOG_COLUMNS, SearchState, text_columns
from readq.search.textindex import TextIndex

log = logging.getLogger(__name__)

FORMAT_VERSION = 1  # the catalogue columns are optional extras: older readers ignore them
MAGIC = b"RQSRCHIX"
_ALIGN = 64
_DTYPES = {"<i8", "<i4", "<i2", "|i1", "|u1", "|b1", "<u8"}


class CacheMismatch(ValueError):
    """The saved index cannot be used for these papers (damaged, other version/key/papers)."""


def index_path(cache_dir: Path | str) -> Path:
    return Path(cache_dir) / f"search-index.v{FORMAT_VERSION}.bin"


def fingerprint(papers: Sequence[Paper], columns: tuple[list[str], list[str], list[str]] | None = None) -> str:
    """Identity of the indexed text: ids in order, titles, abstract lengths."""
    ids, titles, abstracts = columns or text_columns(papers)
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{len(ids)}\n".encode())
    h.update("\x00".join(ids).encode("utf-8", "surrogatepass"))
    h.update(b"\x01")
    h.update("\x00".join(titles).encode("utf-8", "surrogatepass"))
    h.update(b"\x01")
    h.update(np.fromiter(map(len, abstracts), dtype="<i8", count=len(abstracts)).tobytes())
    return h.hexdigest()


def _ids_digest(ids: list[str]) -> str:
    return hashlib.blake2b("\x00".join(ids).encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def save_state(st: SearchState, path: Path, key: str, *, catalog: bool = False, durable: bool = True) -> None:
    """Write the text part of a search state to `path` atomically; with `catalog=True` (see
    `readq.search.cache.load_or_build`) also the catalogue columns and a digest of the ids.
    `durable=False` skips the fsyncs: a file lost or torn by a crash fails its checks and is rebuilt."""
    arrays = dict(st.text.to_arrays())
    arrays["title_order"] = st.title_order
    arrays["suffix_docs"] = st.suffix_docs
    extra: dict[str, object] = {}
    if catalog:
        for name, arr in st.catalog_columns().items():
            arrays[f"col.{name}"] = arr
        extra = {"catalog": True, "orgs": list(st.orgs), "ids_digest": _ids_digest(st._id_list)}
    table = []
    offset = 0
    blobs: list[tuple[int, np.ndarray]] = []
    for name, arr in arrays.items():
        arr = np.ascontiguousarray(arr)
        if arr.dtype.str not in _DTYPES:
            raise TypeError(f"unexpected dtype {arr.dtype} for {name}")
        offset = -(-offset // _ALIGN) * _ALIGN
        table.append([name, arr.dtype.str, list(arr.shape), offset, arr.nbytes])
        blobs.append((offset, arr))
        offset += arr.nbytes
    payload_len = offset
    crc = 0
    pos = 0
    for off, arr in blobs:
        if off > pos:
            crc = zlib.crc32(bytes(off - pos), crc)
        crc = zlib.crc32(_bytes_of(arr), crc)
        pos = off + arr.nbytes
    header = json.dumps({
        "version": FORMAT_VERSION, "key": key, "fingerprint": fingerprint(st.papers, (st._id_list, st.titles, st.abstracts)), "n": st.n,
        "payload_len": payload_len, "crc32": crc, "arrays": table, **extra,
    }).encode()
    head = MAGIC + struct.pack("<Q", len(header)) + header
    head += bytes(-len(head) % _ALIGN)
    def chunks() -> Iterator[bytes | memoryview]:
        yield head
        pos = 0
        for off, arr in blobs:
            if off > pos:
                yield bytes(off - pos)
            yield _bytes_of(arr)
            pos = off + arr.nbytes

    directory = path.parent
    atomic_write(path, chunks(), durable=durable)  # type: ignore[arg-type]
    for old in directory.glob("search-index.v*.bin"):  # other format versions are dead weight
        if old.name != path.name:
            with contextlib.suppress(OSError):
                old.unlink()


def load_state(path: Path, papers: Sequence[Paper], key: str | None, *, catalog: bool = False,
               state_columns: tuple[list[str], np.ndarray, np.ndarray] | None = None) -> SearchState:
    """Load `path` for `papers`; raises CacheMismatch (or OSError) when it cannot be used.

    `state_columns`: (ids, status codes, starred flags) from a caller that has them without
    decoding the papers (see `SearchState`).

    With `catalog=True` (see `load_or_build`) and a file saved that way, `papers` must have the
    saved ids in the saved order (much cheaper than the text fingerprint: the key,
    a catalogue generation, already names the text), and the saved catalogue columns are used.
    """
    try:
        data, header, start = _read_header(path, key)
        use_saved = bool(catalog and key is not None and header.get("catalog") is True)
        columns: tuple[list[str], list[str], list[str]] | None = None
        if header.get("n") != len(papers):
            raise CacheMismatch("saved for other papers")
        if use_saved:
            ids = state_columns[0] if state_columns is not None else text_columns(papers)[0]
            if header.get("ids_digest") != _ids_digest(ids):
                raise CacheMismatch("saved for other papers")
        else:
            columns = text_columns(papers)
            if header.get("fingerprint") != fingerprint(papers, columns):
                raise CacheMismatch("saved for other papers")
        arrays = _read_arrays(data, header, start)
        text = TextIndex.from_arrays(arrays)
        n = len(papers)
        title_order, suffix_docs = arrays["title_order"], arrays["suffix_docs"]
        if text.n != n or title_order.shape != (n,) or suffix_docs.shape != (n,):
            raise CacheMismatch("inconsistent sizes")
        for order in (title_order, suffix_docs):  # must be permutations: they index everything
            seen = np.zeros(n, dtype=bool)
            if n and (order.min() < 0 or order.max() >= n):
                raise CacheMismatch("bad order")
            seen[order] = True
            if not seen.all():
                raise CacheMismatch("bad order")
        saved: dict[str, object] | None = None
        if use_saved:
            saved = {name: arrays[f"col.{name}"] for name in CATALOG_COLUMNS}
            orgs = header["orgs"]
            if not isinstance(orgs, list) or not all(isinstance(o, str) for o in orgs):
                raise CacheMismatch("bad orgs")
            saved["orgs"] = orgs
            for name in CATALOG_COLUMNS:
                if saved[name].shape != (n,):  # type: ignore[attr-defined]
                    raise CacheMismatch(f"bad column {name}")
            codes = saved["org_code"]
            if n and (codes.min() < -1 or codes.max() >= len(orgs)):  # type: ignore[attr-defined]
                raise CacheMismatch("bad org codes")
            recency = saved["recency"]
            seen = np.zeros(n, dtype=bool)
            if n and (recency.min() < 0 or recency.max() >= n):  # type: ignore[attr-defined]
                raise CacheMismatch("bad recency order")
            seen[recency] = True  # type: ignore[index]
            if not seen.all():
                raise CacheMismatch("bad recency order")
    except CacheMismatch:
        raise
    except (ValueError, KeyError, TypeError, IndexError, struct.error, UnicodeDecodeError) as exc:
        raise CacheMismatch(f"damaged: {exc}") from exc
    return SearchState(papers, text=text, title_order=title_order, suffix_docs=suffix_docs, columns=columns,
                       saved=saved, state_columns=state_columns)


def load_text(path: Path, key: str, ids: list[str]) -> TextIndex:
    """The text index of a file saved in catalogue mode for generation `key` over papers with
    these `ids` in this order (for an import that extends it, `readq.search.cache`); raises
    CacheMismatch (or OSError) otherwise."""
    try:
        data, header, start = _read_header(path, key)
        if header.get("catalog") is not True or header.get("n") != len(ids) \
                or header.get("ids_digest") != _ids_digest(ids):
            raise CacheMismatch("saved for other papers")
        text = TextIndex.from_arrays(_read_arrays(data, header, start))
    except CacheMismatch:
        raise
    except (ValueError, KeyError, TypeError, IndexError, struct.error, UnicodeDecodeError) as exc:
        raise CacheMismatch(f"damaged: {exc}") from exc
    if text.n != len(ids):
        raise CacheMismatch("inconsistent sizes")
    return text


def _read_header(path: Path, key: str | None) -> tuple[np.ndarray, dict, int]:
    """The file's bytes, its checked header, and where the payload starts."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        data = np.empty(size, dtype=np.uint8)
        if f.readinto(memoryview(data)) != size:
            raise CacheMismatch("short read")
    raw = memoryview(data)
    if raw[:8].tobytes() != MAGIC:
        raise CacheMismatch("not a readq search index")
    (hlen,) = struct.unpack("<Q", raw[8:16].tobytes())
    if hlen > size - 16:
        raise CacheMismatch("truncated header")
    header = json.loads(raw[16 : 16 + hlen].tobytes())
    if not isinstance(header, dict):
        raise CacheMismatch("bad header")
    if header.get("version") != FORMAT_VERSION:
        raise CacheMismatch(f"format version {header.get('version')!r}")
    if key is not None and header.get("key") != key:
        raise CacheMismatch("saved for another library generation")
    return data, header, 16 + hlen + (-(16 + hlen) % _ALIGN)


def _read_arrays(data: np.ndarray, header: dict, start: int) -> dict[str, np.ndarray]:
    """The payload's arrays as read-only views of `data`, after the size and checksum checks."""
    payload_len = int(header["payload_len"])
    if start + payload_len != len(data):
        raise CacheMismatch("truncated or padded file")
    if zlib.crc32(memoryview(data)[start:]) != header["crc32"]:
        raise CacheMismatch("checksum mismatch")
    arrays: dict[str, np.ndarray] = {}
    for name, dtype, shape, off, nbytes in header["arrays"]:
        if dtype not in _DTYPES:
            raise CacheMismatch(f"dtype {dtype!r}")
        dt = np.dtype(dtype)
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if count * dt.itemsize != nbytes or off < 0 or off + nbytes > payload_len:
            raise CacheMismatch(f"bad extent for {name}")
        arr = np.frombuffer(data, dtype=dt, count=count, offset=start + off).reshape(shape)
        arr.flags.writeable = False
        arrays[name] = arr
    return arrays


def _bytes_of(arr: np.ndarray) -> memoryview:
    """A C-contiguous array's raw bytes (works for empty and multi-dimensional arrays)."""
    return memoryview(arr.reshape(-1).view(np.uint8))
