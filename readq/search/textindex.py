"""A compact substring index over titles and abstracts: vocabulary scan + postings.

Why this shape (the measurements are in bench/README.md, "Design measurements"):
* Scanning the text per keystroke is too slow at 100k papers. A term without separators is a
  substring of a document exactly when it is a substring of one of the document's *tokens*, so we
  scan the small vocabulary instead of the text, then union the matched tokens' postings. Exact,
  no verify step; substring-of-token also gives the match quality (whole word / word prefix /
  inside a word) per token instead of per document.
* Building must not create a Python object per token. The build tokenizes chunks of 2,048
  documents as UTF-8 bytes in numpy, hashes each token from unaligned 8-byte loads, and dedupes
  (token, doc) pairs with one sort of `hash53 << 11 | doc` per chunk (`np.sort` + a diff, not
  `np.unique`, which is much slower on int64 keys).
* Frequent tokens (document frequency >= 1/32 in the first chunk) are stored as packed bitmaps,
  smaller than their postings and filled without a sort; 1-2 character terms, which match
  thousands of vocabulary entries, become an OR of bitmaps instead of a giant union.
* Tokens: runs of ASCII letters/digits or non-ASCII bytes ("words"), plus "compounds": runs that
  also contain punctuation with a word character on both sides ("text-to-video", "e.g",
  "2401.1234"), so hyphenated terms are exact too. A term that is neither (spaces, "a--b", edge
  punctuation) is split into pieces; the pieces' intersection is verified on the candidates only.
* Case: the index is lowercase (non-ASCII text is `str.lower`ed first). Case-sensitive terms are
  looked up lowercase and verified on the original strings of the candidates.
  A 53-bit token hash is used (collisions are negligible at vocabulary sizes); the vocabulary
  keeps the first spelling seen.
* Forward copy: a 1-2 character term matches a large share of the vocabulary, and gathering each
  token's postings is slow for it. Each field therefore also keeps the same sparse pairs grouped
  by document (`fwd_indptr`, `fwd_tok`); a term whose postings exceed 1/6 of the field's pairs is
  scored by one gather from a vocabulary-sized quality table plus a per-document
  `maximum.reduceat`, whatever the number of tokens. Bitmap rows are padded to whole uint64
  words so dense ORs run 8 bytes at a time. Single characters are also precomputed by the
  warm-up thread (`readq.search.warmup`).
* `to_arrays` / `from_arrays` flatten the index for `readq.search.persist` (the token list is
  recovered from the scan buffers; loaded arrays are checked so no index can be out of bounds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

CHUNK_DOCS = 2048  # 11 bits of local doc id in the sort key
_DOC_BITS = 11
_HASH_MASK = np.uint64((1 << 53) - 1)
_P = np.uint64(1099511628211)
# _LOW_BYTES[k]: keeps the low k bytes of a uint64 load (k = 8: all of them)
_LOW_BYTES = np.array([(1 << 8 * k) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)

_WORD = np.zeros(256, dtype=bool)
_WORD[list(b"0123456789abcdefghijklmnopqrstuvwxyz")] = True
_WORD[128:] = True
_SPACE = np.zeros(256, dtype=bool)
_SPACE[list(b" \t\n\r\x0b\x0c\x00")] = True
_PUNCT = ~(_WORD | _SPACE)
_PUNCT[list(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")] = False  # never present after lower()

DENSE_MIN_FRACTION = 1 / 32
_POPCOUNT = np.array([bin(i).count('1') for i in range(256)], dtype=np.uint8)


def is_word_char(ch: str) -> bool:
    """Same word-character rule as the byte tokenizer (non-ASCII counts as a word character)."""
    return ch.isascii() and ch.isalnum() or ord(ch) >= 128


def is_token_term(term: str) -> bool:
    """Can `term` (lowercase) be answered by the vocabulary alone, without a verify step?"""
    if not term:
        return False
    if not (is_word_char(term[0]) and is_word_char(term[-1])):
        return False
    prev_word = True
    for ch in term:
        w = is_word_char(ch)
        if not w and (ch.isspace() or not prev_word):
            return False
        prev_word = w
    return True


def is_word_term(term: str) -> bool:
    return bool(term) and all(is_word_char(c) for c in term)


def _lower_bytes(texts: Sequence[str]) -> bytes:
    """NUL-separated lowercase UTF-8 for a chunk; NUL sentinels at both ends, 8 bytes of padding."""
    if not texts:
        return b"\x00" * 10
    # Encoded one document at a time: a few non-ASCII documents would make a joined str wide, and
    # encoding a wide str is several times slower than copying ASCII ones. One join makes the
    # leading sentinel, the separators, the trailing sentinel and the padding.
    part = [s.encode() if s.isascii() else s.lower().encode("utf-8", "replace") for s in texts]
    return b"\x00".join([b"", *part, b"\x00" * 8]).lower()


def _token_hashes(buf: bytes, arr: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """53-bit hash of each token from unaligned little-endian 8-byte loads."""
    n = len(arr) - 8
    view = np.ndarray(shape=(n,), dtype="<u8", buffer=buf, offset=0, strides=(1,))
    # keep the first min(len, 8) bytes of each load (tokens are >= 1 byte); updates are in place
    h = view[starts]
    h &= _LOW_BYTES[np.minimum(lens, 8)]
    k = 8
    idx = np.flatnonzero(lens > 8)
    while idx.size:
        rem = lens[idx] - k
        x = view[starts[idx] + k]
        x &= _LOW_BYTES[np.minimum(rem, 8)]
        hi = h[idx]
        hi *= _P
        hi += x
        h[idx] = hi
        k += 8
        idx = idx[rem > 8]
    mix = lens.astype(np.uint64)
    mix *= np.uint64(0x9E3779B97F4A7C15)
    h ^= mix
    h ^= np.right_shift(h, np.uint64(29), out=mix)
    h &= _HASH_MASK
    return h


def _run_starts(a: np.ndarray) -> np.ndarray:
    """Boolean flags marking the first element of each run of equal values in sorted `a`."""
    if not len(a):
        return np.zeros(0, dtype=bool)
    return np.concatenate(([True], a[1:] != a[:-1]))


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of the True runs of `mask` (which starts and ends False)."""
    change = np.empty(len(mask), dtype=bool)  # change[i]: mask[i] != mask[i - 1]; never at 0
    change[:1] = False
    np.not_equal(mask[1:], mask[:-1], out=change[1:])
    edges = np.flatnonzero(change)
    return edges[0::2], edges[1::2]


