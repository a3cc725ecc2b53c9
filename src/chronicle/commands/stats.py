"""``stats`` and ``names``: what the chronicle holds, at a glance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chronicle.commands.listing import report_selection
from chronicle.commands.running import (
    current_env,
    note,
    nothing_found,
    nothing_matched,
    open_chronicle,
    table_console,
    write_data,
    write_rendered,
)
from chronicle.query import EVERYTHING

if TYPE_CHECKING:
    from pathlib import Path

    from chronicle.query import Filters


def stats(
    by: str = "auto",
    top: int = 10,
    filters: Filters = EVERYTHING,
    fmt: str = "table",
    root: Path | None = None,
) -> None:
    """Count entries by period, tag, person, place or source; exits 1 when none match."""
    from chronicle.stats import PERIODS

    with open_chronicle(root) as book:
        selection, result = book.stats(filters, by=by, top=top)
    report_selection(selection)
    if fmt == "json":
        from chronicle.exchange.serialise import json_document

        write_data(json_document(result.to_dict()))
        if not result.total:
            raise nothing_found(nothing_matched(filters))
        return
    if not result.total:
        raise nothing_found(nothing_matched(filters))
    rows = None if result.by in PERIODS else top
    env = current_env()
    if not env.out_is_terminal():
        # Into a pipe or a file: the text Rich would write, made without loading Rich
        # where it is sure to be laid out as Rich does.
        from chronicle.commands.environment import PLAIN_WIDTH
        from chronicle.glyphs import holds_blocks
        from chronicle.render.stats import stats_text

        text = stats_text(result, width=PLAIN_WIDTH, max_rows=rows, blocks=holds_blocks(
            getattr(env.stdout_stream, "encoding", None)))
        if text is not None:
            write_rendered(text)
            return
    from chronicle.render.stats import stats_pieces

    console = table_console()
    plain = not console.is_terminal
    # The chart's rows come as the text Rich would write for them: thousands by month.
    for piece in stats_pieces(result, console, max_rows=rows, plain=plain):
        if isinstance(piece, str):
            write_rendered(piece)
        else:
            console.print(piece)


def names(
    kind: list[str] | None = None,
    suggest: bool = False,
    filters: Filters = EVERYTHING,
    fmt: str = "table",
    root: Path | None = None,
) -> None:
    """List every person, place and tag with its count, spellings of one name grouped;
    with ``suggest``, the names: block for chronicle.yaml."""
    from chronicle.exchange.serialise import json_document
    from chronicle.name_groups import suggest_names

    with open_chronicle(root) as book:
        selection, grouped = book.names(filters, kinds=list(kind) if kind else None)
    report_selection(selection)
    if suggest:
        suggestion = suggest_names(
            [group for groups in grouped.values() for group in groups], selection.registry
        )
        if fmt == "json":
            write_data(json_document({"names": suggestion.names}))
        else:
            write_data(suggestion.to_yaml())
        if suggestion.added:
            note(
                f"{len(suggestion.new)} new names, {len(suggestion.added)} new spellings; "
                "paste the block over names: in chronicle.yaml."
            )
        else:
            note("chronicle.yaml already declares every spelling that needs an alias.")
        return
    if fmt == "json":
        write_data(json_document(
            {kind_: [group.to_dict() for group in groups] for kind_, groups in grouped.items()}
        ))
        if not any(grouped.values()):
            raise nothing_found("No names." if filters.is_empty else "No entries match.")
        return
    from chronicle.render.stats import names_table

    console = table_console()
    plain = not console.is_terminal
    titles = {"person": "People", "place": "Places", "tag": "Tags"}
    shown = False
    for kind_, groups in grouped.items():
        if not groups:
            continue
        if shown:
            console.print()
        console.print(names_table(groups, title=titles[kind_], plain=plain))
        shown = True
    if not shown:
        raise nothing_found("No names." if filters.is_empty else "No entries match.")
