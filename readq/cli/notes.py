"""The reader's own fields from the shell: `readq tag` and `readq note`."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from readq.cli.base import (
    EXIT_USAGE,
    Ctx,
    cli,
    fail,
    guarded,
    pass_ctx,
    resolve_ids,
)

if TYPE_CHECKING:
    pass


@cli.command("tag")
@click.argument("ids", nargs=-1, required=True)
@click.option("--add", "-a", "add", multiple=True, help="Tag to add (repeatable; commas separate tags).")
@click.option("--remove", "-r", "remove", multiple=True, help="Tag to remove (repeatable).")
@pass_ctx
@guarded
def tag_cmd(obj: Ctx, ids: Sequence[str], add: Sequence[str], remove: Sequence[str]) -> None:
    """Add and remove tags; with neither option, print each paper's tags."""
    from readq.annotations import parse_tags, tag_summary

    lib, (added, removed) = obj.library(), (parse_tags(add), parse_tags(remove))
    resolved = resolve_ids(lib, ids)
    if (add or remove) and not (added or removed):
        fail("no usable tag given (tags cannot be empty)", EXIT_USAGE)
    if not added and not removed:
        click.echo("\n".join(f"{pid}  {', '.join(lib.tags(pid))}" for pid in resolved))
    else:
        click.echo(tag_summary(len(lib.set_tags(resolved, add=added, remove=removed)), added, removed), err=True)


@cli.command("note")
@click.argument("paper_id")
@click.option("--set", "text", default=None, help="Replace the note with TEXT ('-' reads stdin).")
@click.option("--clear", is_flag=True, help="Remove the note.")
@click.option("--show", is_flag=True, help="Print the note.")
@pass_ctx
@guarded
def note_cmd(obj: Ctx, paper_id: str, text: str | None, clear: bool, show: bool) -> None:
    """Edit a paper's note in $EDITOR, or set, clear or print it."""
    from readq.annotations import new_note

    if sum((text is not None, clear, show)) > 1:
        fail("use one of --set, --clear and --show", EXIT_USAGE)
    lib = obj.library()
    current = lib.one(pid := lib.resolve(paper_id)).note
    if show:
        return click.echo(current or "", nl=bool(current))
    try:
        changed, new = new_note(current, "" if clear else text, read_stdin=sys.stdin.read)
    except RuntimeError as exc:
        fail(str(exc), EXIT_USAGE)
    changes = lib.set_note([pid], new) if changed else []
    click.echo(("note cleared" if new is None else "note saved") if changes else "note unchanged", err=True)
