"""When the garbage collector may run: full collections wait until the user is idle.

Why: CPython's automatic full (generation-2) collection walks every tracked object not frozen, the
app's long-lived data plus the strips and caches Textual keeps for rendering; at 100k papers that
took tens of milliseconds and landed in the middle of typing (bench/README.md has the figures).
Three measures:

* `freeze()` after the library and its search index are installed, and again once the index's
  warm-up thread has built its tables, moves them out of the collector's generations
  (`gc.freeze`), so a collection no longer walks them.
* `IdleCollector` raises the generation-2 threshold so that full collections no longer start by
  themselves, and runs one when no key was pressed for `idle_s` (at most every `every_s`).
  Only garbage that survived two collections waits for a pause in typing.
* Young collections wait for the frame: a filter keystroke leaves a few thousand new tracked
  objects (rows, strips, caches), which at CPython's default threshold would start young
  collections inside every keystroke. The threshold is raised so they rarely start by
  themselves, and `after_frame` (called shortly after each input, when its frame is normally on
  screen) collects the young generations in the gap before the next key.
"""

from __future__ import annotations

import gc
import time

# Full collections start only after this many generation-1 collections (default 10): in practice
# never by themselves while the app runs; `IdleCollector.tick` runs them instead.
_GEN2_THRESHOLD = 1_000_000
# Young collections start by themselves only after this many net new objects (default 700):
# a backstop for long bursts of input; `IdleCollector.after_frame` runs them in practice.
_GEN0_THRESHOLD = 30_000
# `after_frame` collects once this many objects are waiting (a handful of keystrokes' worth).
_YOUNG_BATCH = 1_000


def freeze() -> None:
    """Exclude everything alive now from future collections (long-lived session data)."""
    gc.freeze()


class IdleCollector:
    """Run full collections in the pauses between keystrokes. Call `tick` from a timer."""

    def __init__(self, *, idle_s: float = 1.0, every_s: float = 10.0) -> None:
        self.idle_s = idle_s
        self.every_s = every_s
        self.last_input = time.monotonic()
        self.last_full = time.monotonic()
        self._saved: tuple[int, int, int] | None = None

    def install(self) -> None:
        if self._saved is None:
            self._saved = gc.get_threshold()
            _, gen1, _ = self._saved
            gc.set_threshold(_GEN0_THRESHOLD, gen1, _GEN2_THRESHOLD)

    def uninstall(self) -> None:
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def note_input(self) -> None:
        self.last_input = time.monotonic()

    def after_frame(self) -> bool:
        """Collect the young generations now that the frame is shown; True if it did."""
        if self._saved is None or gc.get_count()[0] < _YOUNG_BATCH:
            return False
        gc.collect(1)
        return True

    def tick(self) -> bool:
        """Collect everything if the user has been idle long enough; True if it did."""
        now = time.monotonic()
        if now - self.last_input < self.idle_s or now - self.last_full < self.every_s:
            return False
        gc.collect()
        self.last_full = time.monotonic()
        return True
