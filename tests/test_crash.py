"""Crash torture: SIGKILL a process changing the library at random instants, then check the disk.

Why: `set_status`/`set_starred`/`revert` promise durability when they return and imports promise
all-or-nothing; only killing a real process mid-write shows both. The harness is
`helpers/torture.py` (bench/torture.py runs it for minutes); here it runs a few seconds.
"""

from __future__ import annotations

from pathlib import Path

from helpers.torture import State, TortureStats, _Checker, run_torture
from readq.store.atomic import TMP_PREFIX
from readq.store import Library
from readq.model import Entry, Source


def test_killed_writer_loses_no_acknowledged_change(tmp_path: Path) -> None:
    stats = run_torture(tmp_path / "lib", seconds=4.0, rounds=40, seed=20250301, max_life=0.12)
    assert stats.problems == []
    assert (stats.lost, stats.unexpected, stats.torn) == (0, 0, 0)
    assert stats.kills >= 5 and stats.acknowledged > 0


def test_leftover_temporaries_are_removed_on_next_start(tmp_path: Path) -> None:
    Library(tmp_path).ingest([Entry(title="A paper that survives", source=Source(file="a.txt"))])
    stray = tmp_path / f"{TMP_PREFIX}crashed"
    stray.write_bytes(b'{"half": ')
    reopened = Library(tmp_path).load()
    assert not stray.exists()
    assert any("temporary" in w for w in reopened.warnings)
    assert len(reopened) == 1


# The checker itself must catch what it is there to catch, or a green torture run means nothing.
def _checker(state: State) -> tuple[_Checker, TortureStats]:
    stats = TortureStats()
    checker = _Checker(dict(state), stats)
    return checker, stats


def test_checker_counts_a_lost_acknowledged_change() -> None:
    checker, stats = _checker({"a": ("new", False), "b": ("new", False)})
    checker.replay([b'B {"n":1,"kind":"ops","ops":[["a","status","read"]]}', b'A {"n":1}'])
    checker.check({"a": ("new", False), "b": ("new", False)}, {}, None)
    assert stats.lost == 1 and stats.unexpected == 0


def test_checker_counts_a_change_nobody_made() -> None:
    checker, stats = _checker({"a": ("new", False), "b": ("new", False)})
    checker.check({"a": ("new", False), "b": ("new", True)}, {}, None)
    assert stats.unexpected == 1 and stats.lost == 0


def test_checker_accepts_either_outcome_of_the_transaction_in_flight_but_not_half() -> None:
    before = {"a": ("new", False), "b": ("new", False)}
    flight = [b'B {"n":1,"kind":"ops","ops":[["a","starred",true],["b","starred",true]]}']
    for observed, torn in (
        (before, 0),
        ({"a": ("new", True), "b": ("new", True)}, 0),
        ({"a": ("new", True), "b": ("new", False)}, 1),
    ):
        checker, stats = _checker(before)
        pending = checker.replay(flight)
        checker.check(observed, {}, pending)
        assert (stats.torn, stats.lost, stats.unexpected) == (torn, 0, 0)


def test_checker_accepts_an_in_flight_import_whole_or_absent() -> None:
    checker, stats = _checker({"a": ("new", False)})
    pending = checker.replay([b'B {"n":1,"kind":"import","titles":["T1","T2"]}'])
    observed = {"a": ("new", False), "x": ("new", False), "y": ("new", False)}
    checker.check(observed, {"a": "A", "x": "T1", "y": "T2"}, pending)
    assert stats.problems == [] and stats.in_flight_landed == 1
    checker, stats = _checker({"a": ("new", False)})
    pending = checker.replay([b'B {"n":1,"kind":"import","titles":["T1","T2"]}'])
    checker.check({"a": ("new", False), "x": ("new", False)}, {"a": "A", "x": "T1"}, pending)
    assert stats.torn == 1
