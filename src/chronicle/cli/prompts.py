"""What ``add`` and ``edit`` ask a person: prompts, lookalike names, the editor loop."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from chronicle.cli.app import current_env, err_console, note, warn
from chronicle.errors import ChronicleError, ExitCode, UsageError

if TYPE_CHECKING:
    from pathlib import Path

    from chronicle.authoring import KnownNames
    from chronicle.config import Location
    from chronicle.drafts import Checked, Draft, EditOutcome
    from chronicle.model import Entry, Problem


# -- names --------------------------------------------------------------------------------


def check_names(entry: Entry, known: KnownNames, *, strict: bool, ask: bool) -> Entry:
    """Warn about (or, strict, refuse; or, asking, offer to fix) lookalike names."""
    from chronicle.authoring import apply_spellings, name_warnings

    warnings = name_warnings(entry, known)
    if not warnings:
        return entry
    if strict:
        raise UsageError("; ".join(w.message for w in warnings),
                         hint="use the known spelling, or leave out --strict-names")
    if ask:
        chosen = [w for w in warnings if typer.confirm(w.message, default=True, err=True)]
        return apply_spellings(entry, chosen)
    for warning in warnings:
        warn(f"Warning: {warning.message}")
    return entry


def name_problems(entry: Entry, known: KnownNames) -> list[Problem]:
    from chronicle.authoring import name_warnings
    from chronicle.model import Problem

    return [Problem("draft", None, w.message) for w in name_warnings(entry, known)]


# -- prompts ------------------------------------------------------------------------------


def ask(label: str, *, optional: bool = False) -> str:
    return str(typer.prompt(label, default="" if optional else None, show_default=False,
                            err=True)).strip()


def ask_for_entry(
    chronicle: Location, known: KnownNames, *, title: str | None, date: str | None,
    end: str | None, summary: str | None, body: str | None, people: list[str] | None,
    places: list[str] | None, tags: list[str] | None, sources: list[str] | None,
) -> Entry:
    """Ask for every field not given; required ones until they are valid."""
    from chronicle import authoring
    from chronicle.errors import DateError

    def report(err: ChronicleError) -> None:
        warn(err.message + (f" ({err.hint})" if err.hint else ""))

    while not title:
        try:
            title = authoring.check_one_line("the title", ask("Title"))
        except UsageError as err:
            report(err)
    while date is None:
        try:
            text = ask("Date (2014-04-17, 17 April 2014, April 17-18, 2014)")
            _start, until = authoring.read_dates(text, labels=("date", "end"))
            date = text
            if until is not None:
                end = ""  # the range gave the end
        except DateError as err:
            report(err)
    while end is None:
        try:
            text = ask("End date (Enter if none)", optional=True)
            authoring.read_dates(date, text, labels=("date", "end"))
            end = text
        except (DateError, UsageError) as err:
            report(err)
    if summary is None:
        summary = ask("Summary (one line, Enter to skip)", optional=True)
    lists = {"people": people, "places": places, "tags": tags}
    for field, label in (("people", "People"), ("places", "Places"), ("tags", "Tags")):
        if lists[field] is None:
            common = known.most_common(field)
            if common:
                note(f"In use: {', '.join(f'{name} ({count})' for name, count in common)}")
            lists[field] = authoring.split_names(
                ask(f"{label} (comma-separated, Enter to skip)", optional=True)
            )
    if sources is None:
        sources = []
        while source := ask("Source URL or title (Enter to finish)", optional=True):
            sources.append(source)
    return authoring.build_entry(
        chronicle, title=title, date=date, end=end or None, summary=summary or None,
        body=body, people=lists["people"] or (), places=lists["places"] or (),
        tags=lists["tags"] or (), sources=sources,
    )


# -- the editor ---------------------------------------------------------------------------


def retry_edit(problems: list[Problem]) -> bool:
    from chronicle.drafts import problem_lines

    console = err_console()
    lines = problem_lines(problems)
    console.print(lines[0], style="bold red", markup=False)
    for line in lines[1:-1]:
        console.print(line, soft_wrap=True, markup=False)
    try:
        return bool(typer.confirm("Edit it again?", default=True, err=True))
    except (typer.Abort, EOFError):
        return False


def edit_loop(draft: Draft, validate: Callable[[str], Checked], original: str) -> EditOutcome:
    """Run the editor loop; an interruption reports where the draft is kept."""
    from chronicle.drafts import edit_until_valid, editor_status

    command = current_env().editor_command()
    statuses: list[int] = []

    def open_editor(path: Path) -> bool:
        statuses.append(editor_status(path, command))
        return statuses[-1] == 0

    try:
        outcome = edit_until_valid(draft, validate=validate, retry=retry_edit,
                                   original=original, open_editor=open_editor)
    except KeyboardInterrupt:
        warn(f"Interrupted. Your draft is kept at {draft.path}")
        raise
    if outcome.status == "failed":
        import shlex

        shown = shlex.join(command)
        raise ChronicleError(
            f"the editor ({shown}) exited with status {statuses[-1]}; nothing was saved",
            hint=f"your draft is kept at {outcome.kept}" if outcome.kept else
            "check $VISUAL or $EDITOR, or save and quit the editor normally",
        )
    return outcome


def gave_up(outcome: EditOutcome, resume: str) -> None:
    if outcome.kept is not None:
        warn(f"Nothing saved. Your draft is kept at {outcome.kept}")
        note(f"Go on with it: {resume}")
    raise typer.Exit(int(ExitCode.ERROR))
