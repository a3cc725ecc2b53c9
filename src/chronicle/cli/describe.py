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
from rich import box
from typer import _click
from typer._types import TyperChoice
from typer.core import TyperArgument, TyperOption

from chronicle.cli import app
from chronicle.cli.completion import CATALOG_VALUES

FASTPATH = Path(__file__).resolve().parent.parent / "fastpath"
#: The command line's description, and the help screens' (Rich renderables and styles).
TARGET = FASTPATH / "described.py"
SCREENS_TARGET = FASTPATH / "screens.py"

HEADER = '''\
"""%s, described for `chronicle.fastpath` (generated: do not edit).

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


def _value_type(param: Any) -> list[Any]:
    """How the parameter's value is read from its word, for the fast path that parses
    the reading commands' command lines (`chronicle.fastpath.parsing`): a string, an
    integer in a range, one of some choices, a path Typer only checks for readability,
    a flag; or "other" (the fast path leaves such a command line to Typer)."""
    kind = param.type
    if param.param_type_name == "option" and (param.is_flag or param.count):
        return ["flag"] if param.is_flag and not param.count else ["other"]
    if type(kind) is _click.types.StringParamType:
        return ["string"]
    if type(kind) is _click.types.IntParamType:
        return ["int", None, None, False, False, False]
    if type(kind) is _click.types.IntRange:
        return ["int", kind.min, kind.max, kind.min_open, kind.max_open, kind.clamp]
    if type(kind) is TyperChoice and all(isinstance(c, str) for c in kind.choices):
        return ["choice", bool(kind.case_sensitive), [str(c) for c in kind.choices]]
    if type(kind) is typer.models.TyperPath and kind.type is None:
        return ["path", kind.exists, kind.file_okay, kind.dir_okay, kind.readable,
                kind.writable, kind.resolve_path, kind.allow_dash]
    return ["other"]


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
        "value": _value_type(param),
        "required": bool(param.required),
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


class _Recorder:
    """Stands in for Typer's console: keeps what it is asked to print."""

    def __init__(self, console: Any) -> None:
        self.printed: list[Any] = []
        self.console = console

    def as_console(self, stderr: bool = False) -> _Recorder:
        return self

    def print(self, *renderables: Any, style: Any = None, **rest: Any) -> None:
        if rest or len(renderables) != 1:
            raise ValueError(f"print with {rest} / {len(renderables)} renderables")
        self.printed.append([_node(renderables[0]), _style(style)])


def _style(style: Any) -> str | None:
    if style is None:
        return None
    return str(style)


def _default(obj: Any, **expected: Any) -> None:
    for name, value in expected.items():
        if getattr(obj, name) != value:
            raise ValueError(f"{type(obj).__name__}.{name} is {getattr(obj, name)!r}")


def _node(obj: Any) -> list[Any]:
    from rich.align import Align
    from rich.columns import Columns
    from rich.console import Group
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    if isinstance(obj, str):
        if obj:
            raise ValueError(f"a string to render: {obj!r}")
        return ["str", obj]
    if isinstance(obj, Text):
        _default(obj, tab_size=None)
        if "\t" in obj.plain:
            raise ValueError("a tab")
        spans = [[s.start, s.end, _style(s.style)] for s in obj.spans]
        return ["text", obj.plain, _style(obj.style) or "", obj.justify, obj.overflow,
                obj.no_wrap, obj.end, spans]
    if isinstance(obj, Padding):
        return ["padding", _node(obj.renderable), [obj.top, obj.right, obj.bottom, obj.left],
                _style(obj.style), obj.expand]
    if isinstance(obj, Align):
        _default(obj, vertical=None, width=None, height=None)
        return ["align", _node(obj.renderable), obj.align, _style(obj.style), obj.pad]
    if isinstance(obj, Group):
        return ["group", [_node(r) for r in obj.renderables], obj.fit]
    if isinstance(obj, Panel):
        _default(obj, width=None, height=None, subtitle=None, highlight=False, safe_box=None)
        if obj.box is not box.ROUNDED:
            raise ValueError("a box other than ROUNDED")
        title = obj._title
        return ["panel", _node(obj.renderable), _node(title) if title is not None else None,
                obj.title_align, _style(obj.style), _style(obj.border_style),
                list(Padding.unpack(obj.padding)), obj.expand]
    if isinstance(obj, Table):
        _default(obj, box=None, show_header=False, show_footer=False, title=None,
                 caption=None, width=None, min_width=None, row_styles=[], leading=0,
                 show_lines=False)
        if any(row.style is not None or row.end_section for row in obj.rows):
            raise ValueError("a row style")
        columns = []
        for column in obj.columns:
            columns.append([
                _style(column.style) or "", column.justify, column.overflow, column.width,
                column.min_width, column.max_width, column.ratio, column.no_wrap,
                column.vertical, [_node(cell) for cell in column._cells],
            ])
        return ["table", columns, list(obj.padding), obj.collapse_padding, obj.pad_edge,
                obj.expand, obj.show_edge, _style(obj.style) or "",
                _style(obj.border_style) or ""]
    if isinstance(obj, Columns):
        _default(obj, width=None, equal=False, column_first=False, right_to_left=False,
                 align=None, title=None)
        return ["columns", [_node(r) for r in obj.renderables],
                list(Padding.unpack(obj.padding)), obj.expand]
    raise ValueError(f"cannot describe {type(obj).__name__}")


def _style_names(node: Any, found: set[str]) -> None:
    """Every style a node names, its children's too."""
    kind = node[0]
    if kind == "text":
        found.add(node[2])
        found.update(span[2] for span in node[7])
    elif kind == "padding":
        _style_names(node[1], found)
        found.add(node[3])
    elif kind == "align":
        _style_names(node[1], found)
        found.add(node[3])
    elif kind == "group":
        for child in node[1]:
            _style_names(child, found)
    elif kind == "panel":
        _style_names(node[1], found)
        if node[2] is not None:
            _style_names(node[2], found)
        found.update((node[4], node[5]))
    elif kind == "table":
        for column in node[1]:
            found.add(column[0])
            for cell in column[9]:
                _style_names(cell, found)
        found.update((node[7], node[8]))
    elif kind == "columns":
        for child in node[1]:
            _style_names(child, found)


def _style_bits(style: Any) -> list[Any] | None:
    """A Rich style as (attribute bits, bits set, standard colour number); None if null."""
    from rich.color import ColorType

    if not style:
        return None
    if style.bgcolor is not None or style.link or style._meta:
        raise ValueError(f"style {style} has a background, link or meta")
    color = style.color
    if color is not None and color.type is not ColorType.STANDARD:
        raise ValueError(f"style {style} has a colour that is not one of the 16")
    return [style._attributes, style._set_attributes,
            color.number if color is not None else None]


def help_screens(group: Any, root_ctx: Any) -> dict[str, Any]:
    """What Typer's Rich help prints for the group ("") and each command: the
    renderables it hands its console, as plain data, and every style they name."""
    from chronicle.cli.helpformat import load_rich_help

    load_rich_help()
    from typer import rich_utils

    screens: dict[str, Any] = {}
    real = rich_utils._get_rich_console
    console = real()
    try:
        targets = [("", group, root_ctx)]
        for name in group.list_commands(root_ctx):
            command = group.get_command(root_ctx, name)
            targets.append((name, command,
                            command.make_context(name, [], parent=root_ctx,
                                                 resilient_parsing=True)))
        for name, command, ctx in targets:
            recorder = _Recorder(console)
            rich_utils._get_rich_console = recorder.as_console  # type: ignore[assignment]
            command.format_help(ctx, None)
            screens[name] = recorder.printed
    finally:
        rich_utils._get_rich_console = real
    names: set[str] = set()
    for printed in screens.values():
        for node, style in printed:
            _style_names(node, names)
            names.add(style or "")
    styles = {name: _style_bits(console.get_style(name)) for name in sorted(n for n in names if n)}
    return {"screens": screens, "styles": styles}


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
    return f"{HEADER % 'The command line'}DESCRIPTION: dict[str, Any] = {_literal(describe())}\n"


def screens_source() -> str:
    """The text of ``screens.py``: each help screen on a line, and the styles."""
    group: Any = typer.main.get_command(app)
    root_ctx = group.make_context("chronicle", [], resilient_parsing=True)
    described = help_screens(group, root_ctx)
    screens = "".join(f"    {name!r}: {printed!r},\n"
                      for name, printed in described["screens"].items())
    return (f"{HEADER % 'The help screens'}SCREENS: dict[str, Any] = {{\n{screens}}}\n"
            f"STYLES: dict[str, Any] = {described['styles']!r}\n")


def main() -> None:
    TARGET.write_text(source(), encoding="utf-8")
    SCREENS_TARGET.write_text(screens_source(), encoding="utf-8")
    print(f"wrote {TARGET} and {SCREENS_TARGET}", file=sys.stderr)


if __name__ == "__main__":
    main()
