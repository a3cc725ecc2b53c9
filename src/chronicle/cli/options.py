"""Options shared by several commands, declared once."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from chronicle.cli.completion import complete_people, complete_places, complete_tags
from chronicle.commands.filtering import build_filters

FILTERS = "Filters"


def format_choices(use: str, *views: str) -> Any:
    """The ``--format`` choices of a command, as a Literal Typer turns into a choice:
    its own Rich ``views`` (``table``, ``text``), then every format `chronicle.formats`
    can write for ``use`` (``import``: read). Type checkers see ``str``."""
    from chronicle.formats import choices

    return Literal[(*views, *choices(use))]

RootOption = Annotated[
    Path | None,
    typer.Option(
        "--root", help="The chronicle's folder (see chronicle --help).", show_default=False
    ),
]
YearOption = Annotated[
    str | None,
    typer.Option(
        "--year",
        help="Entries that overlap this year (or any partial date).",
        show_default=False,
        rich_help_panel=FILTERS,
    ),
]
MonthOption = Annotated[
    str | None,
    typer.Option(
        "--month",
        help="Entries that overlap this month, e.g. 2014-04.",
        show_default=False,
        rich_help_panel=FILTERS,
    ),
]
OnOption = Annotated[
    str | None,
    typer.Option(
        "--on",
        help="Entries that overlap this day, e.g. 2014-04-18.",
        show_default=False,
        rich_help_panel=FILTERS,
    ),
]
FromOption = Annotated[
    str | None,
    typer.Option(
        "--from",
        help="Entries that end on or after this date (whole period given).",
        show_default=False,
        rich_help_panel=FILTERS,
    ),
]
ToOption = Annotated[
    str | None,
    typer.Option(
        "--to",
        help="Entries that start on or before this date (whole period given).",
        show_default=False,
        rich_help_panel=FILTERS,
    ),
]
TagOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        help="Entries with this tag; repeat for any of several.",
        show_default=False,
        rich_help_panel=FILTERS,
        autocompletion=complete_tags,
    ),
]
PersonOption = Annotated[
    list[str] | None,
    typer.Option(
        "--person",
        help="Entries naming this person, however spelled; repeatable.",
        show_default=False,
        rich_help_panel=FILTERS,
        autocompletion=complete_people,
    ),
]
PlaceOption = Annotated[
    list[str] | None,
    typer.Option(
        "--place",
        help="Entries naming this place, however spelled; repeatable.",
        show_default=False,
        rich_help_panel=FILTERS,
        autocompletion=complete_places,
    ),
]
WithinOption = Annotated[
    bool,
    typer.Option(
        "--within",
        help="Keep only entries whose whole span lies inside the dates.",
        rich_help_panel=FILTERS,
    ),
]
LimitOption = Annotated[
    int | None,
    typer.Option(
        "--limit", "-n", min=0, help="Show at most N entries (0: all).", show_default=False
    ),
]


#: The shared filters as (parameter, option, default), in the order --help shows them.
_FILTER_OPTIONS: tuple[tuple[str, Any, Any], ...] = (
    ("year", YearOption, None),
    ("month", MonthOption, None),
    ("on", OnOption, None),
    ("from_", FromOption, None),
    ("to", ToOption, None),
    ("tag", TagOption, None),
    ("person", PersonOption, None),
    ("place", PlaceOption, None),
    ("within", WithinOption, False),
)


def with_filters(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command the shared filter options, received as one ``filters: Filters``.

    Typer reads a command's options from its signature, so the wrapper's signature is the
    command's own with the ``filters`` parameter replaced, in place, by the nine options.
    """
    signature = inspect.signature(command, eval_str=True)
    parameters: list[inspect.Parameter] = []
    for parameter in signature.parameters.values():
        if parameter.name != "filters":
            parameters.append(parameter)
            continue
        parameters += [
            inspect.Parameter(
                name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=option
            )
            for name, option, default in _FILTER_OPTIONS
        ]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name, _, _ in _FILTER_OPTIONS}
        return command(*args, filters=build_filters(**values), **kwargs)

    wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    # Evaluated annotations: the command's own are strings naming names that may only
    # exist for type checkers.
    wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
    return wrapper
