"""``index``: bring the search index up to date. Apart from ``search`` so that it loads
neither the query language nor the output formats."""

from __future__ import annotations

from typing import Annotated

import typer

from chronicle.cli.app import KEEP, app, close_progress, err_console, note, open_chronicle
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
    try:
        with open_chronicle(ctx, root) as book:
            report = book.update_index(rebuild=rebuild, optimize=optimize)
    finally:
        close_progress()
    for message in report.notices:
        note(message)
    console = err_console()
    counts = (
        f"{report.added} added, {report.updated} updated, {report.removed} removed, "
        f"{report.invalid} invalid"
    )
    if not report.rebuilt:
        console.print(f"Index up to date: {counts} ({report.seconds:.1f} s).", highlight=False)
    else:
        if report.added or report.updated or report.removed:
            console.print(f"Entries read: {counts}.", highlight=False)
        console.print(
            f"Search index built: {report.indexed} entries, {report.invalid} invalid files "
            f"skipped ({report.seconds:.1f} s).",
            highlight=False,
        )
    if report.invalid:
        note("Run 'chronicle check' to see what is wrong with the invalid files.")
