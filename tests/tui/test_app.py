"""Pilot tests: real key presses, then assertions on the library as stored on disk."""

from __future__ import annotations

from pathlib import Path

import pyperclip
import pytest

from readq.cite import cite
from readq.store import Library
from readq.links import best_link
from readq.model import Status
from readq.tui.app import ReadqApp
from readq.tui.screens.dialogs import ChoiceDialog, ConfirmDialog, CopyFallbackDialog, ExportDialog
from readq.tui.screens.help import HelpScreen
from readq.tui.screens.main import MainScreen
from readq.tui.screens.messages import EmptyLibraryScreen, ErrorScreen
from tests.tui.conftest import settle

VIDEOLLAMB = "VideoLLaMB: Long-context Video Understanding with Recurrent Memory Bridges"
SIZE = (120, 40)


def main(app: ReadqApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), screen
    return screen


async def type_filter(pilot, text: str) -> None:
    await pilot.press("slash", *text)
    await settle(pilot)


def shown_titles(app: ReadqApp) -> list[str]:
    return [p.title for p in main(app).paper_list.view_papers()]


# ---------------------------------------------------------------------------- the tmux flow
async def test_filter_enter_mark_star_quit(tmp_library: Path, fresh) -> None:
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert main(app).shown > 400
        await pilot.press("slash", *"videollamb recurrent", "enter", "t", "s")
        await settle(pilot)
        assert shown_titles(app) == [VIDEOLLAMB]
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    lib = fresh()
    marked = [p for p in lib.papers() if p.status is not Status.NEW or p.starred]
    assert [(p.title, p.status, p.starred) for p in marked] == [(VIDEOLLAMB, Status.TO_READ, True)]


# ---------------------------------------------------------------------------- filter syntax
async def test_filter_plain_exact_and_negation(tmp_library: Path) -> None:
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        total = main(app).total
        await type_filter(pilot, "videollamb")
        plain = shown_titles(app)
        assert VIDEOLLAMB in plain and len(plain) < total
        await pilot.press("escape")  # clears the filter
        await settle(pilot)
        assert main(app).shown == total and main(app).filter_text == ""
        await type_filter(pilot, "'Recurrent Memory Bridges")
        assert shown_titles(app) == [VIDEOLLAMB]
        await pilot.press("escape")
        await type_filter(pilot, "videollamb !recurrent")
        negated = shown_titles(app)
        assert VIDEOLLAMB not in negated
        assert all("recurrent" not in t.lower() for t in negated)
        assert set(negated) < set(plain)


async def test_filter_predicates_combine_with_marks(tmp_library: Path, fresh) -> None:
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # star the first two papers, mark the third to-read
        await pilot.press("s", "j", "s", "j", "t")
        await settle(pilot)
        await type_filter(pilot, "is:starred")
        await pilot.press("enter")
        assert len(shown_titles(app)) == 2
        await pilot.press("escape")
        await type_filter(pilot, "status:to-read")
        await pilot.press("enter")
        to_read = shown_titles(app)
        assert len(to_read) == 1
        # in this view, `r` marks exactly that paper read
        await pilot.press("r")
        await settle(pilot)
    lib = fresh()
    assert [p.title for p in lib.papers() if p.status is Status.READ] == to_read
    assert sum(p.starred for p in lib.papers()) == 2


async def test_sidebar_queue_combines_with_filter(tmp_library: Path) -> None:
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")  # star the first paper
        await settle(pilot)
        first = main(app).paper_list.current
        await pilot.press("shift+tab")  # focus the sidebar
        await pilot.press("down", "down", "down", "down", "down")  # All → Starred
        await settle(pilot)
        assert main(app).queue == "starred"
        assert len(shown_titles(app)) == 1
        await type_filter(pilot, "zzzz-no-such-paper")
        assert shown_titles(app) == []
        assert first is not None


# ---------------------------------------------------------------------------- marking and undo
async def test_status_keys_and_advance(tmp_library: Path, fresh) -> None:
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = [p.id for p in main(app).paper_list.view_papers()[:4]]
        await pilot.press("t", "r", "x", "k", "n")  # marks advance; k goes back to the skipped one
        await settle(pilot)
    lib = fresh()
    assert [lib.get(i).status for i in ids] == [Status.TO_READ, Status.READ, Status.NEW, Status.NEW]


