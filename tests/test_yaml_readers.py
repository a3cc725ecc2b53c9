"""Entry files read the same in other YAML readers as in chronicle.

PyYAML's plain ``safe_load`` (YAML 1.1, what most scripts use) and ruamel.yaml (YAML 1.2)
must give back, for every field, the very text chronicle reads: every date form and
precision, BCE and deep time, and strings that YAML would otherwise type (yes, 0602, 1e3).
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import yaml

from chronicle.dates import PartialDate
from chronicle.model import Entry, Source, entry_from_mapping
from chronicle.store import dump_entry, parse_entry_text
from chronicle.yaml_typing import reads_as_text, trap

DATES = [
    "2014", "2014-04", "2014-04-17", "2014-04-17T12:03", "2014-04-17T12:03:05",
    "0602", "0602-03", "0602-03-15", "0044-03-15T10:30", "0001", "0999-12-31",
    "0000", "0000-03-15", "-0043-03-15", "-0499", "-3199-06", "-0001-12-31T23:59:59",
    "+12000", "+12000-01-02", "-13799999999", "-65999999-06-15", "1000", "9999-12-31",
    "1914-07-28",
]

# Strings a YAML 1.1 or 1.2 reader would type, or that need escaping to survive at all.
TRAPS = [
    "yes", "No", "ON", "off", "y", "N", "true", "False", "~", "null", "NULL",
    "0602", "0o17", "0x1F", "0b101", "1e3", "1.0e+3", "-1.5", ".inf", "-.INF", ".NaN",
    "1:30", "190:20:30.15", "1_000", "+1", "-1", "=", "<<", "2014-04-17",
    "2014-04-17T12:03:05", "2014-04-17 12:03:05 +02:00", "0000-03-15", "1914", "12000",
    "#hash", "- dash", "key: value", "'quoted'", '"double"', "@at", "`tick", "%percent",
    "!tag", "&anchor", "*alias", "[list]", "{map}", "|", ">", "?", "a #b", "trailing:",
    "tab\there", "\u2028sep", "nul\x00byte", "bell\x07", "é ñ — «»", "emoji 🅱",
]


def _readers() -> list[tuple[str, Any]]:
    readers: list[tuple[str, Any]] = [("PyYAML safe_load", yaml.safe_load)]
    if hasattr(yaml, "CSafeLoader"):
        readers.append(("PyYAML CSafeLoader", lambda text: yaml.load(text, yaml.CSafeLoader)))
    return readers


def _ruamel() -> Any:
    ruamel = pytest.importorskip(
        "ruamel.yaml", reason="ruamel.yaml (a YAML 1.2 reader) is not installed"
    )

    def load(text: str) -> Any:
        return ruamel.YAML(typ="safe", pure=True).load(text)

    return load


def _as_chronicle_text(value: Any) -> Any:
    """A reader's value for comparison: text stays text, anything else is a mismatch."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return [_as_chronicle_text(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _as_chronicle_text(v) for k, v in value.items()}
    return ("typed", type(value).__name__, value)


def _expected(entry: Entry) -> dict[str, Any]:
    """The text chronicle holds for each field of ``entry``."""
    data: dict[str, Any] = {"title": entry.title, "date": entry.date.isoformat()}
    if entry.end:
        data["end"] = entry.end.isoformat()
    for key in ("summary", "body"):
        if getattr(entry, key):
            data[key] = getattr(entry, key)
    for key in ("people", "places", "tags"):
        if getattr(entry, key):
            data[key] = list(getattr(entry, key))
    if entry.sources:
        data["sources"] = [source.to_yaml() for source in entry.sources]
    data.update(entry.extra)
    return data


def _roundtrip(entry: Entry, readers: list[tuple[str, Any]]) -> None:
    text = dump_entry(entry)
    again = parse_entry_text(text, id=entry.id, path="entries/x.yaml", declared=frozenset(entry.extra))
    # Control characters are kept (check warns about them); nothing else is reported.
    assert [str(p) for p in again.problems if "control character" not in p.message] == []
    assert again.entry == entry, text
    expected = _expected(entry)
    for name, load in readers:
        got = _as_chronicle_text(load(text))
        assert got == _as_chronicle_text(expected), f"{name} read differently:\n{text}"


def _entry(**fields: Any) -> Entry:
    """An entry as chronicle's validation makes it from these fields (names stripped)."""
    data: dict[str, Any] = {"title": "An event", "date": "2014"}
    for key, value in fields.items():
        if isinstance(value, PartialDate):
            value = value.isoformat()
        elif key == "sources":
            value = [source.to_yaml() for source in value]
        elif isinstance(value, tuple):
            value = list(value)
        elif key == "extra":
            data.update(value)
            continue
        if value is not None:
            data[key] = value
    entry, problems = entry_from_mapping(
        data, id="x", path="entries/x.yaml", declared=frozenset(fields.get("extra", {}))
    )
    assert entry is not None, problems
    return entry


@pytest.mark.parametrize("date", DATES)
def test_every_date_form_reads_the_same_in_pyyaml_and_ruamel(date: str) -> None:
    start = PartialDate.parse(date)
    end = PartialDate.parse("+20000") if start.year < 20000 else None
    entry = _entry(date=start, end=end, sources=(Source(title="Annals", date=date),))
    _roundtrip(entry, [*_readers(), ("ruamel.yaml (YAML 1.2)", _ruamel())])


