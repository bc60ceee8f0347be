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
* ready: the app has no explicit "ready" message; it is filterable once the search index is
  installed: `MainScreen.busy == ""` (the status bar's "Loading…/Indexing…" text is cleared) and
  `session.index` is set; ready = the first frame painted after that was observed.
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

Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import os
import sys
import time

T_START = time.monotonic()



def peak_rss_mb() -> float | None:
    """VmHWM of this process's address space. Not ru_maxrss: Linux carries ru_maxrss over fork+exec,
    so a child of a big parent (the benchmark holding 100k papers) would report the parent's peak."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


async def _wait(cond, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            return False
        await asyncio.sleep(0.0002)
    return True


def first_after(times: list[float], t: float) -> float:
    return times[bisect.bisect_right(times, t)]


def send(app, key: str) -> float:  # type: ignore[no-untyped-def]
    """Post one key event the way the terminal driver does, without waiting (unlike pilot.press)."""
    from textual import events
    from textual.keys import _character_to_key

    char = " " if key == "space" else (key if len(key) == 1 else None)
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)  # "-" -> "minus"; the character stays "-", as a terminal sends it
    t0 = time.monotonic()
    app._driver.send_message(events.Key(key, char))
    return t0


async def probe(args: argparse.Namespace) -> dict:
    from io import StringIO

    from rich.console import Console
    from textual.app import App

    from readq.tui.app import ReadqApp
    from readq.tui.screens.main import MainScreen

    paints: list[float] = []
    installs: list[tuple[float, int]] = []
    sink = Console(file=StringIO(), force_terminal=True, color_system="truecolor", width=120, height=40)

    orig_display = App._display

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

    orig_install = MainScreen._install_view

    def install(self, gen, *a, **k):  # type: ignore[no-untyped-def]
        before = getattr(self, "_installed_gen", None)
        r = orig_install(self, gen, *a, **k)
        if before is None or (self._installed_gen == gen and before != gen):
            installs.append((time.monotonic(), gen))
        return r

    MainScreen._install_view = install  # type: ignore[method-assign]

    from readq.store.journal import Journal

    appends: list[float] = []
    orig_append = Journal.append

    def append(self, record):  # type: ignore[no-untyped-def]
        r = orig_append(self, record)
        appends.append(time.monotonic())
        return r

    Journal.append = append  # type: ignore[method-assign]

    out: dict = {"method": "textual run_test headless 120x40"}
    app = ReadqApp(args.library, advance_on_mark=False, osc52=False)
    async with app.run_test(size=(120, 40)) as pilot:
        ok = await _wait(lambda: bool(paints), 60)
        out["first_paint_s"] = (paints[0] - args.t0) if ok else None

        def screen() -> MainScreen | None:
            s = app.screen
            return s if isinstance(s, MainScreen) else None

        def busy(s: MainScreen) -> str:
            # the screen's "still loading/indexing" message (`busy`; `loading` in older versions)
            value = getattr(s, "busy", None)
            return value if isinstance(value, str) else getattr(s, "loading", "")

        ok = await _wait(lambda: bool(installs) and paints[-1] > installs[0][0], 600)
        out["list_shown_s"] = (first_after(paints, installs[0][0]) - args.t0) if ok else None

        def filterable() -> bool:
            s = screen()
            return s is not None and busy(s) == "" and s.session.index is not None

        ok = await _wait(filterable, 600)
        t_ready = time.monotonic()
        ok = ok and await _wait(lambda: paints[-1] >= t_ready, 5)
        out["ready_s"] = (first_after(paints, t_ready - 1e-9) - args.t0) if ok else None
        if not ok:
            out["error"] = "TUI did not become ready"
            return out
        main = screen()
        assert main is not None
        out["papers"] = len(main.session.index.papers)

        # ---- filter: per keystroke until the new view is painted
        lat: list[float] = []
        installed: list[float] = []
        timeouts = 0
        for query in args.queries:
            await pilot.press("slash")
            await pilot.pause()
            for ch in query:
                gen_before = main._gen
                t0 = send(app, "space" if ch == " " else ch)

                def shown() -> bool:
                    return main._gen > gen_before and bool(installs) and installs[-1][1] == main._gen and (
                        paints[-1] > installs[-1][0])

                if await _wait(shown, 10):
                    t_inst = installs[-1][0]
                    lat.append((first_after(paints, t_inst) - t0) * 1000)
                    installed.append((t_inst - t0) * 1000)
                else:
                    timeouts += 1
                await asyncio.sleep(0.03)  # a fast typist's gap; lets timers run as in real use
            gen_before = main._gen
            await pilot.press("escape")  # clear the filter (untimed) and back to the list
            await _wait(lambda: bool(installs) and installs[-1][1] == main._gen and main._gen > gen_before, 10)
            await pilot.press("escape")
            main.paper_list.focus()
            await pilot.pause()
        out["filter_ms"] = lat
        out["filter_install_ms"] = installed
        out["filter_timeouts"] = timeouts

        # ---- mark: key until the journal append returned (fsynced) and the next frame is painted
        marks: list[float] = []
        durable: list[float] = []
        main.paper_list.focus()
        await pilot.pause()
        order = {"t": "to-read", "r": "read", "x": "skipped", "n": "new"}
        current = main.paper_list.current
        start_status = current.status.value if current else "new"
        seq = [k for k in order if order[k] != start_status] + [k for k in order if order[k] == start_status]
        for i in range(args.marks):
            appends_before = len(appends)
            t0 = send(app, seq[i % len(seq)])
            if await _wait(lambda: len(appends) > appends_before and paints[-1] > appends[-1], 10):
                marks.append((first_after(paints, appends[-1]) - t0) * 1000)
                durable.append((appends[-1] - t0) * 1000)
            await asyncio.sleep(0.03)
        out["mark_ms"] = marks
        out["mark_durable_ms"] = durable
        out["rss_mb"] = peak_rss_mb()
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
