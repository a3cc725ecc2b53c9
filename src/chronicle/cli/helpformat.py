"""Typer's Rich help screens, without the parts of Rich they never use.

``typer.rich_utils`` imports ``rich.markdown`` (markdown-it and Pygments through
``rich.syntax``) and ``rich.traceback`` at the top of the module, though chronicle's help
never uses Markdown markup and a traceback is drawn only for a crash under ``--debug``.
Together they are more than half of what ``chronicle --help`` imports. Here they stand in
as placeholders while ``typer.rich_utils`` is imported; a placeholder imports the real
class the first time it is used, so a traceback still comes out whole.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

#: The modules ``typer.rich_utils`` imports a class from, used only off the help path.
_DEFERRED = (("rich.markdown", "Markdown"), ("rich.traceback", "Traceback"))


class _Deferred(type):
    """The metaclass of a placeholder: calling it or reading an attribute (such as
    ``Traceback.from_exception``) is done by the real class, imported then."""

    _module: str
    _name: str

    def real(cls) -> Any:
        return getattr(importlib.import_module(cls._module), cls._name)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls.real()(*args, **kwargs)

    def __getattr__(cls, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return getattr(cls.real(), attribute)


def _placeholder(module: str, name: str) -> types.ModuleType:
    stand_in = types.ModuleType(module)
    setattr(stand_in, name, _Deferred(name, (), {"_module": module, "_name": name}))
    return stand_in


def load_rich_help() -> None:
    """Import ``typer.rich_utils`` (once) with the placeholders standing in."""
    if "typer.rich_utils" in sys.modules:
        return
    placed = {
        module: _placeholder(module, name)
        for module, name in _DEFERRED
        if module not in sys.modules
    }
    sys.modules.update(placed)
    try:
        importlib.import_module("typer.rich_utils")
    finally:
        # Only typer.rich_utils keeps the placeholders: anything imported later gets the
        # real modules.
        for module, stand_in in placed.items():
            if sys.modules.get(module) is stand_in:
                del sys.modules[module]
