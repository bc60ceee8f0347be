"""The benchmark's papers in the peers' own formats: coBib's YAML database and config, and a
papis library (one folder with `info.yaml` per paper)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from bench.inputs import MONTHS, Inputs


def cobib_label(p: Any) -> str:
    return "p" + p.id


def render_cobib_yaml(papers: list) -> str:
    """coBib's database format (one `---`/`...` YAML document per entry, fields sorted, like its
    own YAMLParser.dump); strings as JSON-style double-quoted scalars, which are valid YAML."""
    q = json.dumps
    parts = []
    for p in papers:
        lines = ["---", f"{cobib_label(p)}:", "  ENTRYTYPE: article", f"  abstract: {q(p.abstract, ensure_ascii=False)}"]
        if p.arxiv_id:
            lines += ["  archivePrefix: arXiv", f"  eprint: '{p.arxiv_id}'"]
        if p.published:
            lines.append(f"  month: {MONTHS[int(p.published[5:7]) - 1].lower()}")
        lines += ["  tags:", f"  - {p.status.value}", f"  title: {q(p.title, ensure_ascii=False)}"]
        if p.links:
            lines += ["  url:", f"  - {p.links[0]}"]
        if p.published:
            lines.append(f"  year: {p.published[:4]}")
        lines.append("...")
        parts.append("\n".join(lines))
    return "\n".join(parts) + "\n"


def cobib_config(dirpath: Path, yaml_path: Path) -> Path:
    """A coBib config file pointing at the YAML database, with its cache in `dirpath` and no git."""
    cfg = dirpath / "cobib_config.py"
    cfg.write_text(
        "from cobib.config import config\n"
        f"config.database.file = {str(yaml_path)!r}\n"
        f"config.database.cache = {str(dirpath / 'cobib-cache')!r}\n"
        "config.database.git = False\n"
        "config.logging.version = None\n"  # no "what's new" banner
    )
    return cfg


def papis_setup(inp: Inputs) -> Path:
    """A papis library: one folder + info.yaml per paper. It is passed by path (`-l DIR`) and
    searched over title and abstract (`--set match-format "{doc[title]} {doc[abstract]}"`)."""
    lib = inp.dir / "papis-lib"
    stamp = inp.dir / "papis.stamp"
    if not stamp.exists():
        if lib.exists():
            shutil.rmtree(lib)
        lib.mkdir()
        q = json.dumps
        for p in inp.papers:
            d = lib / p.id
            d.mkdir()
            info = [f"ref: {q(cobib_label(p))}", f"title: {q(p.title, ensure_ascii=False)}",
                    f"abstract: {q(p.abstract, ensure_ascii=False)}", f"tags: {q(p.status.value)}"]
            if p.published:
                info.append(f"year: {p.published[:4]}")
            (d / "info.yaml").write_text("\n".join(info) + "\n", encoding="utf-8")
        stamp.write_text("ok")
    return lib
