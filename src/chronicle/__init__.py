"""chronicle: keep a chronicle of dated events as YAML files and search it from the terminal.

The library's front door is `Chronicle`::

    import chronicle

    with chronicle.Chronicle.open("~/history") as book:
        hits = book.search("Tasmajdan").hits

It is imported on first use, so ``import chronicle`` (and ``chronicle --help``) stays
light.
"""

# No ``from __future__ import annotations``: importing that module is one more moment
# before ``python -m chronicle`` can answer Ctrl-C (see chronicle.__main__).
# Not from typing, whose import every run (a help screen, a Tab) would pay.
TYPE_CHECKING = False

__version__ = "0.1.0"

if TYPE_CHECKING:
    from typing import Any

    from chronicle.api import Chronicle, EditConflictError, Found, Written
    from chronicle.errors import ChronicleError
    from chronicle.model import Entry
    from chronicle.query import Filters

#: Public names, and the module each comes from.
_LAZY = {
    "Chronicle": "chronicle.api",
    "EditConflictError": "chronicle.api",
    "Found": "chronicle.api",
    "Written": "chronicle.api",
    "ChronicleError": "chronicle.errors",
    "Entry": "chronicle.model",
    "Filters": "chronicle.query",
}

__all__ = [
    "Chronicle",
    "ChronicleError",
    "EditConflictError",
    "Entry",
    "Filters",
    "Found",
    "Written",
    "__version__",
]


def __getattr__(name: str) -> "Any":
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'chronicle' has no attribute {name!r}")
