"""The papers' tf-idf rows kept on disk, so ranking 100k papers does not re-read all their text.

Tokenizing every abstract is the for-you pass's one slow step (tens of seconds at 100k papers);
the rows do not change unless a paper's text does. The cache holds each row with its paper's id
and a checksum of its text, plus the document frequencies its idf came from: papers new to the
cache (or whose text changed) are vectorized alone and weighted with the cached frequencies
(updated with theirs). When more than a quarter of the rows would be new, everything is rebuilt.
The last trained model is kept too, keyed by the decisions it learned from, so ranking again
without a new decision skips training (and importing scikit-learn).
Derived data in the library's `cache/` directory: safe to delete.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from readq.foryou.features import Features, count_rows, doc_freq, paper_text, tfidf
from readq.foryou.model import TasteModel
from readq.model import Paper

CACHE_FILE = "foryou-rows.npz"
FORMAT = 1
REBUILD_SHARE = 0.25


def checksum(paper: Paper) -> int:
    return zlib.crc32(paper_text(paper).encode("utf-8"))


def _read(path: Path) -> dict[str, Any] | None:
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as z:
            data = {k: z[k] for k in z.files}
        if int(data["format"]) != FORMAT:
            return None
        return data
    except (OSError, ValueError, KeyError, EOFError):
        return None  # missing or damaged: rebuilt


def _write(path: Path, ids: Sequence[str], sums: Any, x: Any, df: Any, n: int) -> None:
    import numpy as np

    _save(path, format=np.int64(FORMAT), ids=np.asarray(ids, dtype=str), sums=sums, data=x.data,
          indices=x.indices, indptr=x.indptr, shape=np.asarray(x.shape), df=df, n=np.int64(n))


def _save(path: Path, **arrays: Any) -> None:
    """Write an .npz atomically (temp file, then rename); a failure only means no cache."""
    import numpy as np

    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".foryou-", suffix=".npz", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)  # a read-only library still ranks, just uncached


def load_or_build(papers: Sequence[Paper], cache_dir: Path | None) -> Features:
    """Features for `papers` (in order), reusing and refreshing the cache in `cache_dir`."""
    import numpy as np
    from scipy.sparse import csr_matrix, vstack

    papers = list(papers)
    if cache_dir is None:
        return Features.build(papers)
    path = Path(cache_dir) / CACHE_FILE
    sums = np.fromiter((checksum(p) for p in papers), dtype=np.uint32, count=len(papers))
    data = _read(path)
    ids = [p.id for p in papers]
    if data is not None:
        cached_row = {pid: i for i, pid in enumerate(data["ids"].tolist())}
        cached_sums = data["sums"]
        where = np.full(len(papers), -1, dtype=np.int64)
        for i, pid in enumerate(ids):
            j = cached_row.get(pid)
            if j is not None and cached_sums[j] == sums[i]:
                where[i] = j
        missing = np.flatnonzero(where < 0)
        if len(missing) <= REBUILD_SHARE * len(papers):
            old = csr_matrix((data["data"], data["indices"], data["indptr"]), shape=tuple(data["shape"]))
            df, n = data["df"], int(data["n"])
            if len(missing):
                counts = count_rows([papers[i] for i in missing])
                df, n = df + doc_freq(counts), n + len(missing)
                where[missing] = old.shape[0] + np.arange(len(missing))
                old = vstack([old, tfidf(counts, df=df, n=n)], format="csr")
            x = old if np.array_equal(where, np.arange(old.shape[0])) else old[where]
            if len(missing) or len(cached_row) != len(papers):
                _write(path, ids, sums, x, df, n)
            return Features.of(ids, x)
    counts = count_rows(papers)
    df = doc_freq(counts)
    x = tfidf(counts, df=df, n=len(papers))
    _write(path, ids, sums, x, df, len(papers))
    return Features.of(ids, x)


MODEL_FILE = "foryou-model.npz"


def model_key(labels: Mapping[str, int], kind: str) -> str:
    """Identifies a training set: the same decisions give the same model (training is seeded)."""
    h = hashlib.blake2b(f"{FORMAT}:{kind}".encode(), digest_size=16)
    for pid in sorted(labels):
        h.update(f"{pid}={labels[pid]};".encode())
    return h.hexdigest()


def load_model(cache_dir: Path | None, key: str) -> TasteModel | None:
    """The model trained on exactly these decisions, if the last pass saved it."""
    if cache_dir is None:
        return None
    data = _read(Path(cache_dir) / MODEL_FILE)
    if data is None or str(data["key"]) != key:
        return None
    centroid = data["centroid"] if data["centroid"].size else None
    return TasteModel(str(data["kind"]), data["coef"], float(data["intercept"]), int(data["positives"]),
                      int(data["negatives"]), centroid, float(data["centroid_weight"]))


def save_model(cache_dir: Path | None, key: str, model: TasteModel) -> None:
    import numpy as np

    if cache_dir is None:
        return
    path = Path(cache_dir) / MODEL_FILE
    _save(path, format=np.int64(FORMAT), key=np.asarray(key), kind=np.asarray(model.kind),
          coef=model.coef, intercept=np.float64(model.intercept),
          positives=np.int64(model.positives), negatives=np.int64(model.negatives),
          centroid=model.centroid if model.centroid is not None else np.zeros(0, np.float32),
          centroid_weight=np.float64(model.centroid_weight))


SUBPROCESS_MIN_PAPERS = 5000  # below this, vectorizing in the calling thread takes < 5 s


def needs_subprocess(cache_dir: Path | None, papers: int) -> bool:
    """Whether the app should vectorize in another process: a big library with no cache yet.

    Tokenizing is pure Python and holds the GIL: a minute of it in a thread (100k papers) would
    make the app's own thread wait at every step; a process leaves the app its interpreter.
    """
    return cache_dir is not None and papers >= SUBPROCESS_MIN_PAPERS and not (
        Path(cache_dir) / CACHE_FILE).exists()


def build_in_subprocess(library_path: Path) -> bool:
    """Fill the library's features cache from a separate process; True once it is written."""
    import subprocess
    import sys

    code = "import sys; from readq.foryou.cache import build_for_library; build_for_library(sys.argv[1])"
    try:
        done = subprocess.run([sys.executable, "-c", code, str(library_path)], capture_output=True,
                              check=False, timeout=3600)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def build_for_library(library_path: str) -> None:
    """Vectorize every paper of the library at `library_path` into its cache."""
    from readq.store import Library

    library = Library(library_path)
    load_or_build(library.papers(), library.cache_dir)
