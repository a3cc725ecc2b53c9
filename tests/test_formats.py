"""One registry of formats: every --format choice comes from it, and every entry runs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chronicle import formats
from chronicle.errors import UsageError


def test_every_target_in_the_registry_loads() -> None:
    for info in formats.FORMATS.values():
        for target in [*info.writers.values(), *([info.parser] if info.parser else [])]:
            assert callable(formats.load(target)), target


def test_choices_per_use() -> None:
    assert formats.choices("list") == ("json", "csv", "yaml", "ids")
    assert formats.choices("show") == ("json", "yaml")
    assert formats.choices("timeline") == ("json", "markdown")
    assert formats.choices("search") == ("json", "ids")
    assert formats.choices("export") == (
        "json", "jsonl", "csv", "markdown", "ics", "timelinejs", "html"
    )
    assert formats.choices("import") == ("json", "jsonl", "csv", "ics", "timelinejs")
    with pytest.raises(ValueError):
        formats.choices("nothing")
    with pytest.raises(UsageError, match="choose one of json, yaml"):
        formats.writer("show", "csv")


@pytest.mark.parametrize(
    ("command", "use"),
    [
        (["list"], "list"),
        (["show", "2014-04-17-visit"], "show"),
        (["timeline"], "timeline"),
        (["search", "Belgrade"], "search"),
        (["export"], "export"),
    ],
)
def test_each_command_offers_and_writes_every_registered_format(
    cli: Any, command: list[str], use: str
) -> None:
    for name in formats.choices(use):
        result = cli(*command, "--format", name)
        assert result.exit_code == 0, (name, result.stderr)
        assert result.stdout.strip(), name
        if name == "json":
            json.loads(result.stdout)
    refused = cli(*command, "--format", "no-such-format")
    assert refused.exit_code == 2
    for name in formats.choices(use):
        assert f"'{name}'" in refused.stderr
