"""The shared filter options (``--year``, ``--tag``, ...) as one `Filters` value."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chronicle.query import Filters

#: What an error calls each filter: the option that gave it.
FILTER_OPTIONS = {"year": "--year", "month": "--month", "on": "--on", "from_": "--from",
                  "to": "--to"}


def build_filters(
    year: str | None = None,
    month: str | None = None,
    on: str | None = None,
    from_: str | None = None,
    to: str | None = None,
    tag: list[str] | None = None,
    person: list[str] | None = None,
    place: list[str] | None = None,
    within: bool = False,
) -> Filters:
    from chronicle.query import Filters

    return Filters.build(
        year=year,
        month=month,
        on=on,
        from_=from_,
        to=to,
        tags=tag or (),
        people=person or (),
        places=place or (),
        within=within,
        labels=FILTER_OPTIONS,
    )
