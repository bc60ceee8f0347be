"""coBib's TUI start-up, headless, measured like readq's (see bench/tui_probe.py); runs in coBib's venv.

    bench/.peers/cobib-venv/bin/python bench/peers/cobib_tui_probe.py CONFIG.py --t0 MONOTONIC

coBib's TUI is a Textual app too (`cobib.ui.tui.TUI`); `cobib` with no command does
`config.load(...)` then runs it. first_paint: first composed frame (rendered to a string, as a
terminal frame would be). ready: its `on_mount` has awaited `_update_table` (the database is read
and the entry table is built and mounted) and a frame has been painted after that; from then on
it is filterable. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

# Runs under coBib's own venv as a script: share the measurement helper with readq's probe.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tui_probe import peak_rss_mb  # noqa: E402


async def probe(cfg: str, t0: float) -> dict:
    from io import StringIO

    from rich.console import Console
    from textual.app import App

    from cobib.config import config
    from cobib.ui.tui import TUI

    config.load(cfg)
    paints: list[float] = []
    sink = Console(file=StringIO(), force_terminal=True, color_system="truecolor", width=120, height=40)
    orig_display = App._display

    def display(self, screen, renderable):  # type: ignore[no-untyped-def]
        if renderable is not None and self.is_headless:
            try:
                renderable.render_segments(sink)
            except AttributeError:
                pass
            paints.append(time.monotonic())
        return orig_display(self, screen, renderable)

    App._display = display  # type: ignore[method-assign]
    done: list[float] = []
    orig_update = TUI._update_table

    async def update(self):  # type: ignore[no-untyped-def]
        await orig_update(self)
        done.append(time.monotonic())

    TUI._update_table = update  # type: ignore[method-assign]
    out: dict = {"method": "textual run_test headless 120x40"}
    app = TUI()
    async with app.run_test(size=(120, 40)):
        end = time.monotonic() + 900
        while not paints and time.monotonic() < end:
            await asyncio.sleep(0.0005)
        out["first_paint_s"] = paints[0] - t0 if paints else None
        while not (done and paints and paints[-1] > done[0]) and time.monotonic() < end:
            await asyncio.sleep(0.0005)
        out["ready_s"] = (paints[-1] - t0) if done and paints and paints[-1] > done[0] else None
        out["rss_mb"] = peak_rss_mb()
        app.exit()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("--t0", type=float, required=True)
    args = ap.parse_args()
    print(json.dumps(asyncio.run(probe(args.config, args.t0))))


if __name__ == "__main__":
    main()
