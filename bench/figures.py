"""The figures of one library size, and the statistics that turn samples into them.

Every figure is a median over repeated runs, latencies also a p95; values are rounded where they
are stored so the JSON and the table show the same numbers.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def p95(xs: list[float]) -> float | None:
    if not xs:
        return None
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(0.95 * (len(s) - 1))))]  # nearest rank on the sorted samples


def rnd(x: float | None, nd: int = 4) -> float | None:
    return None if x is None else round(x, nd)


def ratio(a: Any, b: Any) -> float | None:
    """readq/peer to three significant digits (< 1: readq is faster or smaller); None if either is missing."""
    return float(f"{a / b:.3g}") if a is not None and b else None


@dataclass(frozen=True)
class Repeats:
    """How many runs a figure gets at one size: `every` (the --repeat value) for cheap figures, and
    `whole` for whole-process figures, capped at 3 at >= 50k papers (`heavy`), where a run takes
    seconds and the peers' take minutes."""

    heavy: bool
    every: int
    whole: int

    @classmethod
    def at(cls, n: int, repeat: int) -> Repeats:
        heavy = n >= 50_000
        return cls(heavy, repeat, max(1, min(repeat, 3)) if heavy else repeat)


@dataclass
class Figures:
    """One size's results as written to the JSON: the headline figures (`res`, keys in `report.KEYS`),
    the extras, the peers' figures and the readq/peer ratios. Measurements fill them in the order
    they run, which is the order the JSON keeps."""

    papers: int
    res: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    peer: dict[str, Any] = field(default_factory=dict)
    ratios: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.res["papers"] = self.papers

    def as_json(self) -> dict[str, Any]:
        return {**self.res, "extra": self.extra, "peers": self.peer, "ratios": self.ratios}
