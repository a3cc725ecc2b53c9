"""``add``, ``edit`` and ``rm``: writing the chronicle, with the search index kept in step."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from chronicle.cli.app import (
    WRITE,
    app,
    current_env,
    err_console,
    note,
    open_chronicle,
    report_written,
    warn,
    write_data,
)
from chronicle.cli.completion import complete_entry_ids
from chronicle.cli.options import RootOption
from chronicle.cli.prompts import ask_for_entry, check_names, edit_loop, gave_up, name_problems
from chronicle.errors import ChronicleError, ExitCode, UsageError

if TYPE_CHECKING:
    from chronicle.api import Chronicle
    from chronicle.authoring import KnownNames
    from chronicle.config import Location
    from chronicle.drafts import Checked
    from chronicle.model import Entry

ENTRY = "Entry fields"


def _list_option(flag: str, text: str) -> Any:
    return typer.Option(flag, help=text, show_default=False, rich_help_panel=ENTRY)


@app.command(rich_help_panel=WRITE)
def add(
    ctx: typer.Context,
    title: Annotated[str | None, _list_option("--title", "The title (required).")] = None,
    date: Annotated[
        str | None,
        _list_option("--date", "When (required): 2014-04-17, 17 April 2014, March 2014, "
                     "or a range like 'April 17-18, 2014'."),
    ] = None,
    end: Annotated[str | None, _list_option("--end", "When it ended, if it lasted.")] = None,
    summary: Annotated[str | None, _list_option("--summary", "One line.")] = None,
    body: Annotated[
        str | None, _list_option("--body", "Markdown text; '-' reads it from stdin.")
    ] = None,
    person: Annotated[list[str] | None, _list_option("--person", "A person; repeatable.")] = None,
    place: Annotated[list[str] | None, _list_option("--place", "A place; repeatable.")] = None,
    tag: Annotated[list[str] | None, _list_option("--tag", "A tag; repeatable.")] = None,
    source: Annotated[
        list[str] | None, _list_option("--source", "A URL or a title; repeatable.")
    ] = None,
    edit: Annotated[
        bool, typer.Option("--edit", "-e", help="Write the entry in $EDITOR, from a template.")
    ] = False,
    draft: Annotated[
        Path | None,
        typer.Option("--draft", help="Go on with a draft kept by an earlier --edit.",
                     show_default=False, exists=True, dir_okay=False),
    ] = None,
    interactive: Annotated[
        bool | None,
        typer.Option("--interactive/--no-interactive", "-i",
                     help="Ask for what is missing. Default: when stdin is a terminal.",
                     show_default=False),
    ] = None,
    strict_names: Annotated[
        bool, typer.Option("--strict-names", help="Refuse names that look like another "
                           "spelling of a name already in the chronicle.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Print the YAML; write nothing.")
    ] = False,
    root: RootOption = None,
) -> None:
    """Add an entry, from options, from prompts, or in your editor.

    Prints the new id on stdout and the file written on stderr.

    Example: chronicle add --title "Park reopens" --date "17 April 2014" --place Belgrade
    """
    book = open_chronicle(ctx, root)
    chronicle = book.location
    env = current_env()
    if body == "-":
        body = env.stdin_stream.read()
    with book:
        known = book.known_names()
        if edit or draft is not None:
            given = {"title": title, "date": date, "end": end, "summary": summary,
                     "body": body, "people": person, "places": place, "tags": tag,
                     "sources": source}
            entry = _add_in_editor(chronicle, given, draft, known, strict_names)
        else:
            missing = not (title and title.strip()) or not (date and date.strip())
            asking = interactive if interactive is not None else (
                missing and body is None and env.stdin_is_terminal()
            )
            if asking:
                entry = ask_for_entry(chronicle, known, title=title, date=date, end=end,
                                       summary=summary, body=body, people=person,
                                       places=place, tags=tag, sources=source)
            elif missing:
                raise UsageError(
                    "an entry needs --title and --date",
                    hint="give both, use --edit to write it in your editor, or run "
                    "chronicle add in a terminal to be asked",
                )
            else:
                assert title is not None and date is not None
                entry = book.new_entry(
                    title=title, date=date, end=end, summary=summary, body=body,
                    people=person or (), places=place or (), tags=tag or (),
                    sources=source or (), labels=("--date", "--end"),
                )
            entry = check_names(entry, known, strict=strict_names, ask=bool(asking))
        _save_new(book, entry, dry_run=dry_run)


def _save_new(book: Chronicle, entry: Entry, *, dry_run: bool) -> None:
    from chronicle.authoring import entry_location
    from chronicle.store import dump_entry

    chronicle = book.location
    if dry_run:
        folder, stem = entry_location(chronicle.entries_dir, entry)
        write_data(dump_entry(entry))
        note(f"Dry run: would write {chronicle.relative(folder)}/{stem}.yaml "
             "(or a -2, -3... name if taken); nothing written.")
        return
    written = book.add(entry)
    report_written(written)
    write_data(written.ids[0])
    err_console().print(f"Added {chronicle.relative(written.paths[0])}", style="green",
                        soft_wrap=True)


def _add_in_editor(
    chronicle: Location, given: Mapping[str, object], draft_path: Path | None,
    known: KnownNames, strict: bool,
) -> Entry:
    from chronicle.drafts import DRAFTS_DIRNAME, Checked, Draft, new_entry_template, read_draft

    if draft_path is not None:
        text = draft_path.read_text(encoding="utf-8")
        inside = draft_path.resolve().is_relative_to(
            (chronicle.index_dir / DRAFTS_DIRNAME).resolve())
        draft = Draft(draft_path) if inside else Draft.create(chronicle, text, name="add")
        original = ""
    else:
        text = original = new_entry_template(given)
        draft = Draft.create(chronicle, text, name="add")

    def validate(saved: str) -> Checked:
        text, entry, problems = read_draft(chronicle, saved, entry_id="", path="draft")
        errors = [p for p in problems if p.severity == "error"]
        if entry is not None and strict and not errors:
            errors = name_problems(entry, known)
        return Checked(text, entry, errors, [p for p in problems if p.severity != "error"])

    outcome = edit_loop(draft, validate, original)
    if outcome.status == "unchanged":
        note("No entry added: the template was saved empty or unchanged.")
        raise typer.Exit(int(ExitCode.ERROR))
    if outcome.status != "saved" or outcome.entry is None:
        gave_up(outcome, f"chronicle add --draft {outcome.kept}")
        raise AssertionError  # pragma: no cover - gave_up exits
    for problem in outcome.warnings:
        warn(f"Warning: {problem.message}")
    if not strict:
        check_names(outcome.entry, known, strict=False, ask=False)
    return outcome.entry


@app.command(rich_help_panel=WRITE)
def edit(
    ctx: typer.Context,
    entry_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="An id, a unique part of one, or the file's path.",
            autocompletion=complete_entry_ids,
        ),
    ],
    root: RootOption = None,
) -> None:
    """Edit an entry in $EDITOR; it is checked on save and reopened if invalid.

    Example: chronicle edit 2014-04-17-defence-agreement
    """
    from chronicle.api import EditConflictError
    from chronicle.authoring import name_warnings, slugify
    from chronicle.drafts import Checked, Draft, read_draft

    with open_chronicle(ctx, root) as book:
        chronicle = book.location
        target = book.edit_target(entry_id)
        shown = chronicle.relative(target.path)
        draft = Draft.create(chronicle, target.original, name=f"edit-{slugify(target.id, 40)}")

        def validate(saved: str) -> Checked:
            text, new, problems = read_draft(chronicle, saved, entry_id=target.id, path=shown)
            errors = [p for p in problems if p.severity == "error"]
            return Checked(text, new, errors, [p for p in problems if p.severity != "error"])

        outcome = edit_loop(draft, validate, target.original)
        if outcome.status == "unchanged":
            note("No changes.")
            return
        if outcome.status != "saved" or outcome.entry is None:
            gave_up(outcome, f"copy it over {shown}, or edit again")
            return
        # Names are compared with the chronicle before this entry's new ones are in it.
        fresh = _fresh_names(target.entry, outcome.entry) if target.entry else outcome.entry
        lookalikes = name_warnings(fresh, book.known_names())
        try:
            written = book.edit(target, outcome.text)
        except EditConflictError:
            draft.write(outcome.text)
            raise ChronicleError(
                f"{shown} was changed by something else while you were editing; "
                f"your version is kept at {draft.path}",
                hint="compare the two and copy what you want to keep",
            ) from None
    for problem in outcome.warnings:
        warn(f"Warning: {problem.message}")
    for lookalike in lookalikes:
        warn(f"Warning: {lookalike.message}")
    report_written(written)
    write_data(target.id)
    err_console().print(f"Saved {shown}", style="green", soft_wrap=True)


def _fresh_names(old: Entry, new: Entry) -> Entry:
    """``new`` with only the names ``old`` did not have (the ones worth a warning)."""
    return new.replace(
        people=tuple(n for n in new.people if n not in old.people),
        places=tuple(n for n in new.places if n not in old.places),
        tags=tuple(n for n in new.tags if n not in old.tags),
    )


@app.command("rm", rich_help_panel=WRITE)
def remove(
    ctx: typer.Context,
    entry_ids: Annotated[
        list[str],
        typer.Argument(
            metavar="ID...", help="Ids, or unique parts of them.",
            autocompletion=complete_entry_ids,
        ),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    root: RootOption = None,
) -> None:
    """Delete entries (after asking, unless --yes) and drop them from the search index.

    Example: chronicle rm 2014-04-17-defence-agreement
    """
    with open_chronicle(ctx, root) as book:
        entries = book.resolve(entry_ids)
        console = err_console()
        for entry in entries:
            console.print(f"  {entry.date_label()}  {entry.title}  ({entry.path})",
                          markup=False, soft_wrap=True)
        if not yes:
            many = "this entry" if len(entries) == 1 else f"these {len(entries)} entries"
            try:
                confirmed = typer.confirm(f"Delete {many}?", default=False, err=True)
            except (typer.Abort, EOFError):
                confirmed = False
            if not confirmed:
                note("Nothing deleted.")
                raise typer.Exit(int(ExitCode.ERROR))
        written = book.remove(entries)
    report_written(written)
    for entry in entries:
        console.print(f"Deleted {entry.path}", style="green", soft_wrap=True)
