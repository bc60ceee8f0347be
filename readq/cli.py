"""The command line: a thin click shell over the core (see docs/CLI.md and CONTRACT.md).

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

from readq.vocab import CITE_FORMATS, STATUS_WORDS

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


def _echo_library_warnings(args: Sequence[Any]) -> None:
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
            _echo_library_warnings(args)
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


# ---------------------------------------------------------------------------- import
@cli.command("import")
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="Only print warnings and errors.")
@click.option("--no-index", is_flag=True,
              help="Do not build the search index (the first search or app start then builds it).")
@click.option("--dry-run", is_flag=True,
              help="Show per file the layout recognised and the papers it would import; change nothing.")
@pass_ctx
@guarded
def import_cmd(obj: Ctx, paths: Sequence[str], as_json: bool, quiet: bool, no_index: bool, dry_run: bool) -> None:
    """Ingest digest files, folders (recursively) or - for stdin."""
    from readq.ingest import import_paths

    if dry_run:
        _import_preview(paths, as_json)
        return
    obj.library().index_on_import = not no_index
    report = import_paths(obj.library(), paths, progress=not quiet and not as_json)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for error in report.errors:
        click.echo(f"readq: {error}", err=True)
    if as_json:
        import orjson

        click.echo(orjson.dumps(report.as_json(), option=orjson.OPT_INDENT_2).decode())
    elif not quiet and report.entries:
        click.echo(report.summary())
    if report.entries == 0:
        sys.exit(EXIT_NOTHING)


# ---------------------------------------------------------------------------- list / show
def _selection(status: str | None = None, starred: bool = False, query: str | None = None,
               limit: int | None = None, tag: str | None = None, sort: str | None = None) -> Selection:
    from readq.selection import Selection

    return Selection.of(status=status, starred=starred, query=query or "", limit=limit, tag=tag,
                        sort=sort or ("relevance" if query else "newest"))


def _dump_json(papers: Sequence[Paper]) -> None:
    import orjson

    from readq.textclean import clean_paper

    _dump_lines(orjson.dumps(clean_paper(p).as_json()) for p in papers)


def _dump_lines(records: Iterable[bytes], batch: int = 1000) -> None:
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


def _status_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--status", type=click.Choice(STATUS_CHOICES), default=None, help="Only papers with this status."
    )(func)


@cli.command("list")
@_status_option
@click.option("--starred", is_flag=True, help="Only starred papers.")
@click.option("--tag", default=None, help="Only papers with this tag.")
@click.option("--query", "-q", default=None, help="Fuzzy filter, same syntax as the app's / filter.")
@click.option("--sort", type=click.Choice(LIST_SORTS), default=None,
              help="Order (default: newest first, or best match first with --query).")
@click.option("--limit", "-n", type=int, default=None, help="At most N papers.")
@click.option("--json", "as_json", is_flag=True, help="JSON array in the contract's shape.")
@pass_ctx
@guarded
def list_cmd(obj: Ctx, status: str | None, starred: bool, tag: str | None, query: str | None, sort: str | None,
             limit: int | None, as_json: bool) -> None:
    """List papers, newest first (or best match first with --query)."""
    if not obj.library().exists():
        click.echo(f"readq: no library at {obj.library_path} yet; import digests with `readq import PATH`", err=True)
    chosen = obj.library().select(_selection(status, starred, query, limit, tag, sort), rank=_rank_for(obj, sort))
    if as_json:
        _dump_lines(chosen.json_records())
        return
    from readq.textclean import clean

    out = []
    for p in chosen.papers():
        star = "★" if p.starred else " "
        out.append(f"{p.id}  {p.status.value:<8} {star} {p.date or '          '}  {clean(p.title)}")
    if out:
        click.echo("\n".join(out))
    elif sys.stderr.isatty():
        click.echo("no papers match", err=True)


@cli.command("show")
@click.argument("paper_id")
@click.option("--json", "as_json", is_flag=True, help="JSON (an array with one paper).")
@pass_ctx
@guarded
def show_cmd(obj: Ctx, paper_id: str, as_json: bool) -> None:
    """Show one paper in full."""
    from readq.textclean import clean_paper

    paper = clean_paper(obj.library().one(paper_id))
    if as_json:
        _dump_json([paper])
        return
    from readq.links import best_link

    lines = [paper.title, ""]
    from readq.facts import paper_facts

    meta = [("Status", paper.status.value + ("  ★ starred" if paper.starred else "")), *paper_facts(paper),
            ("Link", best_link(paper))]
    lines += [f"{k + ':':<13} {v}" for k, v in meta if v]
    for link in paper.links:
        lines.append(f"{'Mentions:':<13} {link}")
    for src in paper.sources:
        lines.append(f"{'Seen in:':<13} {src.file}" + (f" ({src.digest_date})" if src.digest_date else ""))
    lines += ["", paper.abstract or "(no abstract)"]
    if paper.note:
        lines += ["", "Note:", paper.note]
    click.echo("\n".join(lines))


# ---------------------------------------------------------------------------- state changes
def _resolve_all(lib: Library, ids: Sequence[str]) -> list[str]:
    """Resolve every ID first, so one bad ID changes nothing."""
    return [lib.resolve(i) for i in ids]


@cli.command("mark")
@click.argument("status", type=click.Choice(STATUS_CHOICES, case_sensitive=False))
@click.argument("ids", nargs=-1, required=True)
@pass_ctx
@guarded
def mark_cmd(obj: Ctx, status: str, ids: Sequence[str]) -> None:
    """Set the status of papers (durable on disk before it returns)."""
    lib = obj.library()
    resolved = _resolve_all(lib, ids)
    changes = lib.set_status(resolved, status)
    already = len(set(resolved)) - len(changes)
    msg = f"marked {len(changes)} paper(s) {status}"
    if already:
        msg += f" ({already} already {status})"
    click.echo(msg, err=True)


def _star(obj: Ctx, ids: Sequence[str], starred: bool) -> None:
    lib = obj.library()
    resolved = _resolve_all(lib, ids)
    changes = lib.set_starred(resolved, starred)
    word = "starred" if starred else "unstarred"
    click.echo(f"{word} {len(changes)} paper(s)", err=True)


@cli.command("star")
@click.argument("ids", nargs=-1, required=True)
@pass_ctx
@guarded
def star_cmd(obj: Ctx, ids: Sequence[str]) -> None:
    """Star papers."""
    _star(obj, ids, True)


@cli.command("unstar")
@click.argument("ids", nargs=-1, required=True)
@pass_ctx
@guarded
def unstar_cmd(obj: Ctx, ids: Sequence[str]) -> None:
    """Remove the star from papers."""
    _star(obj, ids, False)


# ---------------------------------------------------------------------------- cite / link / export
@cli.command("cite")
@click.argument("paper_id")
@click.option(
    "--format", "fmt", type=click.Choice(CITE_FORMATS), default="bibtex", show_default=True
)
@click.option("--style", default=None, metavar="CSL",
              help="Citation style for --format text: apa (default, or the cite_style setting), ieee, "
                   "chicago-author-date, … or a .csl file.")
@pass_ctx
@guarded
def cite_cmd(obj: Ctx, paper_id: str, fmt: str, style: str | None) -> None:
    """Print the citation the app would copy (text: formatted in a CSL style, APA by default)."""
    from readq.cite import cite

    from readq.config import load_config
    from readq.csl import UnknownStyle

    paper = obj.library().one(paper_id)
    try:
        click.echo(cite(paper, fmt, style or load_config().cite_style))
    except UnknownStyle as exc:
        fail(str(exc), EXIT_USAGE)


@cli.command("link")
@click.argument("paper_id")
@pass_ctx
@guarded
def link_cmd(obj: Ctx, paper_id: str) -> None:
    """Print the link the app would copy (the `link` setting: hf, arxiv or pdf)."""
    from readq.config import load_config
    from readq.links import paper_link

    click.echo(paper_link(obj.library().one(paper_id), load_config().link))


@cli.command("export")
@_status_option
@click.option("--starred", is_flag=True, help="Only starred papers.")
@click.option("--tag", default=None, help="Only papers with this tag.")
@click.option("--query", "-q", default=None, help="Fuzzy filter, same syntax as the app's / filter.")
@click.option("--sort", type=click.Choice(LIST_SORTS), default=None, help="Order, as for `list`.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "md", "markdown", "bibtex", "bib", "csv", "ris", "csljson", "csl-json"]),
    required=True,
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@pass_ctx
@guarded
def export_cmd(obj: Ctx, status: str | None, starred: bool, tag: str | None, query: str | None, sort: str | None,
               fmt: str, output: Path | None, force: bool) -> None:
    """Write a reading list (stdout by default)."""
    from readq import export

    papers = obj.library().select(_selection(status, starred, query, None, tag, sort), rank=_rank_for(obj, sort)).papers()
    if output is None or str(output) == "-":
        text = export.render(papers, fmt)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
        return
    count = export.write(papers, fmt, output, force=force)
    click.echo(f"wrote {count} paper(s) to {output}", err=True)


# ---------------------------------------------------------------------------- doctor
@cli.command("doctor")
@click.option("--repair", is_flag=True, help="Restore the last good copy if the library is damaged.")
@click.option("--compact", is_flag=True, help="Fold the change journal into the catalogue.")
@pass_ctx
@guarded
def doctor_cmd(obj: Ctx, repair: bool, compact: bool) -> None:
    """Check the library, and optionally repair or compact it."""
    from readq.doctor import check

    ok = check(obj.library_path, repair=repair, compact=compact, echo=lambda m: click.echo(m))
    if not ok:
        sys.exit(EXIT_LIBRARY)


# ============================================================ tags, notes, for you (issue 13; logic in the core)
def _rank_for(obj: Ctx, sort: str | None) -> Callable[[list[Paper]], list[Paper]] | None:
    """For `--sort for-you`: order the selected papers by a model trained on the whole library."""
    from readq.foryou.rank import library_ranker

    return library_ranker(obj.library(), lambda msg: click.echo(msg, err=True)) if sort == "for-you" else None


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
    resolved = _resolve_all(lib, ids)
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


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="readq")



# ============================================================================ identity (issue 12)
# `resolve` and `fetch`: the only commands that use the network, and only when run. The logic
# lives in readq/identity/; this block only selects papers, shows progress and prints summaries.
import contextlib  # noqa: E402 - kept inside this block so it merges as one piece
from collections.abc import Iterator  # noqa: E402

EXIT_NETWORK = 6


@contextlib.contextmanager
def _resolve_progress(total: int, enabled: bool) -> Iterator[Callable[[Any, Any], None]]:
    """A rich progress bar on stderr (a terminal only); yields the resolver's listener."""
    if not enabled or not sys.stderr.isatty() or total < 2:
        yield lambda paper, outcome: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("[bold]resolving[/]"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("resolve", total=total)
        yield lambda paper, outcome: bar.advance(task)


@cli.command("resolve")
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Every paper without a resolved arXiv identity.")
@_status_option
@click.option("--starred", is_flag=True, help="Only starred papers.")
@click.option("--query", "-q", default=None, help="Only papers matching this filter (the app's syntax).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("-v", "--verbose", is_flag=True,
              help="One line per paper as soon as its result is saved: ID, outcome, arXiv ID.")
@pass_ctx
@guarded
def resolve_cmd(obj: Ctx, ids: Sequence[str], all_: bool, status: str | None, starred: bool,
                query: str | None, as_json: bool, verbose: bool) -> None:
    """Find papers' arXiv IDs, authors, dates and links on Hugging Face and arXiv."""
    from readq.identity.http import NetworkError
    from readq.identity.resolve import needs_resolving, resolve_papers

    lib = obj.library()
    if ids:
        wanted = _resolve_all(lib, ids)
        papers = [lib.get(pid) for pid in dict.fromkeys(wanted)]
    elif all_ or status or starred or query:
        if not lib.exists():
            fail(f"no library at {obj.library_path} yet; import digests with `readq import PATH`", EXIT_NOTHING)
        papers = needs_resolving(lib.select(_selection(status, starred, query)).papers())
    else:
        fail("name papers to resolve, or use --all (optionally with --status/--starred/--query)", EXIT_USAGE)
    if not papers:
        click.echo("Nothing to resolve: every selected paper already has its identity.", err=True)
        return

    def tell(paper: Any, outcome: Any) -> None:
        arxiv_id = outcome.found.arxiv_id if outcome.found is not None else "-"
        sys.stdout.write(f"{paper.id}\t{outcome.kind}\t{arxiv_id}\n")
        sys.stdout.flush()

    try:
        with _resolve_progress(len(papers), not as_json and not verbose) as bar:
            listener = (lambda p, o: (tell(p, o), bar(p, o))) if verbose else bar
            report = resolve_papers(lib, papers, listener)
    except NetworkError as exc:
        fail(str(exc), EXIT_NETWORK)
    titles = {p.id: p.title for p in papers}
    for pid, candidates in report.ambiguous.items():
        shown = "; ".join(f"{c.arxiv_id} ({c.title})" for c in candidates)
        click.echo(f"ambiguous: {pid} {titles.get(pid, '')}: {shown}", err=True)
    for warning in report.warnings[:20]:
        click.echo(f"warning: {warning}", err=True)
    if len(report.warnings) > 20:
        click.echo(f"warning: … and {len(report.warnings) - 20} more (--json lists them all)", err=True)
    if as_json:
        import orjson

        click.echo(orjson.dumps(report.as_json(), option=orjson.OPT_INDENT_2).decode())
    else:
        click.echo(report.summary())


@cli.command("fetch")
@click.option("--date", "date_", default=None, metavar="YYYY-MM-DD", help="One day's papers.")
@click.option("--week", default=None, metavar="YYYY-Www", help="One ISO week's papers.")
@click.option("--month", default=None, metavar="YYYY-MM", help="One month's papers.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_ctx
@guarded
def fetch_cmd(obj: Ctx, date_: str | None, week: str | None, month: str | None, as_json: bool) -> None:
    """Import Hugging Face Daily Papers from its API (default: the latest day with papers)."""
    from readq.identity.fetch import FetchRequest, fetch_daily
    from readq.identity.hf import HfPapers
    from readq.identity.http import NetworkError

    try:
        request = FetchRequest(date_, week, month).check()
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)
    try:
        report, _listed = fetch_daily(obj.library(), HfPapers(), request)
    except NetworkError as exc:
        fail(str(exc), EXIT_NETWORK)
    if report.entries == 0:
        fail("Hugging Face lists no papers for " + (date_ or week or month or "any recent day"), EXIT_NOTHING)
    if as_json:
        import orjson

        click.echo(orjson.dumps(report.as_json(), option=orjson.OPT_INDENT_2).decode())
    else:
        click.echo(report.summary())


# ---------------------------------------------------------------------------- import --dry-run (issue 11)
def _import_preview(paths: Sequence[str], as_json: bool) -> None:
    """`import --dry-run`: the parse of every input, printed; the library is not opened."""
    from readq.ingest import import_date
    from readq.preview import preview, render_text

    files = list(preview(paths, import_date()))
    if as_json:
        import orjson

        click.echo(orjson.dumps([f.as_json() for f in files], option=orjson.OPT_INDENT_2).decode())
    else:
        click.echo(render_text(files))
    if not any(f.entries for f in files):
        sys.exit(EXIT_NOTHING)

cli.commands = __import__("readq").LazyCommands(cli.commands, sync="readq.sync.command:sync_cmd")
