"""A hybrid logical clock (HLC): the order every device agrees on for its changes.

Each change is stamped with (wall milliseconds, counter, device id). The wall part keeps stamps
close to real time, so "the later change wins" means what the user expects when clocks are
roughly right; the counter keeps stamps strictly increasing on one device even when its wall
clock steps backwards (NTP, a laptop waking up, a wrong time zone fix), and `observe` moves the
clock past every stamp seen from other devices, so a change made after reading another device's
change always sorts after it. The device id breaks the remaining ties, so no two devices' stamps
are ever equal and every device orders all stamps the same way.

A stamp is written as a fixed-width string that sorts like the stamp itself, so logs, snapshots
and tests can compare the strings directly.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

WALL_DIGITS = 15  # milliseconds since 1970: fixed width until the year 33658
COUNTER_DIGITS = 6  # changes within one millisecond (or while the wall clock lags) before wall+1
COUNTER_MAX = 10**COUNTER_DIGITS - 1
DEVICE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_STAMP_RE = re.compile(rf"^(\d{{{WALL_DIGITS}}})\.(\d{{{COUNTER_DIGITS}}})\.([A-Za-z0-9_-]{{1,64}})$")


def valid_device(device: str) -> bool:
    """True for a usable device id: 1-64 letters, digits, '-' or '_' (it names a folder)."""
    return isinstance(device, str) and bool(DEVICE_RE.match(device))


@dataclass(frozen=True, order=True, slots=True)
class Stamp:
    """One clock reading: ordered by wall time, then counter, then device id."""

    wall: int
    counter: int
    device: str

    def encode(self) -> str:
        """The sortable string form: `WWWWWWWWWWWWWWW.CCCCCC.device`."""
        return f"{self.wall:0{WALL_DIGITS}d}.{self.counter:0{COUNTER_DIGITS}d}.{self.device}"

    @classmethod
    def parse(cls, text: str) -> Stamp:
        """Read an encoded stamp; `ValueError` if it is not one."""
        match = _STAMP_RE.match(text) if isinstance(text, str) else None
        if match is None:
            raise ValueError(f"not a clock stamp: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)), match.group(3))

    def __str__(self) -> str:
        return self.encode()


def wall_ms() -> int:
    """The wall clock in milliseconds (the physical part of the HLC)."""
    return time.time_ns() // 1_000_000


class HybridClock:
    """The clock of one device: `tick` for a local change, `observe` for a remote one.

    `now` is injectable so tests can simulate skewed and backwards-running wall clocks.
    """

    def __init__(self, device: str, *, now: Callable[[], int] = wall_ms, last: Stamp | None = None) -> None:
        if not valid_device(device):
            raise ValueError(f"not a valid device id: {device!r}")
        self.device = device
        self._now = now
        self._wall = last.wall if last is not None else 0
        self._counter = last.counter if last is not None else -1

    @property
    def last(self) -> tuple[int, int]:
        """The (wall, counter) of the latest stamp issued or observed."""
        return self._wall, self._counter

    def tick(self) -> Stamp:
        """A stamp for a local change: greater than every stamp issued or observed before."""
        physical = self._now()
        if physical > self._wall:
            self._wall, self._counter = physical, 0
        else:
            self._advance()
        return Stamp(self._wall, self._counter, self.device)

    def observe(self, remote: Stamp) -> None:
        """Take in a stamp read from another device, so later local stamps sort after it."""
        if (remote.wall, remote.counter) > (self._wall, self._counter):
            self._wall, self._counter = remote.wall, remote.counter

    def _advance(self) -> None:
        if self._counter >= COUNTER_MAX:  # a million changes in one millisecond: borrow the next one
            self._wall, self._counter = self._wall + 1, 0
        else:
            self._counter += 1
