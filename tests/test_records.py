"""The core's record classes (`chronicle.records`) behave as the dataclasses they
replace: the same repr, equality, hash, order, immutability, ``replace``, pickling and
copying, checked against a dataclass made from the same fields."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chronicle.config import ChronicleConfig, Location
from chronicle.dates import Instant, PartialDate, Span
from chronicle.index.hits import SearchResult
from chronicle.index.querytree import And, Not, Or, ParsedQuery, Words
from chronicle.matching.words import Match, Reason
from chronicle.model import Entry, Problem, Source
from chronicle.names import NameGroup
from chronicle.query import Filters
from chronicle.records import FrozenRecord, Record


def _import_core() -> None:
    """Every core module that defines record classes, so all subclasses are known."""
    import chronicle.catalog
    import chronicle.commands.environment
    import chronicle.feedback
    import chronicle.formats
    import chronicle.index.compiler
    import chronicle.index.lifecycle
    import chronicle.index.marks
    import chronicle.index.querylang
    import chronicle.index.topk
    import chronicle.outcomes
    import chronicle.store
    import chronicle.watch_control
    import chronicle.watcher  # noqa: F401


def _subclasses(cls: type[Record]) -> list[type[Record]]:
    found: list[type[Record]] = []
    for sub in cls.__subclasses__():
        if sub is not FrozenRecord:
            found.append(sub)
        found.extend(_subclasses(sub))
    return found


def _twin(record_class: type[Record]) -> type:
    """A dataclass with the same fields, frozen as the record is."""
    frozen = issubclass(record_class, FrozenRecord)
    twin = dataclasses.make_dataclass(
        record_class.__name__, list(record_class._fields), frozen=frozen,
        order=record_class is Instant)
    twin.__qualname__ = record_class.__qualname__
    return twin


SAMPLES: list[Any] = [
    Instant(2014, 4, 17, 12, 3, 0),
    Instant(-44, 3, 15),
    Span(Instant(2014), Instant(2014, 12, 31, 23, 59, 59)),
    PartialDate(2014, 4),
    PartialDate(-500),
    Problem("entries/x.yaml", 4, "bad", "warning"),
    Problem("entries/y.yaml", None, "worse"),
    Source(title="A book", url=None, date="2014-04"),
    Entry("2014/x", "A visit", PartialDate(2014, 4, 17), None, "Summary", None,
          ("Aleksandar Vučić",), ("Belgrade",), ("diplomacy",), (Source(url="https://x"),),
          {"rating": 3}, "entries/2014/x.yaml"),
    Filters(span=Span(Instant(2014), Instant(2015)), tags=("a",), within=True),
    NameGroup("Tašmajdan Park", ("Tashmaydan Park",)),
    Match("tasmajdan", Reason.NEAR, 1, "via"),
    Words(("heydar", "aliyev"), ("title",), True, False, '"Heydar Aliyev"'),
    Not(Words(("a",))),
    And((Words(("a",)), Or((Words(("b",)), Words(("c",)))))),
    ParsedQuery(Words(("a",)), ["read as"], True),
    SearchResult([], 3, "q", notes=["n"]),
    Location(Path("/tmp/c"), ChronicleConfig(title="T", fields=frozenset({"x"}))),
]


def test_every_record_class_is_a_plain_class_with_slots() -> None:
    _import_core()
    classes = _subclasses(Record)
    assert len(classes) >= 35
    for record_class in classes:
        assert not dataclasses.is_dataclass(record_class), record_class
        assert "__slots__" in record_class.__dict__, record_class
        assert record_class._fields, record_class
        # Slots only: no per-instance dictionary anywhere in the class's ancestry.
        assert not hasattr(object.__new__(record_class), "__dict__"), record_class


@pytest.mark.parametrize("record", SAMPLES, ids=lambda r: type(r).__name__)
def test_a_record_behaves_as_its_dataclass(record: Any) -> None:
    record_class = type(record)
    twin_class = _twin(record_class)
    values = [getattr(record, name) for name in record_class._fields]
    twin = twin_class(*values)
    same = record_class(*values)
    if record_class.__repr__ is Record.__repr__:
        assert repr(record) == repr(twin)
    assert record == same and not record != same
    assert record != object()
    frozen = isinstance(record, FrozenRecord)
    if frozen:
        try:
            hash(twin)
        except TypeError:  # a field holds a dict: neither can be hashed
            with pytest.raises(TypeError):
                hash(record)
        else:
            assert hash(record) == hash(same)
        with pytest.raises(AttributeError):
            setattr(record, record_class._fields[0], values[0])
        with pytest.raises(AttributeError):
            delattr(record, record_class._fields[0])
        with pytest.raises(dataclasses.FrozenInstanceError):  # the dataclass agrees
            setattr(twin, record_class._fields[0], values[0])
    else:
        with pytest.raises(TypeError):
            hash(record)
        with pytest.raises(TypeError):
            hash(twin)
    # replace, as dataclasses.replace
    first = record_class._fields[0]
    assert record.replace(**{first: values[0]}) == record
    assert record.replace() == record and record.replace() is not record
    with pytest.raises(TypeError):
        record.replace(no_such_field=1)
    # pickle and copy
    assert pickle.loads(pickle.dumps(record)) == record
    assert copy.copy(record) == record
    assert copy.deepcopy(record) == record


@given(st.lists(st.tuples(st.integers(-3000, 3000), st.integers(1, 12), st.integers(1, 31),
                          st.integers(0, 23), st.integers(0, 59), st.integers(0, 59)),
                min_size=2, max_size=12))
def test_instants_order_as_the_dataclass_with_order_does(fields: list[tuple[int, ...]]) -> None:
    twin_class = _twin(Instant)
    instants = [Instant(*values) for values in fields]
    twins = [twin_class(*values) for values in fields]
    assert [i.key() for i in sorted(instants)] == [
        Instant(*dataclasses.astuple(t)).key() for t in sorted(twins)]
    a, b = instants[0], instants[1]
    ta, tb = twins[0], twins[1]
    assert (a < b, a <= b, a > b, a >= b, a == b) == (ta < tb, ta <= tb, ta > tb, ta >= tb,
                                                     ta == tb)
    with pytest.raises(TypeError):
        a < (2014,)  # noqa: B015


def test_replace_changes_the_fields_named() -> None:
    assert PartialDate(2014, 4).replace(month=5) == PartialDate(2014, 5)
    entry = SAMPLES[8]
    changed = entry.replace(title="Another", people=())
    assert (changed.title, changed.people, changed.places) == ("Another", (), entry.places)
    assert entry.title == "A visit"
    with pytest.raises(Exception, match="finer part"):  # __init__ still validates
        PartialDate(2014).replace(day=3)


def test_defaults_are_fresh_per_record() -> None:
    first, second = SearchResult([], 0, "q"), SearchResult([], 0, "q")
    first.notes.append("x")
    assert second.notes == []
    assert Entry("x", "t", PartialDate(2014)).extra == {}
    assert Entry("x", "t", PartialDate(2014)).extra is not Entry("y", "t", PartialDate(2014)).extra


def test_a_piped_search_imports_no_dataclasses(sample_root: Path) -> None:
    """The console script's search and list, into a pipe, generate no dataclass code
    (Rich, which other commands load, has its own)."""
    code = """
import json, sys
from chronicle.__main__ import main
sys.argv = ["chronicle", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
sys.stderr.write(json.dumps(sorted(sys.modules)))
"""
    subprocess.run([sys.executable, "-m", "chronicle", "index"], capture_output=True,
                   cwd=sample_root, check=True)
    for argv in (["search", "Tasmajdan"], ["list", "--year", "2014"]):
        result = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True,
                                text=True, cwd=sample_root, check=True)
        modules = set(__import__("json").loads(result.stderr.splitlines()[-1]))
        assert "chronicle.records" in modules, argv
        assert not {"dataclasses", "inspect"} & modules, argv
