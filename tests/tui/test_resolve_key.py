"""The app's resolve key: a worker thread against the loopback API, then detail pane, `y` and undo."""

from __future__ import annotations

from pathlib import Path

import pytest

from readq.library import Library
from readq.tui.app import ReadqApp
from readq.tui.screens.main import MainScreen
from readq.tui.widgets.detail import DetailPane
from tests.helpers.fake_api import FakeApi, seed_world
from tests.tui.conftest import settle

VIDEOLLAMB = "VideoLLaMB: Long-context Video Understanding with Recurrent Memory Bridges"


@pytest.fixture
def api(tmp_library: Path, monkeypatch: pytest.MonkeyPatch):
    server = FakeApi()
    with server:
        papers = [p for p in Library(tmp_library).papers() if p.title == VIDEOLLAMB]
        truth = seed_world(server, papers, unknown_every=0)
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        monkeypatch.setenv("READQ_ARXIV_API", server.url + "/api/query")
        monkeypatch.setenv("READQ_ARXIV_INTERVAL", "0")
        yield server, truth


async def test_resolve_key_fills_identity_without_blocking(tmp_library: Path, api, fresh,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    server, truth = api
    server.delay = 0.3  # the UI keeps answering while the worker waits on the network
    config = tmp_library.parent / "config.toml"
    config.write_text('link = "arxiv"\n')
    monkeypatch.setenv("READQ_CONFIG", str(config))
    app = ReadqApp(tmp_library)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"videollamb recurrent", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("I")
        await pilot.pause(0.1)
        assert screen.busy.startswith("Resolving")  # progress in the status bar
        await pilot.press("j", "k")  # keys still work meanwhile
        await settle(pilot)
        assert screen.busy == ""
        paper = screen.paper_list.current
        assert paper is not None and paper.arxiv_id == next(iter(truth.values()))
        detail = app.screen.query_one(DetailPane).plain
        assert paper.arxiv_id in detail and "Author" in detail and f"arxiv.org/pdf/{paper.arxiv_id}" in detail
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == f"https://arxiv.org/abs/{paper.arxiv_id}"  # the `link` setting
        await pilot.press("u")  # the whole lookup is one undo group
        await settle(pilot)
    assert fresh().get(paper.id).arxiv_id is None


async def test_resolve_key_with_no_server_says_so_in_one_line(tmp_library: Path, fresh,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()
    monkeypatch.setenv("HF_ENDPOINT", url)
    monkeypatch.setenv("READQ_ARXIV_API", url + "/api/query")
    app = ReadqApp(tmp_library)
    messages: list[str] = []
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app.screen, "notify", lambda message, **kw: messages.append(message))
        await pilot.press("I")
        await settle(pilot)
        assert app.screen.busy == ""
    assert any(m.startswith("Resolve stopped:") and "not reachable" in m for m in messages), messages
    assert all(p.arxiv_id is None for p in fresh().papers())
