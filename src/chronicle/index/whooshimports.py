"""Whoosh without the imports a search never uses.

Three of Whoosh-Reloaded's modules import more than they need at load time, and a search
pays for them on every run:

- ``whoosh.reading`` takes its one cached property from the cached-property package,
  which imports asyncio to cache coroutines too (asyncio is the largest import of a
  search, larger than Whoosh's own modules);
- ``whoosh.query.terms`` imports the English morphology tables of ``whoosh.lang.morph_en``
  for the ``Variations`` query, which chronicle does not use;
- ``whoosh.compat`` takes ``urlretrieve`` from ``urllib.request``, which loads the HTTP
  client, the e-mail parser and SSL (about a third of Whoosh's own load time); no part
  of Whoosh calls it.

Smaller ones of the same kind, each a few milliseconds of every search:

- ``whoosh.compat`` also takes ``escape`` from ``html`` (which loads the HTML entity
  tables) for highlight formatters chronicle does not use;
- ``whoosh.filedb.filetables`` takes ``md5`` from ``hashlib``, which loads OpenSSL; the
  same digest comes from the interpreter's own ``_md5`` module where it has one;
- ``whoosh.lang.snowball`` imports all fourteen of its stemmers to fill its table of
  languages, where chronicle stems English alone (``whoosh.lang.snowball.english``).

`install` adds an import hook that loads those modules with a stand-in for each
import: the standard library's ``functools.cached_property`` (the same non-data
descriptor for Whoosh's synchronous use), a ``variations``, an ``urlretrieve`` and an
``escape`` that load the real module on their first call, and ``_md5``'s ``md5`` (the
real ``hashlib`` where the interpreter has no ``_md5``). The stand-ins are seen only
while the Whoosh module loads; any other code importing ``cached_property``,
``urllib.request``, ``html``, ``hashlib`` or ``whoosh.lang.morph_en`` gets the real one.
``whoosh.lang.snowball`` is loaded empty but for its submodules, and runs its own code
the first time any other name of it is asked for (``classes``, ``EnglishStemmer``), so
its users see the same package. The hook does nothing for a module already loaded, and
removes itself once all are.
"""

from __future__ import annotations

import functools
import importlib.machinery
import sys
import types
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.abc import Loader, MetaPathFinder
else:
    # The import system needs no base class; importlib.abc would load importlib.resources
    # and tempfile with it.
    Loader = MetaPathFinder = object


def _cached_property_module() -> types.ModuleType:
    module = types.ModuleType("cached_property")
    module.cached_property = functools.cached_property  # type: ignore[attr-defined]
    return module


def _morph_en_module() -> types.ModuleType:
    module = types.ModuleType("whoosh.lang.morph_en")

    def variations(word: str) -> Any:
        from whoosh.lang.morph_en import variations as real

        return real(word)

    module.variations = variations  # type: ignore[attr-defined]
    return module


def _urllib_request_module() -> types.ModuleType:
    module = types.ModuleType("urllib.request")

    def urlretrieve(*args: Any, **kwargs: Any) -> Any:
        from urllib.request import urlretrieve as real

        return real(*args, **kwargs)

    module.urlretrieve = urlretrieve  # type: ignore[attr-defined]
    return module


def _html_module() -> types.ModuleType:
    module = types.ModuleType("html")

    def escape(s: str, quote: bool = True) -> str:
        from html import escape as real

        return real(s, quote)

    module.escape = escape  # type: ignore[attr-defined]
    return module


def _hashlib_module() -> types.ModuleType:
    try:
        from _md5 import md5
    except ImportError:  # an interpreter built without it: OpenSSL's
        from hashlib import md5
    module = types.ModuleType("hashlib")
    module.md5 = md5  # type: ignore[attr-defined]
    return module


#: For each Whoosh module: the imports it is given a stand-in for, and how to make it.
STAND_INS: dict[str, dict[str, Callable[[], types.ModuleType]]] = {
    "whoosh.reading": {"cached_property": _cached_property_module},
    "whoosh.query.terms": {"whoosh.lang.morph_en": _morph_en_module},
    "whoosh.compat": {"urllib.request": _urllib_request_module, "html": _html_module},
    "whoosh.filedb.filetables": {"hashlib": _hashlib_module},
}

#: Packages whose own code runs only when a name other than a submodule is asked for.
DEFERRED = frozenset({"whoosh.lang.snowball"})

class _Loader(Loader):
    """The module's own loader, run with the stand-ins in ``sys.modules``."""

    def __init__(self, inner: Loader,
                 stand_ins: dict[str, Callable[[], types.ModuleType]]) -> None:
        self.inner = inner
        self.stand_ins = stand_ins

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return self.inner.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        placed: dict[str, types.ModuleType] = {}
        for name, make in self.stand_ins.items():
            if name not in sys.modules:
                placed[name] = sys.modules[name] = make()
        try:
            self.inner.exec_module(module)
        finally:
            for name, stand_in in placed.items():
                if sys.modules.get(name) is stand_in:
                    del sys.modules[name]


class _DeferredLoader(Loader):
    """A package's own loader, run when a name the package itself defines is first read;
    until then the package holds its submodules alone."""

    def __init__(self, inner: Loader) -> None:
        self.inner = inner

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return self.inner.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        inner = self.inner
        namespace = module.__dict__

        def __getattr__(name: str) -> Any:
            if namespace.get("__getattr__") is __getattr__:
                del namespace["__getattr__"]
                inner.exec_module(module)
            if name in namespace:
                return namespace[name]
            raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")

        namespace["__getattr__"] = __getattr__


class _Finder(MetaPathFinder):
    def __init__(self) -> None:
        self.waiting: dict[str, dict[str, Callable[[], types.ModuleType]] | None] = {
            **STAND_INS, **dict.fromkeys(DEFERRED)}

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: types.ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.waiting:
            return None
        stand_ins = self.waiting.pop(fullname)
        if not self.waiting:
            uninstall()
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        if stand_ins is None:
            spec.loader = _DeferredLoader(spec.loader)
        else:
            spec.loader = _Loader(spec.loader, stand_ins)
        return spec


def install() -> None:
    """Add the hook, unless the modules it handles are loaded (or it is there)."""
    if any(isinstance(finder, _Finder) for finder in sys.meta_path):
        return
    finder = _Finder()
    for name in list(finder.waiting):
        if name in sys.modules:
            del finder.waiting[name]
    if finder.waiting:
        sys.meta_path.insert(0, finder)


def uninstall() -> None:
    sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, _Finder)]
