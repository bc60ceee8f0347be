"""Pilot tests for tags, notes, the for-you order and "more like this", asserting on disk."""

from __future__ import annotations

import contextlib
import stat
import sys
from pathlib import Path

import pytest

from readq.model import Status
from readq.tui.app import ReadqApp
from readq.tui.screens.dialogs import ChoiceDialog
from readq.tui.screens.main import MainScreen
from readq.tui.screens.tags import NoteDialog, TagDialog
from readq.tui.widgets.detail import DetailPane
from readq.tui.widgets.sidebar import Sidebar
from tests.tui.conftest import settle

VIDEOLLAMB = "VideoLLaMB: Long-context Video Understanding with Recurrent Memory Bridges"
SIZE = (120, 40)


def main(app: ReadqApp) -> MainScreen:
    assert isinstance(app.screen, MainScreen), app.screen
    return app.screen


async def find(pilot, text: str) -> None:
    await pilot.press("slash", *text, "enter")
    await settle(pilot)


async def test_tag_add_remove_undo_sidebar_and_filter(tmp_library: Path, fresh) -> None:
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await find(pilot, "videollamb recurrent")
        await pilot.press("T")
        await pilot.pause()
        assert isinstance(app.screen, TagDialog)
        await pilot.press(*"memory video", "enter")
        await settle(pilot)
        pid = main(app).paper_list.current.id
        assert fresh().get(pid).tags == ("memory", "video")
        sidebar = app.screen.query_one(Sidebar)
        assert sidebar.get_option("tag:video") is not None
        # completion from the tags in use, and removal
        await pilot.press("T")
        await pilot.pause()
        await pilot.press(*"-mem", "tab", "enter")
        await settle(pilot)
        assert fresh().get(pid).tags == ("video",)
        assert "video" in app.screen.query_one(DetailPane).plain
        await pilot.press("u")  # undo brings the removed tag back
        await settle(pilot)
        assert fresh().get(pid).tags == ("video", "memory")
        await pilot.press("escape")  # clear the filter
        await find(pilot, "tag:memory")
        assert [p.id for p in main(app).paper_list.view_papers()] == [pid]


async def test_bulk_tag_on_selection(tmp_library: Path, fresh) -> None:
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "j", "space", "T")
        await pilot.pause()
        await pilot.press(*"batch", "enter")
        await settle(pilot)
        lib = fresh()
        assert lib.tag_counts() == {"batch": 2}
        main(app).queue = "tag:batch"
        await settle(pilot)
        assert main(app).shown == 2


async def test_note_in_app_dialog_then_undo(tmp_library: Path, fresh) -> None:
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await find(pilot, "videollamb recurrent")
        await pilot.press("N")  # headless: no terminal to hand over, so the in-app editor
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"check memory", "ctrl+s")
        await settle(pilot)
        pid = main(app).paper_list.current.id
        assert fresh().get(pid).note == "check memory"
        main(app).action_toggle_detail()
        main(app).action_toggle_detail()
        await settle(pilot)
        assert "check memory" in app.screen.query_one(DetailPane).plain
        await pilot.press("u")
        await settle(pilot)
        assert fresh().get(pid).note is None


async def test_note_through_editor(tmp_library: Path, fresh, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    editor = tmp_path / "fake-editor"
    editor.write_text(f"#!{sys.executable}\nimport sys\nopen(sys.argv[1], 'w').write('from the editor')\n")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    app = ReadqApp(tmp_library)
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)  # as a real terminal allows
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await find(pilot, "videollamb recurrent")
        await pilot.press("N")
        await settle(pilot)
        pid = main(app).paper_list.current.id
    assert fresh().get(pid).note == "from the editor"


async def test_for_you_sort_learns_and_explains(tmp_library: Path, fresh) -> None:
    lib = fresh()
    papers = lib.papers()
    kept = [p.id for p in papers if "3d" in p.title.lower().split() or "gaussian" in p.title.lower()][:6]
    skipped = [p.id for p in papers if "question" in p.title.lower()][:6]
    lib.set_status(kept, Status.TO_READ)
    lib.set_status(skipped, Status.SKIPPED)
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.queue = "new"
        await pilot.press("f")
        await settle(pilot)
        for _ in range(20):  # the model trains in a worker
            if screen.foryou is not None:
                break
            await pilot.pause(0.1)
            await settle(pilot)
        assert screen.sort == "for-you" and screen.foryou is not None
        assert screen.foryou.model is not None
        top = screen.paper_list.view_papers()[:5]
        assert all(p.status is Status.NEW for p in top)
        assert screen.foryou_explanation(top[0]).startswith("For you, because you kept:")
        screen.paper_list.cursor = 0
        await pilot.pause(0.2)  # the detail pane follows the cursor after a short rest
        await settle(pilot)
        assert "For you, because you kept:" in app.screen.query_one(DetailPane).plain
        # more like this lists neighbours and jumps to one
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_for_you_with_too_few_decisions_says_so(tmp_library: Path) -> None:
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        for _ in range(20):
            if main(app).foryou is not None:
                break
            await pilot.pause(0.1)
            await settle(pilot)
        ranking = main(app).foryou
        assert ranking is not None and ranking.model is None
        assert ranking.message.startswith("For you needs 5 decisions")
        assert main(app).shown > 400
