"""User settings for the triage app, read from a small TOML file.

`$READQ_CONFIG`, else `config.toml` in the platform's user config dir for readq
(`~/.config/readq/config.toml` on Linux). A missing file means defaults; a broken one is reported
as warnings and the defaults are used, so a typo never keeps the app from starting.

    advance_on_mark = true     # after t/r/x/n, move to the next paper
    cite_format = "bibtex"     # what `c` copies: bibtex, markdown or text
    bulk_confirm = 20          # ask before changing more papers than this at once
    osc52 = true               # also copy through the terminal (works over SSH)
    cite_style = "apa"         # CSL style of text citations (c, readq cite): apa, ieee, any name
    link = "hf"                # what `y` copies once the arXiv ID is known: hf, arxiv or pdf
    [keys]                     # binding id = keys, e.g. "mark.skipped" = "x,delete"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from readq.vocab import CITE_FORMATS, LINK_TARGETS


@dataclass(frozen=True, slots=True)
class Config:
    advance_on_mark: bool = True
    cite_format: str = "bibtex"
    bulk_confirm: int = 20
    osc52: bool = True
    link: str = "hf"
    cite_style: str = "apa"
    keys: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def _known_style(name: str) -> bool:
    """A CSL style name (or .csl file) the citation formatter can load."""
    from readq.csl import UnknownStyle, style_path

    try:
        style_path(name)
    except UnknownStyle:
        return False
    return True


def config_path() -> Path:
    env = os.environ.get("READQ_CONFIG")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("readq", appauthor=False)) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """Read the settings; unknown keys and wrong types become warnings, never errors."""
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Config(warnings=(f"{path}: ignored ({exc})",))
    warnings: list[str] = []
    values: dict[str, object] = {}
    defaults = Config()
    for key, value in data.items():
        if key == "keys":
            if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
                values["keys"] = {str(k): v for k, v in value.items()}
            else:
                warnings.append(f"{path}: [keys] must map binding ids to key strings")
        elif key in ("advance_on_mark", "osc52") and isinstance(value, bool):
            values[key] = value
        elif key == "bulk_confirm" and isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            values[key] = value
        elif key == "cite_format" and value in CITE_FORMATS:
            values[key] = value
        elif key == "link" and value in LINK_TARGETS:
            values[key] = value
        elif key == "cite_style" and isinstance(value, str) and _known_style(value):
            values[key] = value.strip()
        else:
            expected = getattr(defaults, key, None)
            what = f"expected {type(expected).__name__}" if expected is not None else "unknown setting"
            if key == "cite_format":
                what = "expected one of " + ", ".join(CITE_FORMATS)
            elif key == "link":
                what = "expected one of " + ", ".join(LINK_TARGETS)
            elif key == "cite_style":
                what = "no CSL style by that name"
            warnings.append(f"{path}: {key} = {value!r} ignored ({what})")
    return Config(**values, warnings=tuple(warnings))  # type: ignore[arg-type]
