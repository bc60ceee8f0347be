"""The domain core must not import Textual: the CLI and the TUI are thin layers over it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import readq

PACKAGE = Path(readq.__file__).parent
CORE_MODULES = sorted(
    "readq." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
    for path in PACKAGE.rglob("*.py")
    if "tui" not in path.relative_to(PACKAGE).parts and path.name != "__main__.py"
)


def test_core_module_list_is_not_empty() -> None:
    for name in ("readq.store.library", "readq.store.layout", "readq.selection", "readq.dedup", "readq.model", "readq.cli", "readq.digest"):
        assert name in CORE_MODULES


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_does_not_import_textual(module: str) -> None:
    code = f"import sys, {module}; bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]; print(bad); sys.exit(1 if bad else 0)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{module} imports Textual: {result.stdout}{result.stderr}"
