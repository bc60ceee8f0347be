"""Sync in the app: a sync run elsewhere shows within a second (the poll); `Y` syncs in a worker."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

from readq.store import Library
from readq.sync.run import run_sync
from readq.tui.app import ReadqApp
from readq.tui.screens.main import MainScreen
from tests.tui.conftest import settle


def two_devices(tmp_library: Path) -> tuple[Path, Path, list[str]]:
    """The app's library (A) and a copy (B, another device), both syncing through one shared folder."""
    other = tmp_library.parent / "other-device"
    shutil.copytree(tmp_library, other)
    folder = tmp_library.parent / "shared"
    run_sync(Library(tmp_library), folder=folder)
    run_sync(Library(other), folder=folder)
    ids = Library(other).ids()[:3]
    Library(other).set_status(ids, "read")  # done on device B
    return tmp_library, other, ids


def shown(screen: MainScreen, pid: str) -> str:
    return next(p for p in screen.session.papers if p.id == pid).status.value


async def test_a_sync_in_another_terminal_shows_within_a_second(tmp_library: Path) -> None:
    a, _b, ids = two_devices(tmp_library)
    app = ReadqApp(a)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert {shown(screen, pid) for pid in ids} == {"new"}
        done = threading.Event()
        thread = threading.Thread(target=lambda: (run_sync(Library(a)), done.set()))  # "another terminal"
        thread.start()
        while not done.is_set():
            await pilot.pause(0.05)
        finished = time.monotonic()
        while {shown(screen, pid) for pid in ids} != {"read"} and time.monotonic() - finished < 3:
            await pilot.pause(0.05)
        seen_after = time.monotonic() - finished
        thread.join()
        assert {shown(screen, pid) for pid in ids} == {"read"}
        assert seen_after < 1.2  # one poll interval (1 s) plus a repaint


async def test_sync_key_runs_in_a_worker_with_progress_and_result(tmp_library: Path) -> None:
    a, _b, ids = two_devices(tmp_library)
    app = ReadqApp(a)
    messages: list[str] = []
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen.notify = lambda message, **kw: messages.append(message)  # type: ignore[method-assign]
        progress: list[str] = []
        screen.watch(screen, "busy", lambda value: progress.append(value), init=False)
        await pilot.press("Y")
        await settle(pilot)
        assert progress[:1] == ["Syncing…"] and "Applying other devices' changes…" in progress  # status bar
        assert progress[-1] == ""
        await pilot.pause(1.2)
        await settle(pilot)
        assert screen.busy == ""
        assert any("3 change(s) from 1 other device(s)" in m for m in messages), messages
        assert {shown(screen, pid) for pid in ids} == {"read"}
        await pilot.press("x")  # a key press after the sync is recorded for the other devices too
        await settle(pilot)
    hook = Library(a).sync_hook()
    assert hook is not None and list(hook.log.folder.glob("ops-*.jsonl"))


async def test_sync_key_without_a_remote_says_so_in_one_line(tmp_library: Path) -> None:
    app = ReadqApp(tmp_library)
    messages: list[str] = []
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        app.screen.notify = lambda message, **kw: messages.append(message)  # type: ignore[method-assign]
        await pilot.press("Y")
        await settle(pilot)
    assert len(messages) == 1 and "no remote yet" in messages[0] and "\n" not in messages[0]
