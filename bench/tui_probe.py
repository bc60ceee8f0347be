"""Drive the readq TUI headless and time it; run by bench/run.py in a fresh subprocess per size.

    python bench/tui_probe.py LIBRARY --t0 MONOTONIC --queries '["video understanding", ...]' [--marks N]

How (Textual `App.run_test()`, headless, 120x40):
* paint: `App._display` is wrapped. Headless Textual composes every frame but skips turning it
  into terminal bytes, so the wrapper also renders the frame's segments to a string (the work a
  real terminal frame costs) and records the time. `first_paint` = first frame, measured from
  `--t0`, the parent's `time.monotonic()` just before it spawned this process (CLOCK_MONOTONIC is
  system-wide), so interpreter start and imports are included.
* list shown (extra figure): the first view of papers is installed (`MainScreen._install_view`,
  wrapped here) and a frame has been painted after it.
* ready: the app's public readiness signal. Once the search index is installed the main screen
  posts `readq.tui.host.Filterable` and the app records its time in `ReadqApp.filterable_at`
  (a `time.monotonic()` value, None before); ready = the first frame painted after that time.
* filter: `/` then each character of each query; per keystroke, from just before the key is
  sent until the search worker's view for that keystroke is installed and the next frame is
  painted. Typing waits for each result (a human types ~100-200 ms per key), so every keystroke
  is a full search. Between queries the filter is cleared with Esc (not timed).
* mark: `t`, `r`, `x`, `n` in turn on the highlighted paper (advance_on_mark off, so each press is
  a real change); from the key until `Journal.append` has returned (the line is fsynced) and the
  next frame is painted.
* keys are posted to the app the way the terminal driver posts them (`driver.send_message`), not
  with `pilot.press`, which waits for the app to go idle and would hide when the result arrived.
* rss: peak RSS (VmHWM) of this process at the end (the app with the library loaded, searched and marked).

Paint, view-install and journal-append times still come from wrapping internals (`App._display`,
`MainScreen._install_view` with its scheduler's generation counter, `Journal.append`): neither Textual nor readq
offers a public event for "this frame was painted", "this keystroke's result reached the list" or
"this change is durable". If those internals change, the probe fails loudly rather than measuring
something else.

Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from procs import vmhwm_mb  # this file runs as a script: bench/ is first on sys.path

if TYPE_CHECKING:
    from textual.app import App
    from textual.pilot import Pilot

    from readq.tui.app import ReadqApp
    from readq.tui.screens.main import MainScreen

T_START = time.monotonic()


async def _wait(cond: Callable[[], bool], timeout: float) -> bool:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            return False
        await asyncio.sleep(0.0002)
    return True


def first_after(times: list[float], t: float) -> float:
    return times[bisect.bisect_right(times, t)]


def send(app: App[Any], key: str) -> float:
    """Post one key event the way the terminal driver does, without waiting (unlike pilot.press)."""
    from textual import events
    from textual.keys import _character_to_key

    char = " " if key == "space" else (key if len(key) == 1 else None)
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)  # "-" -> "minus"; the character stays "-", as a terminal sends it
    t0 = time.monotonic()
    app._driver.send_message(events.Key(key, char))  # type: ignore[union-attr]
    return t0


class Hooks:
    """Timestamps taken by wrapping internals that have no public event: frames painted
    (`App._display`), views installed on the main screen (`MainScreen._install_view`, with the
    view's generation) and durable journal appends (`Journal.append`)."""

    def __init__(self) -> None:
        self.paints: list[float] = []
        self.installs: list[tuple[float, int]] = []
        self.appends: list[float] = []

    def install(self) -> None:
        self._wrap_display()
        self._wrap_install_view()
        self._wrap_append()

    def painted_after(self, t: float) -> bool:
        return bool(self.paints) and self.paints[-1] > t

    def _wrap_display(self) -> None:
        from io import StringIO

        from rich.console import Console
        from textual.app import App

        sink = Console(file=StringIO(), force_terminal=True, color_system="truecolor", width=120, height=40)
        orig_display = App._display
        paints = self.paints

        def display(self, screen, renderable):  # type: ignore[no-untyped-def]
            if renderable is not None and self.is_headless:
                try:
                    text = renderable.render_segments(sink)  # CompositorUpdate: the bytes a terminal gets
                except AttributeError:
                    text = ""
                paints.append(time.monotonic())
                del text
            return orig_display(self, screen, renderable)

        App._display = display  # type: ignore[method-assign]

    def _wrap_install_view(self) -> None:
        from readq.tui.screens.main import MainScreen

        orig_install = MainScreen._install_view
        installs = self.installs

        def install(self, gen, *a, **k):  # type: ignore[no-untyped-def]
            before = self.searches.installed_gen if hasattr(self, "searches") else None
            r = orig_install(self, gen, *a, **k)
            if before is None or (self.searches.installed_gen == gen and before != gen):
                installs.append((time.monotonic(), gen))
            return r

        MainScreen._install_view = install  # type: ignore[method-assign]

    def _wrap_append(self) -> None:
        from readq.store.journal import Journal

        orig_append = Journal.append
        appends = self.appends

        def append(self, record):  # type: ignore[no-untyped-def]
            r = orig_append(self, record)
            appends.append(time.monotonic())
            return r

        Journal.append = append  # type: ignore[method-assign]


async def _start(app: ReadqApp, hooks: Hooks, t0: float, out: dict[str, Any]) -> MainScreen | None:
    """first_paint_s, list_shown_s and ready_s (all from `t0`); the main screen once ready, else None
    with `out["error"]` set."""
    from readq.tui.screens.main import MainScreen

    paints, installs = hooks.paints, hooks.installs
    ok = await _wait(lambda: bool(paints), 60)
    out["first_paint_s"] = (paints[0] - t0) if ok else None
    ok = await _wait(lambda: bool(installs) and hooks.painted_after(installs[0][0]), 600)
    out["list_shown_s"] = (first_after(paints, installs[0][0]) - t0) if ok else None
    if not hasattr(app, "filterable_at"):
        out["error"] = "ReadqApp has no filterable_at (a readq from before the public readiness signal)"
        return None
    ok = await _wait(lambda: app.filterable_at is not None, 600)
    at = app.filterable_at
    ok = ok and at is not None and await _wait(lambda: hooks.painted_after(at), 5)
    if not ok or at is None:
        out["ready_s"] = None
        out["error"] = "TUI did not become ready"
        return None
    out["ready_s"] = first_after(paints, at) - t0
    main = app.screen
    if not isinstance(main, MainScreen):
        out["error"] = f"ready, but the screen is {type(main).__name__}, not the main screen"
        return None
    out["papers"] = main.total
    return main


async def _type_queries(app: ReadqApp, pilot: Pilot[Any], main: MainScreen, hooks: Hooks,
                        queries: list[str], out: dict[str, Any]) -> None:
    """filter_ms (key to the first frame after its view was installed), filter_install_ms (key to the
    install) and filter_timeouts (keystrokes whose view did not show within 10 s)."""
    paints, installs = hooks.paints, hooks.installs
    lat: list[float] = []
    installed: list[float] = []
    timeouts = 0
    for query in queries:
        await pilot.press("slash")
        await pilot.pause()
        for ch in query:
            gen_before = main.searches.gen
            t0 = send(app, "space" if ch == " " else ch)

            def shown() -> bool:
                return main.searches.gen > gen_before and bool(installs) and installs[-1][1] == main.searches.gen and (
                    paints[-1] > installs[-1][0])

            if await _wait(shown, 10):
                t_inst = installs[-1][0]
                lat.append((first_after(paints, t_inst) - t0) * 1000)
                installed.append((t_inst - t0) * 1000)
            else:
                timeouts += 1
            await asyncio.sleep(0.03)  # a fast typist's gap; lets timers run as in real use
        gen_before = main.searches.gen
        await pilot.press("escape")  # clear the filter (untimed) and back to the list
        await _wait(lambda: bool(installs) and installs[-1][1] == main.searches.gen and main.searches.gen > gen_before, 10)
        await pilot.press("escape")
        main.paper_list.focus()
        await pilot.pause()
    out["filter_ms"] = lat
    out["filter_install_ms"] = installed
    out["filter_timeouts"] = timeouts


async def _mark(app: ReadqApp, pilot: Pilot[Any], main: MainScreen, hooks: Hooks, count: int,
                out: dict[str, Any]) -> None:
    """mark_ms (key until the journal append returned, fsynced, and the next frame is painted) and
    mark_durable_ms (key until the append returned)."""
    paints, appends = hooks.paints, hooks.appends
    marks: list[float] = []
    durable: list[float] = []
    main.paper_list.focus()
    await pilot.pause()
    order = {"t": "to-read", "r": "read", "x": "skipped", "n": "new"}
    current = main.paper_list.current
    start_status = current.status.value if current else "new"
    seq = [k for k in order if order[k] != start_status] + [k for k in order if order[k] == start_status]
    for i in range(count):
        appends_before = len(appends)
        t0 = send(app, seq[i % len(seq)])
        if await _wait(lambda: len(appends) > appends_before and paints[-1] > appends[-1], 10):
            marks.append((first_after(paints, appends[-1]) - t0) * 1000)
            durable.append((appends[-1] - t0) * 1000)
        await asyncio.sleep(0.03)
    out["mark_ms"] = marks
    out["mark_durable_ms"] = durable


async def probe(args: argparse.Namespace) -> dict[str, Any]:
    from readq.tui.app import ReadqApp

    hooks = Hooks()
    hooks.install()
    out: dict[str, Any] = {"method": "textual run_test headless 120x40"}
    app = ReadqApp(args.library, advance_on_mark=False, osc52=False)
    async with app.run_test(size=(120, 40)) as pilot:
        main = await _start(app, hooks, args.t0, out)
        if main is None:
            return out
        await _type_queries(app, pilot, main, hooks, args.queries, out)
        await _mark(app, pilot, main, hooks, args.marks, out)
        out["rss_mb"] = vmhwm_mb("self")
        await pilot.press("q")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("library")
    ap.add_argument("--t0", type=float, default=None)
    ap.add_argument("--queries", default='["video understanding"]')
    ap.add_argument("--marks", type=int, default=20)
    args = ap.parse_args()
    args.queries = json.loads(args.queries)
    if args.t0 is None:
        args.t0 = T_START
    try:
        import readq.tui.app  # noqa: F401
    except ImportError as exc:
        print(json.dumps({"skipped": f"readq.tui.app not importable: {exc}"}))
        return
    result = asyncio.run(probe(args))
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
