"""Tags and notes as the user types them: parsing, cleaning and editing in `$EDITOR`.

The store keeps whatever it is given; this module makes sure that is clean first: no control or
bidirectional-override characters (the contract's rule for every text field, so no output can
carry them to a terminal), tags split on commas (so `--add a,b` adds two, and a tag never holds
the separator BibTeX and CSL use for keywords).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

# C0 except tab and newline, DEL, C1, and the bidirectional embedding/override/isolate marks.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_TAG = re.compile(r"[\s,;]+")
NOTE_TEMPLATE_EXT = ".md"


def strip_unsafe(text: str) -> str:
    """`text` without control or bidi-override characters (newlines and tabs kept)."""
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def parse_tags(values: Iterable[str]) -> list[str]:
    """Tags from user input: commas separate tags, inner whitespace becomes a hyphen, order kept."""
    out: list[str] = []
    for value in values:
        for part in strip_unsafe(value).split(","):
            tag = "-".join(part.split()).strip("-;")
            if tag and tag not in out:
                out.append(tag)
    return out


def clean_note(text: str | None) -> str | None:
    """A note as stored: safe characters, trailing blank space trimmed; empty means no note."""
    if text is None:
        return None
    cleaned = "\n".join(line.rstrip() for line in strip_unsafe(text).strip().splitlines())
    return cleaned or None


def edit_note(current: str | None, editor: str | None = None) -> tuple[bool, str | None]:
    """Open `$VISUAL`/`$EDITOR` on the note; returns (changed, new note).

    Raises `RuntimeError` with a one-line reason when the editor cannot be run."""
    import click

    try:
        edited = click.edit(current or "", editor=editor, extension=NOTE_TEMPLATE_EXT,
                            require_save=True)
    except click.ClickException as exc:
        raise RuntimeError(exc.format_message()) from None
    if edited is None:
        return False, current
    new = clean_note(edited)
    return new != current, new


def parse_tag_edit(text: str) -> tuple[list[str], list[str]]:
    """`video +survey -old` -> (["video", "survey"], ["old"]): what the app's tag entry means.

    Words (or commas) separate tags here, since one entry edits several; `-name` removes.
    """
    add: list[str] = []
    remove: list[str] = []
    for word in strip_unsafe(text).replace(",", " ").split():
        target = remove if word.startswith("-") else add
        for tag in parse_tags([word.lstrip("+-")]):
            if tag not in target:
                target.append(tag)
    return add, [t for t in remove if t not in add]


def complete_tag(text: str, tags: Iterable[str]) -> str | None:
    """`text` with its last word completed to the first tag in use that it starts (any case)."""
    head, _, last = text.rpartition(" ")
    sign = last[:1] if last[:1] in "+-" else ""
    stem = last[len(sign):].casefold()
    if not stem:
        return None
    for tag in tags:
        if tag.casefold().startswith(stem) and tag.casefold() != stem:
            return f"{head} {sign}{tag}".lstrip() if head else f"{sign}{tag}"
    return None


def new_note(current: str | None, text: str | None, *, read_stdin: Callable[[], str]
             ) -> tuple[bool, str | None]:
    """What `readq note` stores: `text` (`-` reads stdin, "" clears), else the editor's result.

    `text` None opens the editor; returns (changed, new note)."""
    if text is None:
        return edit_note(current)
    new = clean_note(read_stdin() if text == "-" else text)
    return new != current, new


def tag_summary(papers: int, added: Sequence[str], removed: Sequence[str]) -> str:
    """`tagged 3 paper(s) (+video) (-later)`: what `readq tag` reports."""
    out = f"tagged {papers} paper(s)"
    if added:
        out += " (+" + ", +".join(added) + ")"
    if removed:
        out += " (-" + ", -".join(removed) + ")"
    return out
