"""Record classes without `dataclasses`: what a dataclass gives (``repr``, equality,
a hash and immutability when frozen, ``replace``), for classes that write their own
``__init__`` and ``__slots__``.

A dataclass writes its methods as source text and compiles it when its module is
imported, about a millisecond per class, and importing `dataclasses` loads `inspect`
and its parsers. Every command imports dozens of record classes, so the core keeps
them as plain classes: ``__init__`` written out (as fast as a dataclass's, and what
type checkers read), the rest from `Record`, worked out from ``__slots__`` once per
class without compiling anything.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any, ClassVar, TypeVar

_R = TypeVar("_R", bound="Record")


def _one(name: str) -> Any:
    get = attrgetter(name)

    def values(record: Any) -> tuple[Any, ...]:
        return (get(record),)

    return values


class Record:
    """A record of the fields named by its ``__slots__`` (or ``_fields``, when it
    keeps other slots too), in ``__init__``'s order.

    ``repr`` and ``==`` as a dataclass's: equal when of the same class with equal
    fields. Unhashable, like a dataclass that is not frozen (see `FrozenRecord`).
    """

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    #: The fields' values as a tuple.
    _values: ClassVar[Any] = staticmethod(lambda record: ())

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = cls.__dict__.get("_fields")
        if fields is None:
            slots = cls.__dict__.get("__slots__", ())
            fields = (slots,) if isinstance(slots, str) else tuple(slots)
            cls._fields = fields
        if len(fields) == 1:
            cls._values = staticmethod(_one(fields[0]))
        elif fields:
            cls._values = staticmethod(attrgetter(*fields))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return bool(self._values(self) == self._values(other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def replace(self: _R, **changes: Any) -> _R:
        """A copy with ``changes`` (field name to value), as `dataclasses.replace`."""
        values = dict(zip(self._fields, self._values(self), strict=True))
        unknown = changes.keys() - values.keys()
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        values.update(changes)
        return type(self)(**values)


class FrozenRecord(Record):
    """A `Record` whose fields cannot be set once made, hashed by its fields.

    ``__init__`` sets them with ``object.__setattr__``, as a frozen dataclass does.
    """

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(self._values(self))

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle and copy rebuild through __init__: setting slots one by one would
        # meet __setattr__.
        return (type(self), self._values(self))
