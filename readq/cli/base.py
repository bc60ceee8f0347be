"""The command line's shared parts: the click group, the library context, errors and exit codes.

Data goes to stdout, messages and warnings to stderr. Every expected failure is one line on
stderr and a documented exit code, never a traceback:
0 ok · 1 nothing could be imported / nothing matched · 2 usage error · 3 library problem ·
4 unknown or ambiguous paper ID · 5 output file exists (use --force).
Heavy modules (Textual, the search index, exporters) are imported only by the commands using them.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from readq.vocab import STATUS_WORDS

if TYPE_CHECKING:
    from readq.store import Library
    from readq.model import Paper
    from readq.selection import Selection

EXIT_NOTHING = 1
EXIT_USAGE = 2
EXIT_LIBRARY = 3
EXIT_ID = 4
EXIT_EXISTS = 5

STATUS_CHOICES = STATUS_WORDS
LIST_SORTS = ("newest", "relevance", "date", "upvotes", "title", "seen", "for-you")


def default_library_path() -> Path:
    """`READQ_LIBRARY`, else the platform's user data dir for readq."""
    env = os.environ.get("READQ_LIBRARY")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("readq", appauthor=False))


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"readq: {message}", err=True)
    sys.exit(code)


class Ctx:
    """What every command needs: where the library is, opened on demand."""

    def __init__(self, library_path: Path) -> None:
        self.library_path = library_path
        self._library: Library | None = None

    def library(self) -> Library:
        if self._library is None:
            from readq.store import Library

            self._library = Library(self.library_path)
        return self._library


pass_ctx = click.make_pass_decorator(Ctx)


def echo_library_warnings(args: Sequence[Any]) -> None:
    """Problems the library worked around while loading (skipped journal lines...) go to stderr."""
    for arg in args:
        if isinstance(arg, Ctx) and arg._library is not None:
            for warning in arg._library.warnings:
                click.echo(f"warning: {warning}", err=True)
            arg._library.warnings.clear()


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn core exceptions into one-line messages with stable exit codes."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from readq.store.atomic import FileExistsNoForce
        from readq.store import AmbiguousId, LibraryError, UnknownId

        try:
            result = func(*args, **kwargs)
            echo_library_warnings(args)
            return result
        except (UnknownId, AmbiguousId) as exc:
            fail(str(exc), EXIT_ID)
        except LibraryError as exc:
            fail(str(exc), EXIT_LIBRARY)
        except FileExistsNoForce as exc:
            fail(str(exc), EXIT_EXISTS)
        except PermissionError as exc:
            fail(f"{exc.filename or ''}: permission denied", EXIT_LIBRARY)
        except BrokenPipeError:
            # `readq list | head`: the reader went away; that is not an error.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
        except KeyboardInterrupt:
            fail("interrupted", 130)

    return wrapper


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--library",
    "library_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Library directory (default: $READQ_LIBRARY or the user data dir).",
)
@click.version_option(package_name="readq")
@click.pass_context
def cli(ctx: click.Context, library_path: Path | None) -> None:
    """readq: turn daily research-paper digests into a reading queue.

    Run without a command to open the triage app.
    """
    ctx.obj = Ctx(library_path or default_library_path())
    if ctx.invoked_subcommand is None:
        _open_tui(ctx.obj)


@guarded
def _open_tui(obj: Ctx) -> None:
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        fail("the triage app needs a terminal; see `readq --help` for the shell commands", EXIT_USAGE)
    from readq.tui.app import run

    run(obj.library_path)


# ---------------------------------------------------------------------------- shared by commands
def selection_of(status: str | None = None, starred: bool = False, query: str | None = None,
               limit: int | None = None, tag: str | None = None, sort: str | None = None) -> Selection:
    from readq.selection import Selection

    return Selection.of(status=status, starred=starred, query=query or "", limit=limit, tag=tag,
                        sort=sort or ("relevance" if query else "newest"))


def dump_json(papers: Sequence[Paper]) -> None:
    import orjson

    from readq.textclean import clean_paper

    dump_lines(orjson.dumps(clean_paper(p).as_json()) for p in papers)


def dump_lines(records: Iterable[bytes], batch: int = 1000) -> None:
    """Write a JSON array with one compact record per line, a batch at a time (never the whole
    text at once). One line per paper also keeps the output greppable; it is the byte form the
    catalogue stores, so `list --json` can copy records instead of decoding and re-encoding them."""
    import itertools

    out = sys.stdout.buffer
    it = iter(records)
    first = True
    while True:
        chunk = list(itertools.islice(it, batch))
        if not chunk:
            break
        out.write(b"[\n  " if first else b",\n  ")
        out.write(b",\n  ".join(chunk))
        first = False
    out.write(b"[]\n" if first else b"\n]\n")
    sys.stdout.flush()


def status_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--status", type=click.Choice(STATUS_CHOICES), default=None, help="Only papers with this status."
    )(func)


def resolve_ids(lib: Library, ids: Sequence[str]) -> list[str]:
    """Resolve every ID first, so one bad ID changes nothing."""
    return [lib.resolve(i) for i in ids]


def rank_for(obj: Ctx, sort: str | None) -> Callable[[list[Paper]], list[Paper]] | None:
    """For `--sort for-you`: order the selected papers by a model trained on the whole library."""
    from readq.foryou.rank import library_ranker

    return library_ranker(obj.library(), lambda msg: click.echo(msg, err=True)) if sort == "for-you" else None


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="readq")



# ============================================================================ identity (issue 12)
# `resolve` and `fetch`: the only commands that use the network, and only when run. The logic
# lives in readq/identity/; this block only selects papers, shows progress and prints summaries.
