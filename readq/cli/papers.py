"""Commands on the papers themselves: import, list, show, mark, star, cite, link, export, doctor."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from readq.cli.base import (
    EXIT_LIBRARY,
    EXIT_NOTHING,
    EXIT_USAGE,
    LIST_SORTS,
    STATUS_CHOICES,
    Ctx,
    cli,
    dump_json,
    dump_lines,
    fail,
    guarded,
    pass_ctx,
    rank_for,
    resolve_ids,
    selection_of,
    status_option,
)
from readq.vocab import CITE_FORMATS

if TYPE_CHECKING:
    pass


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
    """Ingest digest files, folders (recursively) or - for stdin.

    Any saved paper list: Hugging Face and arXiv pages (text, Markdown, HTML, MHTML, PDF text,
    lynx dumps), e-mails, Scholar alerts, and BibTeX, RIS, CSV, JSON or RSS files, readq's own
    exports included. --dry-run shows how each file is read."""
    from readq.ingest import import_paths

    if dry_run:
        import_preview(paths, as_json)
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




@cli.command("list")
@status_option
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
    chosen = obj.library().select(selection_of(status, starred, query, limit, tag, sort), rank=rank_for(obj, sort))
    if as_json:
        dump_lines(chosen.json_records())
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
        dump_json([paper])
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

@cli.command("mark")
@click.argument("status", type=click.Choice(STATUS_CHOICES, case_sensitive=False))
@click.argument("ids", nargs=-1, required=True)
@pass_ctx
@guarded
def mark_cmd(obj: Ctx, status: str, ids: Sequence[str]) -> None:
    """Set the status of papers (durable on disk before it returns)."""
    lib = obj.library()
    resolved = resolve_ids(lib, ids)
    changes = lib.set_status(resolved, status)
    already = len(set(resolved)) - len(changes)
    msg = f"marked {len(changes)} paper(s) {status}"
    if already:
        msg += f" ({already} already {status})"
    click.echo(msg, err=True)


def _star(obj: Ctx, ids: Sequence[str], starred: bool) -> None:
    lib = obj.library()
    resolved = resolve_ids(lib, ids)
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
@status_option
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

    papers = obj.library().select(selection_of(status, starred, query, None, tag, sort), rank=rank_for(obj, sort)).papers()
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


def import_preview(paths: Sequence[str], as_json: bool) -> None:
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