@pytest.mark.parametrize("text", TRAPS)
def test_typed_looking_text_in_every_field_reads_the_same_everywhere(text: str) -> None:
    entry = _entry(
        title=f"{text}".strip() or "x",
        summary=text,
        body=f"{text}\n{text}\n",
        people=(text.strip() or "p", f"{text} II"),
        places=(text.strip() or "p",),
        tags=(text.strip() or "t",),
        sources=(Source(title=text, url=text), Source(title=text)),
        extra={"note": text, text if text.strip() else "k": [text, {"inner": text}]},
    )
    _roundtrip(entry, [*_readers(), ("ruamel.yaml (YAML 1.2)", _ruamel())])


def test_pyyaml_safe_load_gives_dates_as_text_not_octal_or_errors() -> None:
    for date in ("0602", "0000-03-15", "-0043-03-15", "2014-04-17", "1914"):
        text = dump_entry(_entry(date=PartialDate.parse(date)))
        assert yaml.safe_load(text)["date"] == date
        assert f'date: "{date}"' in text


def test_plain_text_is_left_plain_where_every_reader_agrees() -> None:
    text = dump_entry(_entry(title="Tasmajdan Park", places=("Belgrade", "2014-04"),
                             tags=("yesterday",)))
    assert "title: Tasmajdan Park\n" in text
    assert "places: [Belgrade, 2014-04]\n" in text
    assert "tags: [yesterday]\n" in text


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("date: 0602", "PyYAML (YAML 1.1) reads '0602' as the number 386"),
        ("date: 0000-03-15", "PyYAML (YAML 1.1) fails on '0000-03-15'"),
        ("title: yes", "PyYAML (YAML 1.1) reads 'yes' as true"),
        ("title: 1.0e+3", "PyYAML (YAML 1.1) reads '1.0e+3' as the number 1000.0"),
        ("summary: 1e3", "YAML 1.2 readers read '1e3' as the number 1000.0"),
        ("people: [NO, Ann]", "PyYAML (YAML 1.1) reads 'NO' as false"),
        ("tags: [0o17]", "YAML 1.2 readers read '0o17' as the number 15"),
        ("places: [1:30]", "PyYAML (YAML 1.1) reads '1:30' as the number 90"),
        ("sources: [{title: off, date: 0644}]", "reads 'off' as false"),
        ("rating: 012", "PyYAML (YAML 1.1) reads '012' as the number 10, YAML 1.2 readers as the number 12"),
        ("flag: on", "reads 'on' as true, YAML 1.2 readers as the text 'on'"),
    ],
)
def test_check_warns_about_hand_written_values_other_readers_misread(line: str, why: str) -> None:
    fields = {"title": "title: An event", "date": "date: 2014"}
    fields[line.split(":")[0]] = line
    text = "\n".join(fields.values()) + "\n"
    result = parse_entry_text(text, id="x", path="entries/x.yaml",
                              declared=frozenset({"rating", "flag"}))
    messages = [str(p) for p in result.problems]
    assert any(why in m and "warning" in m and "quote it" in m for m in messages), messages
    assert result.entry is not None, messages  # read as written, only warned about


def test_text_fields_are_read_as_written_whatever_yaml_would_type() -> None:
    text = "title: 1.0e+3\ndate: 2014\npeople: [NO, 0777]\ntags: [yes]\n"
    result = parse_entry_text(text, id="x", path="entries/x.yaml")
    assert result.entry is not None
    assert result.entry.title == "1.0e+3"
    assert result.entry.people == ("NO", "0777")
    assert result.entry.tags == ("yes",)


def test_plain_dates_every_reader_agrees_on_draw_no_warning() -> None:
    for line in ("date: 2014", "date: 2014-04-17", "date: 2014-04", "date: 2014-04-17T12:03",
                 "date: 2014-04-17 12:03:05", 'date: "0602"'):
        result = parse_entry_text(f"title: x\n{line}\n", id="x", path="entries/x.yaml")
        assert result.problems == [], line


def test_the_judgement_matches_the_real_readers() -> None:
    """reads_as_text must never call plain a string that a real reader types."""
    load12 = _ruamel()
    for text in TRAPS + ["plain words", "Tasmajdan", "2014-04", "yesterday", "nothing"]:
        if "\n" in text or not text.strip() or text != text.strip():
            continue
        if text[0] in "#,[]{}&*!|>'\"%@`" or text[:2] in ("- ", "? ") or ": " in text or " #" in text:
            continue  # YAML syntax, not typing: the emitter quotes these itself
        try:
            v11 = yaml.safe_load(f"k: {text}")
            v12 = load12(f"k: {text}")
        except Exception:  # noqa: BLE001 - not even valid plain YAML: the dumper quotes it
            continue
        if reads_as_text(text):
            assert v11 == {"k": text} and v12 == {"k": text}, text
        else:
            assert trap(text, as_text=True) is not None, text


def test_dates_read_back_by_pyyaml_are_never_python_dates() -> None:
    text = dump_entry(_entry(date=PartialDate.parse("2014-04-17"),
                             end=PartialDate.parse("2014-04-18")))
    data = yaml.safe_load(text)
    assert not isinstance(data["date"], datetime.date)
    assert data["end"] == "2014-04-18"
