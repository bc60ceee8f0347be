"""Layout snapshots (fixed sizes, seeded library). Regenerate with `pytest --snapshot-update`."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from readq.tui.app import ReadqApp
from tests.tui.conftest import settle


async def _loaded(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.pause(0.2)  # the detail pane follows the cursor after a short rest
    await settle(pilot)


def test_main_wide(snap_compare, tmp_library: Path) -> None:
    assert snap_compare(ReadqApp(tmp_library, poll_interval=3600), terminal_size=(160, 48), run_before=_loaded)


def test_main_narrow(snap_compare, tmp_library: Path) -> None:
    assert snap_compare(ReadqApp(tmp_library, poll_interval=3600), terminal_size=(80, 24), run_before=_loaded)


def test_filtered_with_highlights(snap_compare, tmp_library: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _loaded(pilot)
        await pilot.press("slash", *"videollamb", "enter")
        await _loaded(pilot)
        pilot.app.screen.elapsed_ms = 0.0  # timing varies run to run
        await pilot.pause()

    assert snap_compare(ReadqApp(tmp_library, poll_interval=3600), terminal_size=(160, 48), run_before=run_before)


def test_help_screen(snap_compare, tmp_library: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(ReadqApp(tmp_library, poll_interval=3600), terminal_size=(120, 40), run_before=run_before)


def test_empty_library(snap_compare, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # a relative path keeps the temp dir's name out of the picture
    assert snap_compare(ReadqApp(Path("empty"), poll_interval=3600), terminal_size=(80, 24), run_before=_loaded)
