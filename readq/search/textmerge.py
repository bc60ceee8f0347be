"""Fold a few new documents into a saved text index: `merge_indexes`.

A daily digest adds a few hundred papers to a library of 100k. Tokenizing every title and
abstract again for them is what made such an import cost seconds; instead the new papers get a
small index of their own and the two are merged array by array, without tokenizing the old text:

* Positions. Both indexes name documents by position. The caller says where each old document
  goes (or -1 when its text changed or it is gone) and where each new one goes. Old documents
  must keep their relative order: the catalogue order (newest first) does not change between
  papers an import left alone, so their postings stay ascending after the remap and no sort of
  the old postings is needed. New pairs (few) are sorted and inserted with one `searchsorted`.
* Vocabulary. Old token ids are kept; new tokens are appended. Tokens are matched by their
  (lowercase) spelling, which is what the index hashes.
* Dense tokens (the frequent ones stored as bitmaps) are those of the old index; the new index's
  own dense tokens become postings. A bitmap row's columns move with their documents.
* The forward copy (tokens per document) of the old documents is reused as it is, in order;
  the order of tokens within a document does not matter to its readers (a per-document max).

The result answers every query as an index built from scratch over the same texts would
(`tests/test_textmerge.py` checks that on random corpora); only token ids and the choice of
dense tokens may differ.
"""

from __future__ import annotations

import numpy as np

from readq.search.textindex import FieldPostings, TextIndex, extend_vocabulary

__all__ = ["merge_indexes"]

_ROWS = 128


def merge_indexes(old: TextIndex, old_pos: np.ndarray, new: TextIndex, new_pos: np.ndarray, n: int) -> TextIndex:
    """One index over `n` documents: old document `d` at `old_pos[d]` (dropped when -1), new
    document `j` at `new_pos[j]`. Kept old positions must increase with `d`, new positions with
    `j`, and together they must cover `range(n)` exactly once (ValueError otherwise)."""
    old_pos = np.asarray(old_pos, dtype=np.int64)
    new_pos = np.asarray(new_pos, dtype=np.int64)
    kept = old_pos >= 0
    kept_pos = old_pos[kept]
    if old_pos.shape != (old.n,) or new_pos.shape != (new.n,):
        raise ValueError("a position per document is needed")
    if np.any(np.diff(kept_pos) <= 0) or np.any(np.diff(new_pos) <= 0):
        raise ValueError("positions must increase")
    cover = np.zeros(n, dtype=np.int8)
    if len(kept_pos) + len(new_pos) != n or (n and (
            min(kept_pos.min(initial=n), new_pos.min(initial=n)) < 0
            or max(kept_pos.max(initial=-1), new_pos.max(initial=-1)) >= n)):
        raise ValueError("positions must cover every document once")
    np.add.at(cover, kept_pos, 1)
    np.add.at(cover, new_pos, 1)
    if not np.all(cover == 1):
        raise ValueError("positions must cover every document once")

    v_old = len(old.vocab.tokens)
    lookup = {t: i for i, t in enumerate(old.vocab.tokens)}
    new_compound = np.zeros(len(new.vocab.tokens), dtype=bool)
    new_compound[new.vocab.compounds.ids] = True
    tok_map = np.empty(len(new.vocab.tokens), dtype=np.int64)
    added: list[str] = []
    added_compound: list[bool] = []
    for j, token in enumerate(new.vocab.tokens):
        g = lookup.get(token)
        if g is None:
            g = lookup[token] = v_old + len(added)
            added.append(token)
            added_compound.append(bool(new_compound[j]))
        tok_map[j] = g
    vocab = extend_vocabulary(old.vocab, added, added_compound)
    v = len(vocab.tokens)
    is_old = np.zeros(n, dtype=bool)
    is_old[kept_pos] = True
    title = _merge_field(old.title, old_pos, new.title, new.n, new_pos, tok_map, v, n, is_old)
    abstract = _merge_field(old.abstract, old_pos, new.abstract, new.n, new_pos, tok_map, v, n, is_old)
    return TextIndex(vocab=vocab, title=title, abstract=abstract, n=n)