async def test_no_advance_option(tmp_library: Path, fresh) -> None:
    app = ReadqApp(tmp_library, advance_on_mark=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = main(app).paper_list.current
        await pilot.press("t", "r")
        await settle(pilot)
    assert first is not None and fresh().get(first.id).status is Status.READ


async def test_undo_status_and_star(tmp_library: Path, fresh) -> None:
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = main(app).paper_list.current
        assert first is not None
        await pilot.press("s", "t")
        await settle(pilot)
        assert fresh().get(first.id).status is Status.TO_READ
        await pilot.press("u")  # undo the mark: cursor back on it
        await settle(pilot)
        assert fresh().get(first.id).status is Status.NEW
        assert fresh().get(first.id).starred
        assert main(app).paper_list.current.id == first.id
        await pilot.press("u")  # undo the star
        await settle(pilot)
        assert not fresh().get(first.id).starred
        await pilot.press("u")  # nothing left: no crash
        await settle(pilot)


async def test_bulk_mark_filtered_view_with_confirm_and_undo(tmp_library: Path, fresh) -> None:
    app = ReadqApp(tmp_library, bulk_confirm=20)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_filter(pilot, "video")
        await pilot.press("enter")
        view = {p.id for p in main(app).paper_list.view_papers()}
        assert 20 < len(view) < main(app).total
        await pilot.press("a", "r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        lib = fresh()
        read = {p.id for p in lib.papers() if p.status is Status.READ}
        assert read == view  # the filtered view only
        assert main(app).selected == 0
        await pilot.press("u")
        await settle(pilot)
    assert not any(p.status is Status.READ for p in fresh().papers())


async def test_bulk_cancel_changes_nothing(tmp_library: Path, fresh) -> None:
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a", "x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
    assert all(p.status is Status.NEW for p in fresh().papers())


async def test_space_selection_applies_status_to_selected(tmp_library: Path, fresh) -> None:
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = main(app).paper_list.view_papers()
        await pilot.press("space", "j", "space", "x")  # select 1st and 3rd, skip both
        await settle(pilot)
        await pilot.press("space", "escape")  # select then clear: nothing selected
        assert main(app).selected == 0
    lib = fresh()
    skipped = {p.id for p in lib.papers() if p.status is Status.SKIPPED}
    assert skipped == {papers[0].id, papers[2].id}


# ---------------------------------------------------------------------------- clipboard
async def test_copy_link_and_citations(tmp_library: Path) -> None:
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_filter(pilot, "videollamb recurrent")
        await pilot.press("enter")
        paper = main(app).paper_list.current
        assert paper is not None and paper.title == VIDEOLLAMB
        await pilot.press("y")
        assert app.clipboard == best_link(paper)
        await pilot.press("c")
        assert app.clipboard == cite(paper, "bibtex")
        assert app.clipboard.startswith("@")
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("down", "enter")  # Markdown
        await pilot.pause()
        assert app.clipboard == cite(paper, "markdown")


async def test_configured_citation_format(tmp_library: Path) -> None:
    app = ReadqApp(tmp_library, cite_format="markdown")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = main(app).paper_list.current
        assert paper is not None
        await pilot.press("c")
        assert app.clipboard == cite(paper, "markdown")


async def test_pick_one_of_the_papers_links_and_copy_it(tmp_library: Path) -> None:
    from readq.links import paper_links

    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_filter(pilot, "'Magic 1-For-1")
        await pilot.press("enter")
        paper = main(app).paper_list.current
        assert paper is not None and paper.title.startswith("Magic 1-For-1")
        links = paper_links(paper)
        code = [i for i, (label, _url) in enumerate(links) if label == "Code"]
        assert code, links
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press(*["down"] * code[0], "enter")
        await pilot.pause()
        await pilot.press("enter")  # "Copy" is the first action
        await pilot.pause()
        assert app.clipboard == "https://github.com/DA-Group-PKU/Magic-1-For-1"


async def test_copy_fallback_dialog_when_no_clipboard(
    tmp_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(text: str) -> None:
        raise pyperclip.PyperclipException("no clipboard mechanism")

    monkeypatch.setattr(pyperclip, "copy", broken)
    monkeypatch.setattr("readq.clipboard.system_clipboard_available", lambda: True)
    app = ReadqApp(tmp_library, osc52=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = main(app).paper_list.current
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, CopyFallbackDialog)
        from textual.widgets import TextArea

        assert app.screen.query_one(TextArea).text == best_link(paper)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.clipboard == ""


# ---------------------------------------------------------------------------- other processes
async def test_external_change_shows_after_refresh(tmp_library: Path) -> None:
    app = ReadqApp(tmp_library, poll_interval=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = main(app).paper_list.current
        assert paper is not None and paper.status is Status.NEW
        other = Library(tmp_library)
        other.set_status([paper.id], "read")
        other.set_starred([paper.id], True)
        for _ in range(40):
            await pilot.pause(0.05)
            current = main(app).paper_list.current
            if current is not None and current.status is Status.READ and current.starred:
                break
        await settle(pilot)
        current = main(app).paper_list.current
        assert current is not None and current.id == paper.id
        assert current.status is Status.READ and current.starred
        # and the undo stack did not adopt the other process's change
        await pilot.press("u")
        await settle(pilot)
    assert Library(tmp_library).get(paper.id).status is Status.READ


# ---------------------------------------------------------------------------- export
async def test_export_view_then_confirm_overwrite(tmp_library: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.md"
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_filter(pilot, "videollamb")
        await pilot.press("enter", "e")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        from textual.widgets import Input

        app.screen.query_one(Input).value = str(out)
        app.screen.query_one(Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        text = out.read_text()
        assert "VideoLLaMB" in text
        n_view = main(app).shown
        out.write_text("keep me")
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one(Input).value = str(out)
        app.screen.query_one(Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert out.read_text() == "keep me"
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one(Input).value = str(out)
        app.screen.query_one(Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert out.read_text().count("VideoLLaMB") >= 1 and n_view >= 1


# ---------------------------------------------------------------------------- help, palette, open
async def test_help_lists_every_binding(tmp_library: Path) -> None:
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        from readq.tui.screens.help import help_rows

        ids = {row[1] for _, rows in help_rows(app.screen.sections) for row in rows}
        for needed in ("mark.to_read", "mark.read", "mark.skipped", "mark.new", "star.toggle", "undo",
                       "copy.link", "copy.cite", "export", "help", "quit", "filter.focus",
                       "list.down", "list.up", "list.select", "select.all", "view.sort"):
            assert needed in ids
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_palette_lists_the_same_actions(tmp_library: Path) -> None:
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for binding in MainScreen.BINDINGS:
            assert binding.description in titles
        assert "Copy citation as Markdown link" in titles


async def test_open_without_display_says_why(tmp_library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.delenv("BROWSER", raising=False)
    monkeypatch.setattr("webbrowser.open", lambda url, new=0: opened.append(url) or True)
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert not opened  # no display here: declined with a message, no crash
        monkeypatch.setenv("DISPLAY", ":0")
        await pilot.press("o")
        await settle(pilot)
        assert opened == [best_link(main(app).paper_list.current)]


async def test_sort_cycle_and_reverse(tmp_library: Path) -> None:
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("S", "S")  # relevance → date → upvotes
        await settle(pilot)
        assert main(app).sort == "upvotes"
        votes = [p.upvotes or -1 for p in main(app).paper_list.view_papers()]
        assert votes == sorted(votes, reverse=True)
        await pilot.press("R")
        await settle(pilot)
        votes = [p.upvotes or -1 for p in main(app).paper_list.view_papers()]
        assert votes == sorted(votes)


# ---------------------------------------------------------------------------- empty and broken
async def test_empty_library_imports_samples(tmp_path: Path) -> None:
    path = tmp_path / "empty"
    app = ReadqApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, EmptyLibraryScreen)
        await pilot.press("i")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert main(app).total > 400
    assert len(Library(path).load().papers()) > 400


async def test_corrupt_library_shows_the_file(tmp_library: Path) -> None:
    (tmp_library / "papers.json").write_text("{ this is not json")
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert "papers.json" in app.screen.message
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


# ---------------------------------------------------------------------------- readiness signal
async def test_app_posts_filterable_once_the_index_is_installed(tmp_library: Path) -> None:
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.filterable_at is not None
        assert main(app).session.index is not None
