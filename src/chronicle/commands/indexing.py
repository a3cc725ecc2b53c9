"""``index``: bring the search index up to date."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chronicle.commands.running import close_progress, err_console, note, open_chronicle

if TYPE_CHECKING:
    from pathlib import Path


def index(rebuild: bool = False, optimize: bool = False, root: Path | None = None) -> None:
    """Bring the search index up to date with entries/."""
    try:
        with open_chronicle(root) as book:
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
