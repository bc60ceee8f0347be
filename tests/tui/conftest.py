"""TUI fixtures: a library built from the real sample digests, copied fresh for every test."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from readq.ingest import import_paths
from readq.store import Library

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="session")
def _seed_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "library"
    report = import_paths(Library(path), [str(ROOT / "sample_digests")], today=TODAY)
    assert report.new > 400
    return path


@pytest.fixture
def tmp_library(_seed_library: Path, tmp_path: Path) -> Path:
    """A private copy of the seeded library (tests write to it)."""
    path = tmp_path / "library"
    shutil.copytree(_seed_library, path)
    return path


@pytest.fixture
def fresh(tmp_library: Path):
    """Open the library on disk again, as another process would."""

    def open_fresh() -> Library:
        return Library(tmp_library).load()

    return open_fresh


async def _workers_done(pilot: Pilot) -> None:
    """Wait for the running workers; a poll superseded by the next tick is cancelled, which is fine."""
    for _ in range(20):
        try:
            await pilot.app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue


async def settle(pilot: Pilot) -> None:
    """Wait until loading, indexing and search workers have reported and the screen caught up."""
    for _ in range(100):
        await _workers_done(pilot)
        await pilot.pause()
        session = getattr(pilot.app.screen, "session", None)
        if session is None or not session.papers or session.index is not None:
            break
        await pilot.pause(0.05)  # the index build starts just after the list is painted
    for _ in range(2):
        await _workers_done(pilot)
        await pilot.pause()
