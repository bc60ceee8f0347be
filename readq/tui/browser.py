"""Opening a link in a web browser, refusing clearly where that cannot work.

Without a display on Linux, `webbrowser` falls back to console browsers (lynx, w3m) that would
fight the TUI for the terminal, so the app declines and suggests copying the link instead.
"""

from __future__ import annotations

import os
import platform
import sys
import webbrowser


def browser_problem() -> str | None:
    """Why a browser cannot be opened from here, or None when it probably can."""
    if os.environ.get("BROWSER"):
        return None
    if sys.platform in ("darwin", "win32", "cygwin"):
        return None
    if "microsoft" in platform.release().lower():
        return None  # WSL: webbrowser reaches the Windows browser
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return "no graphical display (SSH or a console session)"
    return None


def open_url(url: str) -> str:
    """Open `url`; returns a message for the user (never raises)."""
    try:
        ok = webbrowser.open(url, new=2)
    except Exception as exc:  # webbrowser.Error, OSError from a broken browser command
        return f"Could not open the browser: {exc}"
    return f"Opened {url}" if ok else f"No browser found to open {url}; press y to copy it"
