"""`readq sync`: options and printing only; the logic is `readq.sync.run` (imported when it runs)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from readq.cli.base import EXIT_USAGE, Ctx, cli, fail, guarded, pass_ctx
from readq.cli.identity import EXIT_NETWORK

EXIT_SYNC_SETUP = EXIT_USAGE  # no remote (or folder) given yet


@cli.command("sync")
@click.option("--git", "remote", default=None, metavar="REMOTE",
              help="Git remote to sync through (any URL or a local path); remembered, so later calls need none.")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep the synced files in this folder (e.g. one Syncthing or Dropbox shares) instead of "
                   "<library>/sync; remembered.")
@click.option("-q", "--quiet", is_flag=True, help="Only print warnings and errors.")
@pass_ctx
@guarded
def sync_cmd(obj: Ctx, remote: str | None, folder: Path | None, quiet: bool) -> None:
    """Exchange changes with your other devices (through git, or a shared folder with --dir)."""
    from readq.sync.git import SyncError
    from readq.sync.run import NoRemote, run_sync

    progress = (lambda text: click.echo(text, err=True)) if not quiet and sys.stderr.isatty() else (lambda text: None)
    try:
        outcome = run_sync(obj.library(), remote, folder, progress)
    except NoRemote as exc:
        fail(str(exc), EXIT_SYNC_SETUP)
    except SyncError as exc:
        fail(str(exc), EXIT_NETWORK)
    for warning in outcome.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not quiet:
        click.echo(outcome.summary())
