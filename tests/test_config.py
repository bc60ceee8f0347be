"""User settings: defaults, valid values, and typos that must not stop the app."""

from __future__ import annotations

from pathlib import Path

from readq.config import Config, load_config


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "none.toml") == Config()


def test_values_are_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('advance_on_mark = false\ncite_format = "markdown"\nbulk_confirm = 5\n[keys]\n"mark.skipped" = "x,delete"\n')
    config = load_config(path)
    assert (config.advance_on_mark, config.cite_format, config.bulk_confirm) == (False, "markdown", 5)
    assert config.keys == {"mark.skipped": "x,delete"} and config.warnings == ()


def test_mistakes_become_warnings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('cite_format = "apa"\nbulk_confirm = "many"\ncolour = 1\n')
    config = load_config(path)
    assert config.cite_format == "bibtex" and config.bulk_confirm == 20
    assert len(config.warnings) == 3 and all(str(path) in w for w in config.warnings)
    path.write_text("this is = = not toml")
    assert load_config(path).warnings and load_config(path).cite_format == "bibtex"
