"""``export`` and ``import``: entries out to other tools and in from them."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chronicle.cli.app import (
    SHARE,
    WRITE,
    app,
    current_env,
    err_console,
    note,
    nothing_found,
    open_chronicle,
    report_written,
    warn,
    without_gc,
    write_data,
    write_pieces,
    write_view,
)
from chronicle.cli.options import (
    RootOption,
    format_choices,
    with_filters,
)
from chronicle.commands.environment import takes_utf8_bytes
from chronicle.commands.listing import report_found
from chronicle.errors import ChronicleError, UsageError
from chronicle.query import EVERYTHING, Filters

if TYPE_CHECKING:
    from chronicle.api import Chronicle
    from chronicle.config import Location
    from chronicle.exchange.importing import ImportSource
    from chronicle.outcomes import Streamed


if TYPE_CHECKING:
    ExportFormat = str
    ImportFormat = str
else:
    ExportFormat = format_choices("export")
    ImportFormat = format_choices("import")


class GroupBy(StrEnum):
    tag = "tag"
    place = "place"
    person = "person"


@app.command(rich_help_panel=SHARE)
@with_filters
def export(
    ctx: typer.Context,
    query: Annotated[
        str | None,
        typer.Argument(
            metavar="[QUERY]",
            help="Export only the entries this search finds (same syntax as search).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format", "-f",
            help="Output format. Default: from the -o file's extension, else json.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE",
            help="Write to FILE (atomically) instead of standard output.",
            show_default=False,
        ),
    ] = None,
    group_by: Annotated[
        GroupBy | None,
        typer.Option(
            "--group-by",
            help="timelinejs: put each event in the group of its first tag, place or person.",
            show_default=False,
        ),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option(
            "--title", help="Title of the document or calendar (default: the chronicle's).",
            show_default=False,
        ),
    ] = None,
    filters: Filters = EVERYTHING,
    root: RootOption = None,
) -> None:
    """Export entries as JSON, CSV, Markdown, iCalendar, TimelineJS or HTML.

    json, jsonl and csv have the keys of 'list --format json'; markdown
    is a document grouped by year and month; ics is a calendar for khal
    or Thunderbird; timelinejs is Knight Lab TimelineJS3 JSON; html is
    one self-contained page.

    Example: chronicle export --format ics --year 2014 -o azerbaijan-2014.ics
    """
    from chronicle.exchange import guess_format
    from chronicle.fileio import atomic_write_text

    book = open_chronicle(ctx, root)
    if output is not None and not output.parent.is_dir():
        # A missing folder is most likely a typo: say so rather than create it.
        raise UsageError(f"-o {output}: the folder {output.parent} does not exist")
    if output is not None and output.is_dir():
        raise UsageError(f"-o {output} is a folder; give a file name")
    if output is not None:
        own = _own_file(book.location, output)
        if own:
            raise UsageError(f"-o {output} is {own}; give another file name")
    name = fmt or "json"
    if fmt is None and output is not None:
        guessed = guess_format(output)
        if guessed is None:
            from chronicle.exchange import FORMATS

            known = ", ".join(
                suffix for info in FORMATS.values() if info.exporter for suffix in info.suffixes
            )
            raise UsageError(
                f"-o {output}: cannot tell the format from the file name",
                hint=f"give --format, or a file name ending in one of {known}",
            )
        name = guessed
    from chronicle.exchange import STREAMED_FORMATS

    if name in STREAMED_FORMATS:
        with book:
            streamed = book.stream(name, filters, title=title,
                                   group_by=group_by.value if group_by else None,
                                   now=current_env().clock(), query=query,
                                   encoded=output is not None or takes_utf8_bytes(
                                       current_env().stdout_stream))
            if streamed is not None:
                write_streamed(streamed, name, output,
                               everything=filters.is_empty and not (query and query.strip()))
                return
    with without_gc(), book:
        found = book.find(query, filters)
        report_found(found)
        entries = found.entries
        exported = book.export(entries, name, title=title,
                               group_by=group_by.value if group_by else None,
                               now=current_env().clock())
    for message in exported.warnings:
        warn(message)
    if not entries:
        empty = not query and filters.is_empty
        note("The chronicle has no entries yet." if empty else "No entries match.")
    if output is None:
        write_data(exported.text)
    else:
        atomic_write_text(output, exported.text)
        count = len(entries) if exported.written is None else exported.written
        note(f"Wrote {count} {'entry' if count == 1 else 'entries'} as {name} to {output}.")
    if not entries:
        raise nothing_found()


def _own_file(chronicle: Location, output: Path) -> str | None:
    """What of the chronicle's own ``output`` would write over, if anything: its
    chronicle.yaml, a file of its index folder, or an entry file."""
    import os

    from chronicle.store import ENTRY_SUFFIXES

    # Both where the name leads and the name itself: an entry kept as a link to a file
    # elsewhere, or one in a linked folder, leads out of entries/ and is still one.
    for resolve in (os.path.realpath, os.path.abspath):
        target = Path(resolve(output))
        if target == Path(resolve(chronicle.config_path)):
            return "the chronicle's settings"
        if any(target.is_relative_to(resolve(folder))
               for folder in (chronicle.index_dir, chronicle.root / "index")):
            return "in the chronicle's index folder"
        if (target.is_relative_to(resolve(chronicle.entries_dir))
                and target.name.endswith(ENTRY_SUFFIXES)):
            return "an entry file"
    return None


def write_streamed(streamed: Streamed, name: str, output: Path | None, *,
                   everything: bool) -> None:
    """An export made piece by piece to stdout or, atomically, to ``output``."""
    from chronicle.fileio import atomic_write_chunks
    from chronicle.outcomes import Found

    report_found(Found([], streamed.notes, streamed.problems))
    if output is None:
        write_pieces(streamed.chunks, encoded=streamed.encoded)
    else:
        atomic_write_chunks(output, streamed.chunks, encoded=streamed.encoded)
    for message in streamed.warnings:
        warn(message)
    if not streamed.count:
        note("The chronicle has no entries yet." if everything else "No entries match.")
    if output is not None:
        count = streamed.count if streamed.written is None else streamed.written
        note(f"Wrote {count} {'entry' if count == 1 else 'entries'} as {name} to {output}.")
    if not streamed.count:
        raise nothing_found()


@app.command("import", rich_help_panel=WRITE)
def import_entries(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE...", help="Files to import.", show_default=False),
    ],
    fmt: Annotated[
        ImportFormat | None,
        typer.Option(
            "--format", "-f",
            help="The files' format. Default: from each file's extension (a .json file "
            "holding a TimelineJS 'events' list is read as timelinejs).",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Check every record and say what would be imported; "
                     "write nothing."),
    ] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Import the valid records even when some are "
                     "invalid (they are still reported)."),
    ] = False,
    root: RootOption = None,
) -> None:
    """Import entries from JSON, JSON Lines, CSV, TimelineJS or iCalendar files.

    Every record is validated before anything is written: when one is
    invalid, nothing is imported (unless --skip-invalid). Records already
    in the chronicle (same source id, or same date and title) are
    skipped, so importing a file twice adds nothing. Prints the id of
    each new entry.

    Example: chronicle import calendar.ics timeline.json --dry-run
    """
    from chronicle.exchange.importing import ImportSource

    sources = [ImportSource(path, fmt) for path in files]
    with open_chronicle(ctx, root) as book:
        _import(book, sources, dry_run=dry_run, skip_invalid=skip_invalid)


def _import(book: Chronicle, sources: list[ImportSource], *, dry_run: bool,
            skip_invalid: bool) -> None:
    with without_gc():
        plan = book.plan_import(sources)
    for outcome in plan.outcomes:
        if outcome.status == "invalid":
            warn(f"invalid {outcome.position}: {outcome.reason}")
        elif outcome.status == "skip":
            note(f"skipped {outcome.position}: {outcome.reason}")
        for message in outcome.notes:
            note(message)
    for message in plan.warnings:
        warn(f"warning: {message}")
    for message in plan.left_out:
        warn(message)
    invalid = len(plan.invalid)
    if invalid and not skip_invalid:
        raise ChronicleError(
            f"{invalid} of {len(plan.outcomes)} records "
            f"{'is' if invalid == 1 else 'are'} invalid; nothing was imported",
            hint="correct them, or import the valid records with --skip-invalid",
        )
    if dry_run:
        for outcome in plan.to_create:
            assert outcome.entry is not None
            write_view(f"would create  {outcome.entry.date_label()}  {outcome.entry.title}")
        _summary(len(plan.to_create), len(plan.skipped), invalid, would=True)
        return
    created, written = book.import_(plan)
    for outcome in created:
        write_view(f"created {outcome.id}")
    if plan.title_written:
        note(f"The chronicle's title is now {plan.title!r}, from the imported file.")
    report_written(written)
    _summary(len(created), len(plan.skipped), invalid, would=False)


def _summary(created: int, skipped: int, invalid: int, *, would: bool) -> None:
    verb = "would be created" if would else "created"
    text = f"{created} {verb}, {skipped} skipped (already present), {invalid} invalid"
    err_console().print(text, style="yellow" if invalid else "green", soft_wrap=True)
