"""The store: a readq library on disk, and the one object (`Library`) that reads and changes it.

Modules, one job each: `library` (the API), `layout` (the catalogue file format), `journal` (the
append-only change log), `ops` (what an operation may change), `view` (answers read straight
from the catalogue file), `tinydb_storage` (TinyDB storages, including the read-only one scripts
use), `atomic` (durable file primitives), `idtable` (the sorted id file `mark` bisects), `forked` (the
import's index builder process), `errors`.
"""

from readq.store.errors import AmbiguousId, LibraryCorrupt, LibraryError, StaleLayout, UnknownId
from readq.store.library import COMPACT_AFTER_OPS, IngestReport, Library, paused_gc
from readq.store.ops import IDENTITY_FIELDS, Change, clean_tag
from readq.store.view import CatalogView, Selected

__all__ = [
    "COMPACT_AFTER_OPS",
    "IDENTITY_FIELDS",
    "AmbiguousId",
    "CatalogView",
    "Change",
    "IngestReport",
    "Library",
    "LibraryCorrupt",
    "LibraryError",
    "Selected",
    "StaleLayout",
    "UnknownId",
    "clean_tag",
    "paused_gc",
]
