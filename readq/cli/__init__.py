"""The command line: a thin click shell over the core (see docs/CLI.md and CONTRACT.md).

`base` holds the group, the library context, errors and exit codes; each other module holds one
family of commands and registers them on the group when imported here.
"""

from readq.cli import identity, notes, papers, sync  # noqa: F401 - importing registers the commands
from readq.cli.base import cli, default_library_path, main

__all__ = ["cli", "default_library_path", "main"]