def _pairs(fp: FieldPostings, n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (token, document) pair of a field, sparse and dense, as two int64 arrays."""
    tok = np.repeat(np.arange(len(fp.indptr) - 1, dtype=np.int64), np.diff(fp.indptr))
    docs = fp.docs.astype(np.int64)
    dense = np.flatnonzero(fp.dense_row >= 0)
    if len(dense) and n_docs:
        bits = np.unpackbits(fp.bitmaps[fp.dense_row[dense]], axis=1)[:, :n_docs]
        rows, cols = np.nonzero(bits)
        tok = np.concatenate((tok, dense[rows].astype(np.int64)))
        docs = np.concatenate((docs, cols.astype(np.int64)))
    return tok, docs


def _merge_field(o: FieldPostings, old_pos: np.ndarray, nf: FieldPostings, new_n: int, new_pos: np.ndarray,
                 tok_map: np.ndarray, v: int, n: int, is_old: np.ndarray) -> FieldPostings:
    v_old = len(o.indptr) - 1
    old_n = len(old_pos)
    dense_row = np.full(v, -1, dtype=np.int32)
    dense_row[:v_old] = o.dense_row
    width = (n + 63) // 64 * 8

    # the new documents' pairs, in merged ids and positions; the old dense tokens go to bitmaps
    ntok, ndoc = _pairs(nf, new_n)
    ntok, ndoc = tok_map[ntok], new_pos[ndoc]
    to_bits = dense_row[ntok] >= 0
    bit_tok, bit_doc = ntok[to_bits], ndoc[to_bits]
    ntok, ndoc = ntok[~to_bits], ndoc[~to_bits]

    # the old sparse pairs, remapped: still grouped by token, ascending within a token
    otok = np.repeat(np.arange(v_old, dtype=np.int64), np.diff(o.indptr))
    odoc = old_pos[o.docs]
    keep = odoc >= 0
    otok, odoc = otok[keep], odoc[keep]
    nkeys = ntok * n + ndoc
    by_key = np.argsort(nkeys)
    at = np.searchsorted(otok * n + odoc, nkeys[by_key])
    tok_all = np.insert(otok, at, ntok[by_key])
    docs = np.insert(odoc, at, ndoc[by_key]).astype(np.int32)
    counts = np.bincount(tok_all, minlength=v)
    indptr = np.zeros(v + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])

    k = len(o.bitmaps)
    df = counts.astype(np.int32)
    if k:
        bitmaps = np.zeros((k, width), dtype=np.uint8)
        row_df = np.zeros(k, dtype=np.int64)
        bit_row = dense_row[bit_tok]
        for r0 in range(0, k, _ROWS):  # a block of rows at a time: unpacked bits take a byte each
            r1 = min(k, r0 + _ROWS)
            bits = np.zeros((r1 - r0, n), dtype=np.uint8)
            if old_n:
                _move_columns(np.unpackbits(o.bitmaps[r0:r1], axis=1), old_pos, bits)
            mine = (bit_row >= r0) & (bit_row < r1)
            bits[bit_row[mine] - r0, bit_doc[mine]] = 1
            packed = np.packbits(bits, axis=1)
            bitmaps[r0:r1, : packed.shape[1]] = packed
            row_df[r0:r1] = bits.sum(axis=1, dtype=np.int64)
        rows = np.flatnonzero(dense_row >= 0)
        df[rows] = row_df[dense_row[rows]]
    else:
        bitmaps = np.zeros((0, width), dtype=np.uint8)

    # forward copy: old documents' token runs as they were, new documents' from their pairs
    per_doc = np.zeros(n, dtype=np.int64)
    old_lens = np.diff(o.fwd_indptr)
    kept = old_pos >= 0
    per_doc[old_pos[kept]] = old_lens[kept]
    order = np.argsort(ndoc, kind="stable")
    per_doc += np.bincount(ndoc, minlength=n)
    fwd_indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(per_doc, out=fwd_indptr[1:])
    fwd_tok = np.empty(int(fwd_indptr[-1]), dtype=np.int32)
    from_old = np.repeat(is_old, per_doc)
    fwd_tok[from_old] = o.fwd_tok[np.repeat(kept, old_lens)]
    fwd_tok[~from_old] = ntok[order]
    return FieldPostings(indptr=indptr, docs=docs, dense_row=dense_row, bitmaps=bitmaps, df=df,
                         fwd_indptr=fwd_indptr, fwd_tok=fwd_tok)


def _move_columns(src: np.ndarray, old_pos: np.ndarray, out: np.ndarray) -> None:
    """`out[:, old_pos[d]] = src[:, d]` for the kept columns, as one slice copy per run of
    columns that move together (a fancy-indexed scatter over every row is several times slower;
    an import makes few runs: its papers are mostly the newest)."""
    kept = np.flatnonzero(old_pos >= 0)
    if not len(kept):
        return
    dest = old_pos[kept]
    breaks = np.flatnonzero((np.diff(kept) != 1) | (np.diff(dest) != 1)) + 1
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks, [len(kept)]))
    for a, b in zip(starts.tolist(), ends.tolist()):
        s, d = int(kept[a]), int(dest[a])
        out[:, d : d + b - a] = src[:, s : s + b - a]
