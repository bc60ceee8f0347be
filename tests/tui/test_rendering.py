"""What the list and detail pane draw, and the app's garbage-collection policy."""

from __future__ import annotations

import gc
from pathlib import Path

from rich.cells import cell_len
from rich.style import Style

from readq.store import Library
from readq.model import Status
from readq.tui.app import ReadqApp
from readq.tui.heap import IdleCollector
from readq.tui.widgets.detail import DetailPane
from readq.tui.widgets.paper_list import _title_segments
from tests.tui.conftest import settle
from tests.tui.test_app import SIZE, main

PLAIN, MATCH = Style(), Style(underline=True)


def test_title_segments_fill_the_column_exactly() -> None:
    titles = [
        "VBench++",
        "VideoLLaMB: Long-context Video Understanding with Recurrent Memory Bridges",
        "中文标题：视频理解的长上下文记忆桥接方法研究",
        "Über-große Modelle — für alle",
    ]
    for title in titles:
        for width in (1, 2, 5, 16, 40, 120):
            segments = _title_segments(title, width, [(0, 3)], PLAIN, MATCH)
            text = "".join(s.text for s in segments)
            assert cell_len(text) == width, (title, width, text)
            if cell_len(title) > width:
                assert text.rstrip().endswith("…")
            else:
                assert text.rstrip() == title


def test_title_segments_style_matches_and_clip_them_at_the_ellipsis() -> None:
    segments = _title_segments("VideoLLaMB: Long-context", 8, [(0, 10)], PLAIN, MATCH)
    assert [(s.text, s.style) for s in segments] == [("VideoLL", MATCH), ("…", PLAIN)]
    segments = _title_segments("a video b video", 40, [(2, 7), (10, 15)], PLAIN, MATCH)
    assert [s.text for s in segments if s.style == MATCH] == ["video", "video"]


def _detail_segments(app: ReadqApp) -> list[tuple[str, Style | None]]:
    detail = app.screen.query_one(DetailPane)
    return [(seg.text, seg.style) for strip in detail._lines for seg in strip]


async def test_detail_highlights_follow_the_query_when_the_paper_stays(tmp_library: Path) -> None:
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"videollamb")
        await settle(pilot)
        await pilot.pause(0.4)  # the detail pane follows once typing rests
        assert "VideoLLaMB" in app.screen.query_one(DetailPane).plain
        underlined = {text for text, style in _detail_segments(app) if style and style.underline}
        assert "VideoLLaMB" in underlined and "Recurrent" not in underlined
        await pilot.press(*" recurrent")
        await settle(pilot)
        await pilot.pause(0.4)
        underlined = {text for text, style in _detail_segments(app) if style and style.underline}
        assert {"VideoLLaMB", "Recurrent"} <= underlined


async def test_sidebar_counts_follow_own_and_external_changes(tmp_library: Path) -> None:
    app = ReadqApp(tmp_library, poll_interval=0.1, advance_on_mark=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "t", "r", "s")
        await settle(pilot)
        other = Library(tmp_library)
        pid = other.load().papers()[-1].id
        other.set_status([pid], Status.SKIPPED)
        for _ in range(40):
            await pilot.pause(0.05)
            if main(app).session.counts()["skipped"] == 1:
                break
        await settle(pilot)
        assert main(app).session.counts() == Library(tmp_library).counts()


def test_idle_collector_runs_full_collections_only_when_idle() -> None:
    saved = gc.get_threshold()
    collector = IdleCollector(idle_s=0.0, every_s=0.0)
    collector.install()
    try:
        gen0, gen1, gen2 = gc.get_threshold()
        assert gen1 == saved[1] and gen0 > saved[0] and gen2 > 1000
        collector.note_input()
        collector.idle_s = 60.0
        assert collector.tick() is False  # a key was just pressed
        collector.idle_s = 0.0
        assert collector.tick() is True
        collector.every_s = 60.0
        assert collector.tick() is False  # collected a moment ago
    finally:
        collector.uninstall()
    assert gc.get_threshold() == saved


def test_young_collections_run_after_the_frame_not_during_the_keystroke() -> None:
    saved = gc.get_threshold()
    collector = IdleCollector()
    assert collector.after_frame() is False  # not installed: the interpreter's own policy
    collector.install()
    try:
        gc.collect()
        junk = [[] for _ in range(5_000)]  # a keystroke's worth of new objects, and more
        assert gc.get_count()[0] > 1_000  # no young collection started by itself (default: 700)
        assert collector.after_frame() is True
        assert gc.get_count()[0] < 1_000
        assert collector.after_frame() is False  # nothing waiting
        del junk
    finally:
        collector.uninstall()
    assert gc.get_threshold() == saved


def _bar_column(app: ReadqApp) -> list[str]:
    """The list's scrollbar column as 'T' (thumb), '.' (track) or ' ' (no bar), top to bottom."""
    plist = app.screen.paper_list
    frame = plist._frame()
    track, knob = plist._bar_styles[1].style, plist._bar_styles[2].style
    out = []
    for y in range(plist.size.height):
        last = list(plist._line(y, frame))[-1]
        out.append("T" if last.style == knob else "." if last.style == track else " ")
    return out


async def test_list_paints_its_scrollbar_thumb_where_the_view_is(tmp_library: Path) -> None:
    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plist = app.screen.paper_list
        rows = plist.render_lines(plist.size.region)
        assert all(strip.cell_length == plist.size.width for strip in rows)
        bar = _bar_column(app)
        assert bar[0] == "T" and bar[-1] == "." and set(bar) == {"T", "."}
        await pilot.press("G")
        await pilot.pause()
        bar = _bar_column(app)
        assert bar[-1] == "T" and bar[0] == "."
        await pilot.press("slash", *"videollamb", "enter")  # one result: it fits, no thumb
        await settle(pilot)
        assert set(_bar_column(app)) == {" "}


async def test_scrollbar_click_jumps_and_bars_show_the_state(tmp_library: Path) -> None:
    from readq.tui.widgets.filter_bar import FilterBar
    from readq.tui.widgets.status_bar import StatusBar

    app = ReadqApp(tmp_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        plist = screen.paper_list
        total = len(plist.order)
        assert screen.query_one(StatusBar).plain.startswith(f"{total}/{total}  All")
        assert "to filter" in screen.query_one(FilterBar).plain
        await pilot.click(plist, offset=(plist.size.width - 1, plist.size.height - 1))
        await pilot.pause()
        assert plist.cursor == total - 1  # the bottom of the bar: the last paper
        await pilot.click(plist, offset=(plist.size.width - 1, 0))
        await pilot.pause()
        assert plist.cursor == 0
        await pilot.press("slash", *"videollamb")
        await settle(pilot)
        assert screen.query_one(FilterBar).plain.startswith(" / videollamb")
        assert 0 < screen.shown < total
        assert screen.query_one(StatusBar).plain.startswith(f"{screen.shown}/{total}  All  /videollamb")
