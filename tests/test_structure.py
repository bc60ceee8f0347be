"""The package's shape: no import loops (lazy imports included), no reaching into another module's
private names, and no module too long to read in one sitting."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "readq"
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> list[tuple[str, list[str], int]]:
    """(imported module, names taken from it, line) for every import in the file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: list[tuple[str, list[str], int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names if a.name.startswith("readq")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("readq"):
                continue
            names = [a.name for a in node.names]
            # `from readq.search import index` names a submodule, not an attribute
            subs = [n for n in names if f"{target}.{n}" in known]
            out += [(f"{target}.{n}", [], node.lineno) for n in subs]
            rest = [n for n in names if n not in subs]
            if rest:
                out.append((target, rest, node.lineno))
    return out


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        graph[name] = {t for t, _, _ in _imports(name, path, known) if t in known and t != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _is_ancestor(pkg: str, mod: str) -> bool:
    return mod.startswith(pkg + ".")


def test_no_import_loops() -> None:
    graph = _graph()
    # A package's __init__ re-exporting its own submodules is not a loop a reader trips on.
    pruned = {m: {t for t in deps if not _is_ancestor(m, t) and not _is_ancestor(t, m)}
              for m, deps in graph.items()}
    assert _cycles(pruned) == []


def test_no_private_names_imported_from_another_module() -> None:
    mods = _modules()
    known = set(mods)
    offences = []
    for name, path in mods.items():
        for target, names, line in _imports(name, path, known):
            for n in names:
                if n.startswith("_") and not n.startswith("__"):
                    offences.append(f"{path.relative_to(ROOT)}:{line} imports {n} from {target}")
    assert offences == []


def test_modules_stay_short() -> None:
    long = []
    for folder in (PACKAGE, ROOT / "bench"):
        for path in sorted(folder.rglob("*.py")):
            n = len(path.read_text(encoding="utf-8").splitlines())
            if n > MAX_LINES:
                long.append(f"{path.relative_to(ROOT)}: {n} lines")
    assert long == []


def test_the_shared_words_agree_with_the_core() -> None:
    from readq import cite, vocab
    from readq.model import Status

    assert tuple(s.value for s in Status) == vocab.STATUS_WORDS
    assert set(cite.FORMAT_LABELS) == set(vocab.CITE_FORMATS)


def test_the_command_line_starts_without_the_core() -> None:
    """`readq mark` must start fast: importing the CLI loads neither parsers nor the store."""
    import subprocess
    import sys

    code = "import sys, readq.cli; print(sorted(m for m in sys.modules if m.startswith('readq')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert [m for m in eval(out) if not m.startswith("readq.cli")] == ["readq", "readq.vocab"]
