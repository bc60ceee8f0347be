"""docs/KEYS.md stays true to the code: every binding row the `?` screen shows is in it."""

from __future__ import annotations

from pathlib import Path

from readq.tui.app import ReadqApp
from readq.tui.screens.help import help_rows

KEYS_MD = Path(__file__).resolve().parents[2] / "docs" / "KEYS.md"


def test_keys_md_lists_every_binding(tmp_path: Path) -> None:
    text = KEYS_MD.read_text(encoding="utf-8")
    app = ReadqApp(tmp_path / "lib")
    for _title, rows in help_rows(app.help_sections()):
        for keys, binding_id, desc in rows:
            line = f"| {' '.join(f'`{k}`' for k in keys.split(' '))} | {desc} | `{binding_id}` |"
            assert line in text, f"docs/KEYS.md is missing or has a stale row for {binding_id}: {line}"


def test_contract_keys_are_bound() -> None:
    """CONTRACT.md's TUI keys, exactly."""
    from readq.tui.screens.main import MainScreen
    from readq.tui.widgets.paper_list import PaperList

    keys: dict[str, str] = {}
    for binding in [*MainScreen.BINDINGS, *PaperList.BINDINGS, *ReadqApp.BINDINGS]:
        for key in binding.key.split(","):
            keys[key] = binding.action
    expected = {
        "slash": "focus_filter", "j": "cursor_down", "k": "cursor_up", "down": "cursor_down",
        "up": "cursor_up", "t": "mark('to-read')", "r": "mark('read')", "x": "mark('skipped')",
        "n": "mark('new')", "s": "star", "u": "undo", "y": "copy_link", "c": "copy_cite",
        "e": "export", "question_mark": "help", "q": "quit",
    }
    for key, action in expected.items():
        assert keys.get(key) == action, key
