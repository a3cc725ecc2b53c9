"""The static description of the command line that `chronicle.fastpath` answers from.

``chronicle --help`` and a shell's Tab would otherwise pay for importing Typer and Rich
(most of their time) to print what never changes between releases. This module builds
the Typer application, reads from it everything those answers need (every command's
parameters, choices, help texts, and the help screens' styled text and table layout) and
writes it as a Python literal to ``chronicle/fastpath/described.py``. A test builds it
again and fails when the checked-in file is stale; `chronicle.fastpath` refuses to use a
description made under other Typer or Rich versions than those installed.

Run ``python -m chronicle.cli.describe`` after changing a command, an option or a help
text (the test says so when it is needed).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from typer import _click
from typer._types import TyperChoice
from typer.core import TyperArgument, TyperOption

from chronicle.cli import app
from chronicle.cli.completion import CATALOG_VALUES

TARGET = Path(__file__).resolve().parent.parent / "fastpath" / "described.py"

HEADER = '''\
"""The command line, described for `chronicle.fastpath` (generated: do not edit).

Made by ``python -m chronicle.cli.describe`` from the Typer application; a test fails
when it no longer matches the commands.
"""

# ruff: noqa: E501
from __future__ import annotations

TYPE_CHECKING = False  # typing itself is not imported: it would cost each run
if TYPE_CHECKING:
    from typing import Any

'''


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    return {"typer": version("typer"), "rich": version("rich")}


def _completes(param: Any) -> Any:
    """How the parameter's values complete: from the catalog (the look-up's name and
    arguments), from its choices, not at all (a file name, free text), or in some
    way only Typer knows ("other": the fast path leaves such a request to Typer)."""
    if param._custom_shell_complete is not None:
        known = CATALOG_VALUES.get(param.name or "")
        return ["catalog", *known[1]] if known is not None else "other"
    method = type(param.type).shell_complete
    if method is TyperChoice.shell_complete:
        return ["choice", bool(param.type.case_sensitive), [str(c) for c in param.type.choices]]
    typer_path = getattr(typer.models, "TyperPath", None)
    quiet = (_click.types.ParamType.shell_complete, _click.types.File.shell_complete,
             typer_path.shell_complete if typer_path is not None else None)
    if method in quiet:
        return "none"
    return "other"


def _param(param: Any, help_option: Any) -> dict[str, Any]:
    is_option = param.param_type_name == "option"
    opts = list(param.opts)
    if param is help_option:
        # Click makes the help option's names from a set: their order varies from run
        # to run, so the description keeps them sorted.
        opts.sort()
    return {
        "kind": "option" if is_option else "argument",
        "name": param.name,
        "opts": opts,
        "secondary": list(param.secondary_opts),
        "help": getattr(param, "help", None),
        # A flag (or count) takes no value from the command line.
        "flag": bool(is_option and (param.is_flag or param.count)),
        "nargs": param.nargs,
        "multiple": bool(param.multiple),
        "typer_option": isinstance(param, TyperOption),
        "hidden": bool(getattr(param, "hidden", False)),
        "typer_argument": isinstance(param, TyperArgument),
        # Eager options (--help, --version) end the parse: left to Typer.
        "eager": bool(param.is_eager),
        "completes": _completes(param),
    }


class _Parameters:
    """Every distinct parameter once (the shared ones, such as ``--root`` or the filters,
    are the same in many commands); commands name theirs by number."""

    def __init__(self) -> None:
        self.described: list[dict[str, Any]] = []
        self._numbers: dict[str, int] = {}

    def number(self, described: dict[str, Any]) -> int:
        key = repr(described)
        if key not in self._numbers:
            self._numbers[key] = len(self.described)
            self.described.append(described)
        return self._numbers[key]


def _command(command: Any, ctx: Any, parameters: _Parameters) -> dict[str, Any]:
    help_option = command.get_help_option(ctx)
    return {
        "params": [parameters.number(_param(p, help_option)) for p in command.get_params(ctx)],
    }


def describe() -> dict[str, Any]:
    """Everything the fast path needs, read from the Typer application."""
    group: Any = typer.main.get_command(app)
    parameters = _Parameters()
    root_ctx = group.make_context("chronicle", [], resilient_parsing=True)
    commands: dict[str, Any] = {}
    listed = []
    for name in group.list_commands(root_ctx):
        command = group.get_command(root_ctx, name)
        listed.append([name, command.get_short_help_str(), bool(command.hidden)])
        ctx = command.make_context(name, [], parent=root_ctx, resilient_parsing=True)
        commands[name] = _command(command, ctx, parameters)
    return {
        "versions": _versions(),
        "group": {**_command(group, root_ctx, parameters), "commands": listed},
        "commands": commands,
        "parameters": parameters.described,
    }


def _literal(value: Any) -> str:
    """``value`` as Python source: each top-level entry's items one to a line."""
    lines = ["{"]
    for key, entry in value.items():
        if isinstance(entry, list) and entry:
            lines.append(f"    {key!r}: [")
            lines.extend(f"        {item!r}," for item in entry)
            lines.append("    ],")
        elif isinstance(entry, dict) and entry:
            lines.append(f"    {key!r}: {{")
            lines.extend(f"        {name!r}: {item!r}," for name, item in entry.items())
            lines.append("    },")
        else:
            lines.append(f"    {key!r}: {entry!r},")
    lines.append("}")
    return "\n".join(lines)


def source() -> str:
    """The text of ``described.py``."""
    return f"{HEADER}DESCRIPTION: dict[str, Any] = {_literal(describe())}\n"


def main() -> None:
    TARGET.write_text(source(), encoding="utf-8")
    print(f"wrote {TARGET}", file=sys.stderr)


if __name__ == "__main__":
    main()