@dataclass(slots=True)
class FieldPostings:
    """Which documents contain each vocabulary token, for one field (title or abstract)."""

    indptr: np.ndarray  # int64, len(vocab) + 1; dense tokens have empty ranges
    docs: np.ndarray  # int32, ascending within a token
    dense_row: np.ndarray  # int32 per token: row in `bitmaps` or -1
    bitmaps: np.ndarray  # uint8 (k, ceil(n / 64) * 8), packed, big-endian bit order, zero padded
    df: np.ndarray  # int32 document frequency per token
    fwd_indptr: np.ndarray  # int64, n + 1: the same sparse (token, doc) pairs grouped by document
    fwd_tok: np.ndarray  # int32 token ids, per document

    ARRAYS = ("indptr", "docs", "dense_row", "bitmaps", "df", "fwd_indptr", "fwd_tok")

    def nbytes(self) -> int:
        return sum(getattr(self, a).nbytes for a in self.ARRAYS)


class _PerfectTable:
    """Collision-free multiplicative hash table for the few hundred dense token hashes.

    One multiply, shift and compare per token, several times cheaper than `np.searchsorted` into
    the dense hashes.
    """

    def __init__(self, keys: np.ndarray) -> None:
        bits = max(4, int(len(keys)).bit_length() + 6)
        for attempt in range(64):
            mult = np.uint64((0x9E3779B97F4A7C15 + 2 * attempt * 0x632BE59BD9B4E019) % (1 << 64) | 1)
            slots = (keys * mult) >> np.uint64(64 - bits)
            if len(np.unique(slots)) == len(keys):
                break
        else:  # pragma: no cover - astronomically unlikely; fall back to a bigger table
            bits += 4
            slots = (keys * mult) >> np.uint64(64 - bits)
        self.mult, self.shift = mult, np.uint64(64 - bits)
        self.keys = np.full(1 << bits, 1 << 63, dtype=np.uint64)  # hashes are < 2**53: never equal
        self.keys[slots.astype(np.int64)] = keys
        self.row = np.zeros(1 << bits, dtype=np.int32)
        self.row[slots.astype(np.int64)] = np.arange(len(keys), dtype=np.int32)

    def _slots(self, h: np.ndarray) -> np.ndarray:
        slot = h * self.mult
        slot >>= self.shift
        return slot.view(np.int64)  # < 2**bits: the same values as a cast, without the copy

    def lookup(self, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        slot = self._slots(h)
        return self.row[slot], self.keys[slot] == h

    def split(self, h: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(indices of the keys in `h`, their rows, indices of the others)."""
        slot = self._slots(h)
        hit = self.keys[slot] == h
        dn = np.flatnonzero(hit)
        return dn, self.row[slot[dn]], np.flatnonzero(~hit)


class _VocabBuilder:
    """Shared token table: hash -> id, first spelling, compound flag.

    `ids` is the table; `map` looks hashes up in a sorted numpy copy of it (`_known`, `_known_id`)
    so a chunk's lookups are one `np.searchsorted` instead of a dict lookup per token.
    """

    def __init__(self) -> None:
        self.ids: dict[int, int] = {}
        self.tokens: list[str] = []
        self.compound: list[bool] = []
        self._known = np.zeros(0, dtype=np.uint64)  # sorted hashes of `ids`
        self._known_id = np.zeros(0, dtype=np.int32)
        self._synced = 0  # len(tokens) when `_known` was last made equal to `ids`

    def _sync(self) -> None:
        """Rebuild the sorted copy from `ids` (after `add` was called from outside `map`)."""
        keys = np.fromiter(self.ids.keys(), dtype=np.uint64, count=len(self.ids))
        vals = np.fromiter(self.ids.values(), dtype=np.int32, count=len(self.ids))
        order = np.argsort(keys)
        self._known, self._known_id, self._synced = keys[order], vals[order], len(self.tokens)

    def map(self, hashes: np.ndarray, buf: bytes, starts: np.ndarray, ends: np.ndarray,
            compound: np.ndarray) -> np.ndarray:
        """Token ids for sorted-unique `hashes`; starts/ends locate one occurrence of each."""
        if self._synced != len(self.tokens):
            self._sync()
        known = self._known
        hashes = np.asarray(hashes, dtype=np.uint64)
        out = np.full(len(hashes), -1, dtype=np.int32)
        pos = np.searchsorted(known, hashes)
        if len(known):
            at = np.minimum(pos, len(known) - 1)
            hit = known[at] == hashes
            out[hit] = self._known_id[at[hit]]
        miss = np.flatnonzero(out < 0)
        if len(miss):
            new = zip(hashes[miss].tolist(), np.asarray(starts)[miss].tolist(),  # Python ints, not
                      np.asarray(ends)[miss].tolist(),  # numpy scalars, in the loop
                      np.asarray(compound, dtype=bool)[miss].tolist())
            out[miss] = [self.add(h, buf[a:b], c) for h, a, b, c in new]
            o = np.argsort(hashes[miss], kind="stable")  # already sorted when `hashes` is
            self._known = np.insert(known, pos[miss][o], hashes[miss][o])
            self._known_id = np.insert(self._known_id, pos[miss][o], out[miss][o])
            self._synced = len(self.tokens)
            if len(self._known) != len(self.ids):  # repeated hashes (not sorted-unique)
                self._sync()
        return out

    def add(self, h: int, raw: bytes, compound: bool) -> int:
        t = self.ids[h] = len(self.tokens)
        self.tokens.append(raw.decode("utf-8", "replace"))
        self.compound.append(compound)
        return t


def _word_mask(body: np.ndarray) -> np.ndarray:
    """`_WORD[body]` from vectorized comparisons (a few SIMD passes instead of a table gather)."""
    x = body - np.uint8(97)  # wraps: below 26 exactly for a-z
    word = x < 26
    np.subtract(body, np.uint8(48), out=x)
    word |= x < 10
    word |= body >= 128
    return word


def _token_bounds(body: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """Token starts and ends in a lowercase byte buffer: words first, then compounds.

    Compounds are punctuation with a word character on both sides joining words into one token
    ("text-to-video"); only runs that contain such punctuation are kept as compounds. They are
    found from the word runs (a one-byte punctuation gap between two words joins them), so the
    bytes are scanned once, for the words. Returns (number of words, starts, ends).
    """
    w_starts, w_ends = _runs(_word_mask(body))
    if len(w_starts) < 2:
        return len(w_starts), w_starts, w_ends
    gap = w_ends[:-1]
    joined = (w_starts[1:] - gap == 1) & _PUNCT[body[gap]]
    if not joined.any():
        return len(w_starts), w_starts, w_ends
    # a run of joined[a - 1 : b - 1] (True) chains words a - 1 .. b - 1 into one compound
    a, b = _runs(np.concatenate(([False], joined, [False])))
    starts = np.concatenate((w_starts, w_starts[a - 1]))
    ends = np.concatenate((w_ends, w_ends[b - 1]))
    return len(w_starts), starts, ends


def _local_docs(body: np.ndarray, starts: np.ndarray, n_words: int) -> np.ndarray:
    """Chunk-local document id of each token: the number of NULs before its start, minus one.

    Words and compounds are each in ascending start order, so the ids come from where the NULs
    fall among the starts (one `np.repeat`) instead of a running count over every byte.
    """
    nul = np.flatnonzero(body == 0)
    doc = np.arange(len(nul) - 1, dtype=np.int32)
    return np.concatenate([np.repeat(doc, np.diff(np.searchsorted(part, nul)))
                           for part in (starts[:n_words], starts[n_words:])])


def _index_field(texts: Sequence[str], vocab: _VocabBuilder, dense: bool) -> list[tuple]:
    """Tokenize one field chunk by chunk: returns per-chunk (token ids, doc ids, dense matrix)."""
    chunks: list[tuple] = []
    dense_hashes = np.zeros(0, dtype=np.uint64)
    table: _PerfectTable | None = None
    for base in range(0, len(texts), CHUNK_DOCS):
        part = texts[base : base + CHUNK_DOCS]
        buf = _lower_bytes(part)
        arr = np.frombuffer(buf, dtype=np.uint8)
        body = arr[:-8]
        n_words, starts, ends = _token_bounds(body)
        lens = ends - starts
        h = _token_hashes(buf, arr, starts, lens)
        local = _local_docs(body, starts, n_words)
        dmat = sp = None
        if dense:
            if table is None and not len(h):
                table = _PerfectTable(dense_hashes)  # first chunk has no text: no dense tokens
            if table is None:  # choose the frequent tokens from the first chunk
                key = np.sort((h << np.uint64(_DOC_BITS)) | local.astype(np.uint64))
                key = key[_run_starts(key)]
                hs = key >> np.uint64(_DOC_BITS)
                edges = np.flatnonzero(np.concatenate(([True], hs[1:] != hs[:-1], [True])))
                counts = np.diff(edges)
                dense_hashes = np.sort(hs[edges[:-1]][counts >= max(2, len(part) * DENSE_MIN_FRACTION)])
                table = _PerfectTable(dense_hashes)
            dn, rows, sp = table.split(h)  # integer indices: faster than boolean selections
            dmat = np.zeros((max(1, len(dense_hashes)), len(part)), dtype=bool)
            dmat[rows, local[dn]] = True
            dmat = np.packbits(dmat, axis=1)  # 2048 docs -> 256 bytes per token
            h, local = h[sp], local[sp]  # starts/ends are only needed for new tokens: index later
        key = (h << np.uint64(_DOC_BITS)) | local.astype(np.uint64)
        order = np.argsort(key)
        first = _run_starts(key[order])
        order = order[first]
        hs = h[order]
        newh = _run_starts(hs)
        sel = order[newh]
        if sp is not None:
            sel = sp[sel]
        ids_u = vocab.map(hs[newh], buf, starts[sel], ends[sel], sel >= n_words)
        tok = ids_u[np.cumsum(newh) - 1]
        chunks.append((tok, (local[order] + base).astype(np.int32), dmat))
    if dense and len(dense_hashes):
        # dense tokens need ids too: map them in the first chunk's buffer order via a tiny scan
        chunks.append(("dense", dense_hashes))
    return chunks


def _assemble(chunks: list[tuple], vocab: _VocabBuilder, n: int, dense_ids: np.ndarray) -> FieldPostings:
    """Merge per-chunk sorted (token, doc) runs into one CSR grouped by token (counting placement)."""
    parts = [c for c in chunks if not isinstance(c[0], str)]
    v = len(vocab.tokens)
    counts = np.zeros(v, dtype=np.int64)
    for tok, _docs, _d in parts:
        counts += np.bincount(tok, minlength=v)
    indptr = np.zeros(v + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    docs = np.empty(int(indptr[-1]), dtype=np.int32)
    cursor = indptr[:-1].copy()
    for tok, d, _dm in parts:
        if not len(tok):
            continue
        run = np.concatenate(([True], tok[1:] != tok[:-1]))
        run_start = np.flatnonzero(run)
        run_len = np.diff(np.concatenate((run_start, [len(tok)])))
        rank = np.arange(len(tok)) - np.repeat(run_start, run_len)
        docs[cursor[tok] + rank] = d
        cursor[tok[run_start]] += run_len
    dense_row = np.full(v, -1, dtype=np.int32)
    df = counts.astype(np.int32)
    width = (n + 63) // 64 * 8  # whole uint64 words, so ORs can run 8 bytes at a time
    if len(dense_ids):
        bitmaps = np.concatenate([dm[: len(dense_ids)] for _t, _d, dm in parts], axis=1)
        if bitmaps.shape[1] != width:
            bitmaps = np.concatenate(
                (bitmaps, np.zeros((len(dense_ids), width - bitmaps.shape[1]), np.uint8)), axis=1)
        dense_row[dense_ids] = np.arange(len(dense_ids), dtype=np.int32)
        if hasattr(np, "bitwise_count"):  # numpy >= 2: popcount 8 bytes at a time
            df[dense_ids] = np.bitwise_count(bitmaps.view(np.uint64)).sum(axis=1, dtype=np.int64)
        else:
            df[dense_ids] = _POPCOUNT[bitmaps].sum(axis=1, dtype=np.int64)
    else:
        bitmaps = np.zeros((0, width), dtype=np.uint8)
    # forward (document -> sparse tokens) copy of the same pairs: a term matching a large share of
    # the vocabulary ("e", "st") is scored by one pass over it instead of a gather per token.
    # Chunks are in document order and a chunk's local ids fit 16 bits: a stable radix argsort.
    fwd_parts = []
    doc_counts = np.zeros(n, dtype=np.int64)
    for tok, d, _dm in parts:
        if not len(tok):
            continue
        base = int(d.min())
        order = np.argsort((d - base).astype(np.int16), kind="stable")
        fwd_parts.append(tok[order].astype(np.int32))
        doc_counts += np.bincount(d, minlength=n)
    fwd_indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(doc_counts, out=fwd_indptr[1:])
    fwd_tok = np.concatenate(fwd_parts) if fwd_parts else np.zeros(0, dtype=np.int32)
    return FieldPostings(indptr=indptr, docs=docs, dense_row=dense_row, bitmaps=bitmaps, df=df,
                         fwd_indptr=fwd_indptr, fwd_tok=fwd_tok)


@dataclass(slots=True)
class Vocabulary:
    """All tokens, with byte-level scan structures for words and compounds separately."""

    tokens: list[str]
    words: _Scan
    compounds: _Scan


class _Scan:
    """Joined lowercase tokens ("\\n"-separated) for vectorized substring search."""

    __slots__ = ("ids", "starts", "lens", "buf")

    def __init__(self, tokens: list[str], ids: np.ndarray) -> None:
        self.ids = ids.astype(np.int32)
        encoded = [tokens[i].encode("utf-8", "replace") for i in ids.tolist()]
        # one "\n" before every token and after the last; no tokens: a single "\n" (from_arrays
        # counts separators, so an empty scan must not have two)
        joined = b"\n" + b"\n".join(encoded) + b"\n" if encoded else b"\n"
        self.buf = np.frombuffer(joined, dtype=np.uint8)
        lens = np.fromiter((len(e) for e in encoded), dtype=np.int64, count=len(encoded))
        self.lens = lens
        self.starts = np.cumsum(np.concatenate(([1], lens[:-1] + 1))) if len(lens) else lens

    @classmethod
    def from_arrays(cls, ids: np.ndarray, buf: np.ndarray) -> _Scan:
        """Rebuild from a saved `ids` and `buf` (starts and lengths follow from the separators)."""
        self = cls.__new__(cls)
        self.ids, self.buf = ids, buf
        nl = np.flatnonzero(buf == 10)
        if len(nl) != len(ids) + 1 or (len(ids) and (nl[0] != 0 or nl[-1] != len(buf) - 1)):
            raise ValueError("corrupt token scan")
        self.starts = nl[:-1] + 1
        self.lens = np.diff(nl) - 1
        return self

    def tokens(self) -> list[str]:
        """The tokens, in `ids` order."""
        if not len(self.ids):
            return []
        return self.buf[1:-1].tobytes().decode("utf-8", "replace").split("\n")

    def find(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(token ids, quality) of tokens containing `term`; quality 3 whole, 2 prefix, 1 inside."""
        t = term.encode("utf-8", "replace")
        if not t or not len(self.ids):
            return np.zeros(0, np.int32), np.zeros(0, np.int8)
        buf = self.buf
        last = len(buf) - len(t) + 1
        if last <= 0:
            return np.zeros(0, np.int32), np.zeros(0, np.int8)
        pos = np.flatnonzero(buf[:last] == t[0])
        for k in range(1, len(t)):
            pos = pos[buf[pos + k] == t[k]]
            if not len(pos):
                break
        if not len(pos):
            return np.zeros(0, np.int32), np.zeros(0, np.int8)
        which = np.searchsorted(self.starts, pos, side="right") - 1
        prefix = pos == self.starts[which]
        quality = np.where(prefix, np.where(self.lens[which] == len(t), 3, 2), 1).astype(np.int8)
        keep = np.concatenate((which[1:] != which[:-1], [True]))
        if not keep.all():  # several hits in one token: keep its best quality
            run = np.flatnonzero(np.concatenate(([True], which[1:] != which[:-1])))
            quality = np.maximum.reduceat(quality, run)
            which = which[run]
        return self.ids[which], quality


@dataclass(slots=True)
class TextIndex:
    """Vocabulary plus title and abstract postings."""

    vocab: Vocabulary
    title: FieldPostings
    abstract: FieldPostings
    n: int

    def nbytes(self) -> int:
        v = self.vocab
        scans = sum(s.buf.nbytes + s.ids.nbytes + s.starts.nbytes + s.lens.nbytes for s in (v.words, v.compounds))
        strings = sum(len(t) + 49 for t in v.tokens) + 8 * len(v.tokens)
        return self.title.nbytes() + self.abstract.nbytes() + scans + strings

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Everything needed by `from_arrays`, as flat numpy arrays (for `readq.search.persist`)."""
        out = {"n": np.asarray([self.n], dtype=np.int64)}
        for name, scan in (("words", self.vocab.words), ("compounds", self.vocab.compounds)):
            out[f"{name}.ids"], out[f"{name}.buf"] = scan.ids, scan.buf
        for name, fp in (("title", self.title), ("abstract", self.abstract)):
            for a in FieldPostings.ARRAYS:
                out[f"{name}.{a}"] = getattr(fp, a)
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> TextIndex:
        """Inverse of `to_arrays`; raises ValueError/KeyError when the arrays are inconsistent."""
        n = int(arrays["n"][0])
        words = _Scan.from_arrays(arrays["words.ids"], arrays["words.buf"])
        compounds = _Scan.from_arrays(arrays["compounds.ids"], arrays["compounds.buf"])
        v = len(words.ids) + len(compounds.ids)
        tokens: list[str] = [""] * v
        for scan in (words, compounds):
            if len(scan.ids) and (scan.ids.min() < 0 or scan.ids.max() >= v):
                raise ValueError("corrupt token ids")
            for i, t in zip(scan.ids.tolist(), scan.tokens()):
                tokens[i] = t
        fields = []
        for name in ("title", "abstract"):
            fp = FieldPostings(**{a: arrays[f"{name}.{a}"] for a in FieldPostings.ARRAYS})
            _check_postings(fp, n, v)
            fields.append(fp)
        return cls(vocab=Vocabulary(tokens=tokens, words=words, compounds=compounds),
                   title=fields[0], abstract=fields[1], n=n)

    @classmethod
    def build(cls, titles: Sequence[str], abstracts: Sequence[str]) -> TextIndex:
        vocab = _VocabBuilder()
        n = len(titles)
        t_chunks = _index_field(titles, vocab, dense=False)
        a_chunks = _index_field(abstracts, vocab, dense=True)
        dense_ids = np.zeros(0, dtype=np.int32)
        if a_chunks and isinstance(a_chunks[-1][0], str):
            dense_hashes = a_chunks.pop()[1]
            ids = [vocab.ids.get(int(h)) for h in dense_hashes.tolist()]
            missing = [i for i, x in enumerate(ids) if x is None]
            if missing:  # a dense token never seen as sparse: recover its spelling from chunk 0
                _recover_dense_spellings(abstracts[:CHUNK_DOCS], dense_hashes, vocab)
                ids = [vocab.ids[int(h)] for h in dense_hashes.tolist()]
            dense_ids = np.asarray(ids, dtype=np.int32)
        title = _assemble(t_chunks, vocab, n, np.zeros(0, dtype=np.int32))
        abstract = _assemble(a_chunks, vocab, n, dense_ids)
        tokens = vocab.tokens
        is_word = ~np.asarray(vocab.compound, dtype=bool)
        all_ids = np.arange(len(tokens), dtype=np.int32)
        vocabulary = Vocabulary(tokens=tokens, words=_Scan(tokens, all_ids[is_word]),
                                compounds=_Scan(tokens, all_ids[~is_word]))
        return cls(vocab=vocabulary, title=title, abstract=abstract, n=n)


def extend_vocabulary(vocab: Vocabulary, tokens: list[str], compound: list[bool]) -> Vocabulary:
    """`vocab` with `tokens` appended (ids continue from the last); for `readq.search.textmerge`."""
    if not tokens:
        return vocab
    first = len(vocab.tokens)
    ids = np.arange(first, first + len(tokens), dtype=np.int32)
    is_compound = np.asarray(compound, dtype=bool)
    scans = []
    for scan, pick in ((vocab.words, ~is_compound), (vocab.compounds, is_compound)):
        more = [tokens[i].encode("utf-8", "replace") for i in np.flatnonzero(pick).tolist()]
        if not more:
            scans.append(scan)
            continue
        tail = np.frombuffer(b"\n".join(more) + b"\n", dtype=np.uint8)
        scans.append(_Scan.from_arrays(np.concatenate((scan.ids, ids[pick])), np.concatenate((scan.buf, tail))))
    return Vocabulary(tokens=vocab.tokens + tokens, words=scans[0], compounds=scans[1])


def _recover_dense_spellings(texts: Sequence[str], dense_hashes: np.ndarray, vocab: _VocabBuilder) -> None:
    """Register tokens that only ever occurred densely (their spelling comes from the first chunk)."""
    buf = _lower_bytes(texts)
    arr = np.frombuffer(buf, dtype=np.uint8)
    n_words, starts, ends = _token_bounds(arr[:-8])
    h = _token_hashes(buf, arr, starts, ends - starts)
    missing = {int(x) for x in dense_hashes.tolist()} - vocab.ids.keys()
    if not missing:
        return
    want = np.array(sorted(missing), dtype=np.uint64)
    at = np.minimum(np.searchsorted(want, h), len(want) - 1)
    hits = np.flatnonzero(want[at] == h)
    _u, first = np.unique(at[hits], return_index=True)  # first occurrence of each wanted hash
    for i in np.sort(hits[first]).tolist():  # registered in token order, like a scan would
        vocab.add(int(h[i]), buf[int(starts[i]) : int(ends[i])], i >= n_words)


def _check_postings(fp: FieldPostings, n: int, v: int) -> None:
    """Cheap structural checks of loaded postings: anything that could index out of bounds."""
    ok = (
        fp.indptr.shape == (v + 1,) and fp.fwd_indptr.shape == (n + 1,)
        and fp.dense_row.shape == (v,) and fp.df.shape == (v,)
        and fp.bitmaps.ndim == 2 and fp.bitmaps.shape[1] == (n + 63) // 64 * 8
        and int(fp.indptr[0]) == 0 and int(fp.indptr[-1]) == len(fp.docs)
        and int(fp.fwd_indptr[0]) == 0 and int(fp.fwd_indptr[-1]) == len(fp.fwd_tok)
        and len(fp.docs) == len(fp.fwd_tok)
        and bool(np.all(fp.indptr[1:] >= fp.indptr[:-1])) and bool(np.all(fp.fwd_indptr[1:] >= fp.fwd_indptr[:-1]))
        and (not len(fp.docs) or (int(fp.docs.min()) >= 0 and int(fp.docs.max()) < n))
        and (not len(fp.fwd_tok) or (int(fp.fwd_tok.min()) >= 0 and int(fp.fwd_tok.max()) < v))
        and (not v or (int(fp.dense_row.min()) >= -1 and int(fp.dense_row.max()) < len(fp.bitmaps)))
    )
    if not ok:
        raise ValueError("corrupt postings")
