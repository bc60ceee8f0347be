"""Copy text to the clipboard from the TUI or CLI without ever raising.

Two routes, both tried: OSC 52 (an escape sequence the terminal turns into a clipboard write; works
over SSH and needs no display) through a callback the TUI supplies (`app.copy_to_clipboard`), and
pyperclip for the system clipboard, only when a clipboard can exist (a display, macOS, Windows, WSL)
so a headless box never waits on or fails in xclip. Neither route can be verified, so `ok` means
"handed to at least one"; when both are unavailable the caller shows the text instead.
This module must not import textual: the CLI uses it too.
"""

from __future__ import annotations

import base64
import os
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass

SYSTEM = "system"
TERMINAL = "osc52"


@dataclass(frozen=True, slots=True)
class CopyResult:
    ok: bool
    methods: tuple[str, ...]
    message: str


def osc52_sequence(text: str) -> str:
    """The OSC 52 "set clipboard" sequence for `text` (BEL-terminated, as Textual sends it)."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"\x1b]52;c;{payload}\a"


def system_clipboard_available() -> bool:
    """Whether pyperclip has a clipboard to talk to (X11/Wayland display, macOS, Windows, WSL)."""
    if sys.platform in ("darwin", "win32", "cygwin"):
        return True
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return True
    return "microsoft" in platform.release().lower()  # WSL: pyperclip uses clip.exe


def _copy_system(text: str) -> str | None:
    """Copy with pyperclip; returns an error message instead of raising."""
    try:
        import pyperclip  # type: ignore[import-untyped]

        pyperclip.copy(text)
    except Exception as exc:  # PyperclipException, missing xclip, dbus errors…: all non-fatal
        return str(exc) or type(exc).__name__
    return None


def copy(
    text: str,
    *,
    osc52: Callable[[str], None] | None = None,
    what: str = "text",
) -> CopyResult:
    """Copy `text` by every available route; `what` names it in the message ("link", "citation")."""
    methods: list[str] = []
    errors: list[str] = []
    if system_clipboard_available():
        error = _copy_system(text)
        if error is None:
            methods.append(SYSTEM)
        else:
            errors.append(f"system clipboard: {error}")
    if osc52 is not None:
        try:
            osc52(text)
            methods.append(TERMINAL)
        except Exception as exc:  # a closed or odd terminal must not crash the app
            errors.append(f"terminal: {exc}")
    if methods == [SYSTEM, TERMINAL]:
        return CopyResult(True, tuple(methods), f"Copied {what} (system clipboard + terminal)")
    if methods == [SYSTEM]:
        return CopyResult(True, tuple(methods), f"Copied {what} (system clipboard)")
    if methods == [TERMINAL]:
        return CopyResult(True, tuple(methods), f"Copied {what} (terminal clipboard)")
    reason = (
        "; ".join(errors) if errors else "no clipboard available (no display, no terminal support)"
    )
    return CopyResult(False, (), f"Could not copy {what}: {reason}")
