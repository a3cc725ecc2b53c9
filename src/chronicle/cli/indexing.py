"""``index``: bring the search index up to date. Apart from ``search`` so that it loads
neither the query language nor the output formats."""

from __future__ import annotations

from typing import Annotated

import typer

from chronicle.cli.app import KEEP, app
from chronicle.cli.options import RootOption


@app.command("index", rich_help_panel=KEEP)
def index_command(
    ctx: typer.Context,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Throw the search index away and build it anew.")
    ] = False,
    optimize: Annotated[
        bool,
        typer.Option("--optimize", help="Merge the index into one segment (faster searches)."),
    ] = False,
    root: RootOption = None,
) -> None:
    """Bring the search index up to date with entries/ (searches do this by themselves).

    Example: chronicle index --rebuild
    """
    from chronicle.commands.indexing import index as run

    run(rebuild=rebuild, optimize=optimize, root=root)
