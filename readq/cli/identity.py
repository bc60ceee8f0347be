"""`resolve` and `fetch`: the only commands that use the network, and only when run.

The logic lives in readq/identity/; these commands only select papers, show progress and print
summaries.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import click

from readq.cli.base import (
    EXIT_NOTHING,
    EXIT_USAGE,
    Ctx,
    cli,
    fail,
    guarded,
    pass_ctx,
    resolve_ids,
    selection_of,
    status_option,
)

if TYPE_CHECKING:
    pass



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
@status_option
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
        wanted = resolve_ids(lib, ids)
        papers = [lib.get(pid) for pid in dict.fromkeys(wanted)]
    elif all_ or status or starred or query:
        if not lib.exists():
            fail(f"no library at {obj.library_path} yet; import digests with `readq import PATH`", EXIT_NOTHING)
        papers = needs_resolving(lib.select(selection_of(status, starred, query)).papers())
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
